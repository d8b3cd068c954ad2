package dev.shimscope.explore;

import dev.shimscope.model.RunRecord;
import dev.shimscope.workload.WorkloadRunner;
import dev.shimscope.workload.WorkloadSpec;

import java.time.Duration;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The time limits of an exploration's runs, derived from its baseline: twice the slowest baseline
 * readiness, test and stop, plus half a second, at least one second, never more than the spec's
 * own limits. The baseline's times are effective times (what the supervisor measures: wall time
 * minus the time the run waited for a CPU), and so are the limits, so a broken application is
 * noticed after a few times its normal duration while a starved one is not failed for being slow.
 *
 * @param ready readiness limit (null for a suite)
 * @param test  test limit
 * @param grace stop limit after the server's signal (null for a suite)
 */
public record TimeLimits(Duration ready, Duration test, Duration grace) {

    /** Floor of a derived limit: short workloads still get a full second. */
    private static final long MIN_MILLIS = 1000;
    /** How much longer plan runs may take than experiments: a slow plan is an impact, not a failure. */
    public static final int PLAN_FACTOR = 3;

    public static TimeLimits fromBaseline(List<RunRecord> baseline, WorkloadSpec spec) {
        Duration test = derived(slowest(baseline, RunRecord::testMillis, 1000), spec.test().timeout());
        if (spec.server() == null) {
            return new TimeLimits(null, test, null);
        }
        Duration ready = derived(slowest(baseline, RunRecord::readyMillis, 1000), spec.server().readyTimeout());
        long stop = slowest(baseline, RunRecord::stopMillis, -1);
        Duration grace = stop < 0 ? spec.server().grace() : derived(stop, spec.server().grace());
        return new TimeLimits(ready, test, grace);
    }

    /** The spec's own limits (for traced runs, which strace slows down). */
    public static TimeLimits ofSpec(WorkloadSpec spec) {
        return spec.server() == null ? new TimeLimits(null, spec.test().timeout(), null)
                : new TimeLimits(spec.server().readyTimeout(), spec.test().timeout(), spec.server().grace());
    }

    private static long slowest(List<RunRecord> runs, ToLongFunction<RunRecord> f, long dflt) {
        return runs.stream().mapToLong(f).max().orElse(dflt);
    }

    private static Duration derived(long slowestMillis, Duration spec) {
        Duration limit = Duration.ofMillis(Math.max(MIN_MILLIS, 2 * slowestMillis + 500));
        return limit.compareTo(spec) < 0 ? limit : spec;
    }

    /** These limits times {@code factor}, never more than the spec's. */
    public TimeLimits times(int factor, WorkloadSpec spec) {
        TimeLimits max = ofSpec(spec);
        return new TimeLimits(min(scale(ready, factor), max.ready), min(scale(test, factor), max.test),
                min(scale(grace, factor), max.grace));
    }

    private static Duration scale(Duration d, int f) {
        return d == null ? null : d.multipliedBy(f);
    }

    /** The shorter of two limits, where null is no limit. */
    static Duration min(Duration a, Duration b) {
        return a == null ? b : b == null ? a : a.compareTo(b) <= 0 ? a : b;
    }

    /** Run options with these limits. */
    public WorkloadRunner.Options apply(WorkloadRunner.Options o) {
        return o.withTimeouts(ready, test).withGrace(grace);
    }

    /** "ready 1000 ms, test 2000 ms, stop 1000 ms". */
    public String describe() {
        return (ready == null ? "" : "ready " + ready.toMillis() + " ms, ") + "test " + test.toMillis() + " ms"
                + (grace == null ? "" : ", stop " + grace.toMillis() + " ms");
    }
}
