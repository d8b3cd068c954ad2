package dev.shimscope.explore;

import dev.shimscope.store.SyscallVerdict;

import java.util.List;

/**
 * An experiment and its runs. The first run decides unless it contradicts the baseline (fails);
 * then replicas confirm it, and replicas that disagree make the outcome FLAKY.
 */
public record ExperimentResult(Experiment experiment, List<RunRecord> runs) {

    public ExperimentResult {
        runs = List.copyOf(runs);
    }

    /** The result of one experiment over its replicas. */
    public enum Outcome {
        WORKS, FAILS, FLAKY
    }

    public Outcome outcome() {
        boolean anyPass = runs.stream().anyMatch(RunRecord::passed);
        boolean anyFail = runs.stream().anyMatch(r -> !r.passed());
        return anyPass && anyFail ? Outcome.FLAKY : anyPass ? Outcome.WORKS : Outcome.FAILS;
    }

    /**
     * The verdict from a syscall's stub and fake experiments. Replicas that disagreed make it
     * FLAKY: reported as such (and treated as required by the shim plan), never merged into
     * another category.
     */
    public static SyscallVerdict verdict(ExperimentResult stub, ExperimentResult fake) {
        if (stub.outcome() == Outcome.FLAKY || fake.outcome() == Outcome.FLAKY) {
            return SyscallVerdict.FLAKY;
        }
        return SyscallVerdict.of(stub.outcome() == Outcome.WORKS, fake.outcome() == Outcome.WORKS);
    }

    /** The first failure reason, for reports. */
    public String failure() {
        return runs.stream().filter(r -> !r.passed()).map(RunRecord::failure).findFirst().orElse(null);
    }
}
