package dev.shimscope.explore;

/** One experiment: the workload with one syscall stubbed or faked. */
public record Experiment(int syscall, String name, Mode mode) {
    @Override
    public String toString() {
        return mode.id() + " " + name;
    }
}
