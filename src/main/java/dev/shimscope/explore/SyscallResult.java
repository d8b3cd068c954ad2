package dev.shimscope.explore;

import dev.shimscope.store.SyscallVerdict;

/** What exploring one used syscall found: its verdict and the two experiments behind it. */
public record SyscallResult(int number, String name, long calls, SyscallVerdict verdict,
                             ExperimentResult stub, ExperimentResult fake) {
}
