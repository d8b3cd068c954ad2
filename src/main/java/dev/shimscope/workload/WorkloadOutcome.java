package dev.shimscope.workload;

import dev.shimscope.model.RunRecord;
import dev.shimscope.sandbox.RunResult;
import dev.shimscope.trace.TraceResult;

/**
 * One run of a workload: passed or not and why, how long readiness, the test and (for a passing
 * benchmark) the server's stop took (-1 if the run never got there), the tails of the test's and
 * the server's output, and the trace when the run was traced. {@code timeLimitHit} says the
 * failure was a time limit (readiness, test or the whole run), as opposed to the workload failing
 * by itself.
 */
public record WorkloadOutcome(
        boolean passed,
        String failure,
        boolean timeLimitHit,
        RunResult run,
        long readyMillis,
        long testMillis,
        long stopMillis,
        String testOutputTail,
        String serverOutputTail,
        TraceResult trace) {

    /** The run as it is kept (journal, results): outcome, timings and cost, without the outputs. */
    public RunRecord record() {
        return new RunRecord(passed, failure, !passed && timeLimitHit, run.wallTime().toMillis(), readyMillis, testMillis,
                stopMillis, run.cpuMillis(), run.stallMillis(), run.peakRssKb());
    }
}
