package dev.shimscope.emulate;

/** What an emulation reports as it goes (rendered by the command; the emulator prints nothing). */
public sealed interface EmulateEvent {

    /** The first run on the OS's syscall layer: passed or not, and how many unsupported syscalls it called. */
    record Surveyed(String os, boolean passed, String failure, int hits) implements EmulateEvent {
    }

    /** Allowing the syscalls hit so far let the application get further and call {@code added} more. */
    record MoreHits(int added, int total) implements EmulateEvent {
    }

    /** The search for the smallest set to implement tried a set of {@code size}: it passed or not. */
    record Tried(int size, boolean passed) implements EmulateEvent {
    }

    /** The workload passing on the OS, run alone against the unaltered workload alone: one comparison per measure. */
    record CostMeasured(java.util.List<dev.shimscope.model.Comparison> cost) implements EmulateEvent {
    }
}
