package dev.shimscope.workload;

import dev.shimscope.model.RunRecord;
import dev.shimscope.sandbox.RunResult;
import dev.shimscope.trace.TraceResult;

import java.util.List;

/**
 * One run of a workload: passed or not and why, how long readiness, the test and (for a passing
 * benchmark) the server's stop took (-1 if the run never got there), the tails of the test's and
 * the server's output, and the trace when the run was traced. {@code timeLimitHit} says the
 * failure was a time limit (readiness, test or the whole run), as opposed to the workload failing
 * by itself; {@code loadSensitive} that it is of a kind a busy machine can cause (a time limit, a
 * client that gave up or reported errors), unlike a crash or an exit at start. {@code measures}
 * is what the application's processes used (memory, descriptors, the spec's metric), null for a
 * traced run (strace's own use would be counted).
 */
public record WorkloadOutcome(
        boolean passed,
        String failure,
        boolean timeLimitHit,
        boolean loadSensitive,
        RunResult run,
        long readyMillis,
        long testMillis,
        long stopMillis,
        String testOutputTail,
        String serverOutputTail,
        TraceResult trace,
        java.util.SortedSet<String> passedTests,
        java.util.SortedSet<String> failedTests,
        dev.shimscope.model.RunMeasures measures) {

    public WorkloadOutcome {
        passedTests = passedTests == null ? java.util.Collections.emptySortedSet()
                : java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(passedTests));
        failedTests = failedTests == null ? java.util.Collections.emptySortedSet()
                : java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(failedTests));
    }

    /** The run as it is kept (journal, results): outcome, timings and cost, without the outputs. */
    public RunRecord record() {
        return new RunRecord(passed, failure, !passed && timeLimitHit, loadSensitive, run.wallTime().toMillis(), readyMillis,
                testMillis, stopMillis, run.cpuMillis(), run.stallMillis(), run.peakRssKb(),
                failedTests.isEmpty() ? null : List.copyOf(failedTests), measures);
    }
}
