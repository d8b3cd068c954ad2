package dev.shimscope.explore;

import dev.shimscope.workload.WorkloadOutcome;

/**
 * One run of an experiment, the baseline or the plan: passed or why not, how long the whole run
 * took, and how long the server took to be ready, the test to run and the server to stop after
 * its signal (-1 if not reached or not measured).
 */
public record RunRecord(boolean passed, String failure, long millis, long readyMillis, long testMillis,
                        long stopMillis) {

    public static RunRecord of(WorkloadOutcome o) {
        return new RunRecord(o.passed(), o.failure(), o.run().wallTime().toMillis(), o.readyMillis(), o.testMillis(),
                o.stopMillis());
    }
}
