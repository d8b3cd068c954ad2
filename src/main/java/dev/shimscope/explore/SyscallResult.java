package dev.shimscope.explore;

/** What exploring one used syscall found: its category and the two experiments behind it. */
public record SyscallResult(int number, String name, long calls, Category category,
                             ExperimentResult stub, ExperimentResult fake) {
}
