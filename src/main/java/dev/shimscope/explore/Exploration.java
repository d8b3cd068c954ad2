package dev.shimscope.explore;

import dev.shimscope.store.SyscallVerdict;
import dev.shimscope.workload.WorkloadSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The result of exploring one application under one workload: the used syscalls with their
 * verdicts, the verified shim plan, the baseline it was measured against, how many runs it took
 * and the environment it ran in (kernel, binary hash, package version, spec hash, tool version).
 *
 * @param usedArgs argument values seen per used syscall (label to value to count), from the trace
 */
public record Exploration(
        WorkloadSpec spec,
        Map<String, String> environment,
        List<RunRecord> baseline,
        List<SyscallResult> verdicts,
        ShimPlan plan,
        SortedMap<String, SortedMap<String, SortedMap<String, Long>>> usedArgs,
        int runs,
        int resumedExperiments,
        Instant startedAt,
        Duration wallTime) {

    public Exploration {
        verdicts = List.copyOf(verdicts);
        baseline = List.copyOf(baseline);
    }

    public List<SyscallResult> in(SyscallVerdict c) {
        return verdicts.stream().filter(v -> v.verdict() == c).toList();
    }

    /** Names of the syscalls with a verdict, by number. */
    public List<String> names(SyscallVerdict c) {
        return in(c).stream().map(SyscallResult::name).toList();
    }
}
