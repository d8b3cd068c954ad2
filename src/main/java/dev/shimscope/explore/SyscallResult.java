package dev.shimscope.explore;

import dev.shimscope.model.Verdict;
import dev.shimscope.syscall.Syscall;

/** What exploring one used syscall found: its verdict and the two experiments behind it. */
public record SyscallResult(Syscall syscall, long calls, Verdict verdict, ExperimentResult stub, ExperimentResult fake) {

    public int number() {
        return syscall.number();
    }

    public String name() {
        return syscall.name();
    }
}
