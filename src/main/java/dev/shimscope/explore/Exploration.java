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
 * @param values      per argument value of the multiplexed syscalls used: its verdict (empty
 *                    when sub-features were not explored)
 * @param files       per file the application named: whether it must exist
 * @param notExplored files named but not explored, with the reason
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
        List<ValueResult> values,
        List<FileResult> files,
        SortedMap<String, String> notExplored,
        dev.shimscope.model.Impacts impacts,
        List<RunRecord> controls) {

    public Exploration {
        impacts = impacts == null ? dev.shimscope.model.Impacts.none("not measured") : impacts;
        controls = controls == null ? List.of() : List.copyOf(controls);
        verdicts = List.copyOf(verdicts);
        baseline = List.copyOf(baseline);
        values = values == null ? List.of() : List.copyOf(values);
        files = files == null ? List.of() : List.copyOf(files);
        notExplored = notExplored == null ? new java.util.TreeMap<>() : java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(notExplored));
    }

    /** An exploration without sub-features. */
    public Exploration(WorkloadSpec spec, Map<String, String> environment, List<RunRecord> baseline, TimeLimits limits,
                       List<SyscallResult> verdicts, PlanOutcome planOutcome,
                       SortedMap<String, SortedMap<String, SortedMap<String, Long>>> usedArgs, int runs,
                       int resumedExperiments, double meanJobs, Instant startedAt, Duration wallTime, TestIndex tests) {
        this(spec, environment, baseline, limits, verdicts, planOutcome, usedArgs, runs, resumedExperiments, meanJobs,
                startedAt, wallTime, tests, List.of(), List.of(), null, null, null);
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
