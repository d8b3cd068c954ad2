package dev.shimscope.explore;

/** The verdict for one used syscall: its category and the two experiments behind it. */
public record SyscallVerdict(int number, String name, long calls, Category category,
                             ExperimentResult stub, ExperimentResult fake) {
}
