package dev.shimscope.explore;

import java.util.List;

/**
 * An experiment and its runs. The first run decides unless it contradicts the baseline (fails);
 * then replicas confirm it, and replicas that disagree make the outcome FLAKY.
 */
public record ExperimentResult(Experiment experiment, List<RunRecord> runs) {

    public ExperimentResult {
        runs = List.copyOf(runs);
    }

    public Category.Outcome outcome() {
        boolean anyPass = runs.stream().anyMatch(RunRecord::passed);
        boolean anyFail = runs.stream().anyMatch(r -> !r.passed());
        return anyPass && anyFail ? Category.Outcome.FLAKY : anyPass ? Category.Outcome.WORKS : Category.Outcome.FAILS;
    }

    /** The first failure reason, for reports. */
    public String failure() {
        return runs.stream().filter(r -> !r.passed()).map(RunRecord::failure).findFirst().orElse(null);
    }
}
