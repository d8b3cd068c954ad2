package dev.shimscope.explore;

import java.util.List;

/**
 * Receives what an exploration does as it happens, so the analysis knows nothing about output:
 * the progress bar, the log lines and the journal are listeners.
 */
public interface ExploreListener {

    /** A phase starts: "baseline", "trace", "experiments", "plan"; {@code total} runs expected (0 if unknown). */
    default void phase(String name, int total) {
    }

    default void baselineFinished(List<RunRecord> runs) {
    }

    default void traceFinished(List<UsedSyscall> used) {
    }

    default void experimentFinished(ExperimentResult result, int done, int total) {
    }

    /** A run of the joint configuration, with what it tested. */
    default void planRun(String what, RunRecord run) {
    }

    default void message(String line) {
    }

    /** A used syscall as the exploration needs it: number, name, calls. */
    record UsedSyscall(int number, String name, long calls) {
    }

    static ExploreListener all(List<ExploreListener> listeners) {
        return new ExploreListener() {
            @Override
            public void phase(String name, int total) {
                listeners.forEach(l -> l.phase(name, total));
            }

            @Override
            public void baselineFinished(List<RunRecord> runs) {
                listeners.forEach(l -> l.baselineFinished(runs));
            }

            @Override
            public void traceFinished(List<UsedSyscall> used) {
                listeners.forEach(l -> l.traceFinished(used));
            }

            @Override
            public void experimentFinished(ExperimentResult result, int done, int total) {
                listeners.forEach(l -> l.experimentFinished(result, done, total));
            }

            @Override
            public void planRun(String what, RunRecord run) {
                listeners.forEach(l -> l.planRun(what, run));
            }

            @Override
            public void message(String line) {
                listeners.forEach(l -> l.message(line));
            }
        };
    }
}
