package dev.shimscope.explore;

import dev.shimscope.model.RunRecord;
import dev.shimscope.model.ShimPlan;
import dev.shimscope.model.Verdict;
import dev.shimscope.workload.WorkloadSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The result of exploring one application under one workload: the used syscalls with their
 * verdicts, the shim plan and its runs, the baseline it was measured against and the limits
 * derived from it, how many runs it took (and how many the machine allowed at once, on average),
 * and the environment it ran in (kernel, binary hash, package version, spec hash, tool version).
 *
 * @param usedArgs argument values seen per used syscall (label to value to count), from the trace
 * @param tests    for a suite made of tests: which tests were explored and which syscalls each
 *                 called (null otherwise)
 * @param impacts  what stubs, fakes and the plan cost against the baseline ({@link ImpactAnalysis})
 * @param controls the unaltered runs made among the experiments, the impacts' reference (empty without)
 */
public record Exploration(
        WorkloadSpec spec,
        Map<String, String> environment,
        List<RunRecord> baseline,
        TimeLimits limits,
        List<SyscallResult> verdicts,
        PlanOutcome planOutcome,
        SortedMap<String, SortedMap<String, SortedMap<String, Long>>> usedArgs,
        int runs,
        int resumedExperiments,
        double meanJobs,
        Instant startedAt,
        Duration wallTime,
        TestIndex tests,
        dev.shimscope.model.Impacts impacts,
        List<RunRecord> controls) {

    public Exploration {
        impacts = impacts == null ? dev.shimscope.model.Impacts.none("not measured") : impacts;
        controls = controls == null ? List.of() : List.copyOf(controls);
        verdicts = List.copyOf(verdicts);
        baseline = List.copyOf(baseline);
    }

    public ShimPlan plan() {
        return planOutcome.plan();
    }

    public List<SyscallResult> in(Verdict c) {
        return verdicts.stream().filter(v -> v.verdict() == c).toList();
    }

    /** Names of the syscalls with a verdict, by number. */
    public List<String> names(Verdict c) {
        return in(c).stream().map(SyscallResult::name).toList();
    }
}
