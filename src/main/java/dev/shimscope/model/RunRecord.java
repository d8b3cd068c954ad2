package dev.shimscope.model;

/**
 * One run of an experiment, a baseline, a plan or an emulation, as it is kept: passed or why not,
 * whether the failure was a time limit and whether it is of a kind a busy machine can cause (a time
 * limit, a client that gave up; not a crash), how long the whole run took and how long the server took
 * to be ready, the test to run and the server to stop after its signal (-1 if not reached or not
 * measured), and what the run cost: CPU time of all its processes, time they spent waiting for a
 * CPU (the run was starved for that long; -1 where the machine cannot measure it), and the
 * largest resident set of one of its processes (KiB, -1 if unknown; GNU time's, which may be the
 * client's); for a suite of tests, the tests that failed (null otherwise); and what the
 * application's own processes used ({@link RunMeasures}: memory, descriptors, the spec's metric;
 * null where the run was not measured, as in records of earlier versions).
 */
public record RunRecord(boolean passed, String failure, boolean timeLimit, boolean loadSensitive, long millis,
                        long readyMillis, long testMillis, long stopMillis, long cpuMillis, long stallMillis,
                        long peakRssKb, java.util.List<String> failedTests, RunMeasures measures) {

    public RunRecord {
        failedTests = failedTests == null ? null : java.util.List.copyOf(failedTests);
        measures = measures == null || !measures.any() ? null : measures;
    }

    /** A record without the application's measures. */
    public RunRecord(boolean passed, String failure, boolean timeLimit, boolean loadSensitive, long millis,
                     long readyMillis, long testMillis, long stopMillis, long cpuMillis, long stallMillis,
                     long peakRssKb, java.util.List<String> failedTests) {
        this(passed, failure, timeLimit, loadSensitive, millis, readyMillis, testMillis, stopMillis, cpuMillis,
                stallMillis, peakRssKb, failedTests, null);
    }

    /**
     * The run's effective time (ms): its wall time less the time none of its processes could get a
     * CPU (what a busy machine added), or the wall time where that is not measured.
     */
    public long effectiveMillis() {
        return stallMillis >= 0 ? Math.max(0, millis - stallMillis) : millis;
    }

    /**
     * True if the run failed in a way load can cause while it waited for a CPU more than
     * {@code share} of its time (false where the wait is not measured).
     */
    public boolean failedStarved(double share) {
        return !passed && loadSensitive && stallMillis > share * Math.max(1, millis);
    }

    /** A record of a run that is not a suite of tests. */
    public RunRecord(boolean passed, String failure, boolean timeLimit, boolean loadSensitive, long millis,
                     long readyMillis, long testMillis, long stopMillis, long cpuMillis, long stallMillis, long peakRssKb) {
        this(passed, failure, timeLimit, loadSensitive, millis, readyMillis, testMillis, stopMillis, cpuMillis,
                stallMillis, peakRssKb, null, null);
    }

    /** A record with only the timings the first versions kept (journals written by them). */
    public RunRecord(boolean passed, String failure, long millis, long readyMillis, long testMillis, long stopMillis) {
        this(passed, failure, false, false, millis, readyMillis, testMillis, stopMillis, -1, -1, -1, null, null);
    }
}
