package dev.shimscope.explore;

import dev.shimscope.model.RunRecord;
import dev.shimscope.model.Verdict;

import java.util.List;

/**
 * An experiment and its runs. The first run decides unless it fails (contradicting the
 * baseline); then replicas follow, and replicas that disagree make the outcome FLAKY. An outcome
 * the machine's load may have caused (replicas that disagree, a failure of a run that was
 * starved of CPU) is confirmed by {@code confirmation} runs made with the machine to themselves,
 * which then decide. {@code tests} is the selection of a suite made of tests that the runs ran
 * (the tests whose traces called the syscall); null for the whole workload.
 */
public record ExperimentResult(Experiment experiment, List<RunRecord> runs, List<RunRecord> confirmation,
                               List<String> tests, boolean indistinguishable) {

    public ExperimentResult(Experiment experiment, List<RunRecord> runs, List<RunRecord> confirmation, List<String> tests) {
        this(experiment, runs, confirmation, tests, false);
    }

    /**
     * A fake that returns what the call returned in every traced call (getuid as root): not run,
     * since it could tell nothing; it counts as working (an OS that fakes it answers as the call
     * did here) and is reported apart, as not distinguishable.
     */
    public static ExperimentResult notDistinguishable(Experiment e) {
        return new ExperimentResult(e, List.of(), List.of(), null, true);
    }

    public ExperimentResult {
        runs = List.copyOf(runs);
        confirmation = List.copyOf(confirmation);
        tests = tests == null ? null : List.copyOf(tests);
    }

    public ExperimentResult(Experiment experiment, List<RunRecord> runs) {
        this(experiment, runs, List.of(), null);
    }

    /** The tests whose runs failed, in any run (for a suite made of tests; empty otherwise). */
    public java.util.SortedSet<String> failedTests() {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        (confirmation.isEmpty() ? runs : confirmation).forEach(r -> {
            if (r.failedTests() != null) {
                out.addAll(r.failedTests());
            }
        });
        return out;
    }

    /** The result of one experiment over its replicas. */
    public enum Outcome {
        WORKS, FAILS, FLAKY
    }

    public Outcome outcome() {
        if (indistinguishable) {
            return Outcome.WORKS;
        }
        return of(confirmation.isEmpty() ? runs : confirmation);
    }

    private static Outcome of(List<RunRecord> runs) {
        boolean anyPass = runs.stream().anyMatch(RunRecord::passed);
        boolean anyFail = runs.stream().anyMatch(r -> !r.passed());
        return anyPass && anyFail ? Outcome.FLAKY : anyPass ? Outcome.WORKS : Outcome.FAILS;
    }

    /**
     * True when the outcome of {@link #runs} might be the machine's doing: they disagree, or a
     * failed one failed in a way load can cause (a client that gave up, a time limit) and waited
     * for a CPU for more than {@code starvedShare} of its time.
     */
    public boolean needsConfirmation(double starvedShare) {
        if (!confirmation.isEmpty() || indistinguishable) {
            return false;
        }
        if (of(runs) == Outcome.FLAKY) {
            return true;
        }
        return runs.stream().anyMatch(r -> r.failedStarved(starvedShare));
    }

    public ExperimentResult withConfirmation(List<RunRecord> alone) {
        return new ExperimentResult(experiment, runs, alone, tests, indistinguishable);
    }

    /**
     * The verdict from a syscall's stub and fake experiments. Replicas that disagreed even when
     * confirmed make it FLAKY: reported as such (and treated as required by the shim plan), never
     * merged into another category.
     */
    public static Verdict verdict(ExperimentResult stub, ExperimentResult fake) {
        if (stub.outcome() == Outcome.FLAKY || fake.outcome() == Outcome.FLAKY) {
            return Verdict.FLAKY;
        }
        return Verdict.of(stub.outcome() == Outcome.WORKS, fake.outcome() == Outcome.WORKS);
    }

    /** The first failure reason, for reports. */
    public String failure() {
        List<RunRecord> deciding = confirmation.isEmpty() ? runs : confirmation;
        return deciding.stream().filter(r -> !r.passed()).map(RunRecord::failure).findFirst().orElse(null);
    }
}
