package dev.shimscope.plan;

import dev.shimscope.workload.WorkloadKind;

import java.util.Locale;
import java.util.Set;

/**
 * Which workloads count: the benchmarks, the test suites, or both. With {@code both} an app counts
 * with every workload it has (benchmark and/or suite), and it is supported only when all of them
 * pass; Loupe instead drops apps that lack either kind.
 */
public enum WorkloadSelection {
    BENCH(Set.of(WorkloadKind.BENCHMARK)),
    SUITE(Set.of(WorkloadKind.SUITE)),
    BOTH(Set.of(WorkloadKind.BENCHMARK, WorkloadKind.SUITE));

    private final Set<WorkloadKind> kinds;

    WorkloadSelection(Set<WorkloadKind> kinds) {
        this.kinds = kinds;
    }

    public boolean includes(WorkloadKind kind) {
        return kinds.contains(kind);
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code bench}/{@code benchmark}, {@code suite}/{@code testsuite}, {@code both}/{@code all}/{@code *}. */
    public static WorkloadSelection parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "bench", "benchmark" -> BENCH;
            case "suite", "testsuite" -> SUITE;
            case "both", "all", "*" -> BOTH;
            default -> throw new IllegalArgumentException("unknown workload '" + text + "' (expected bench, suite or both)");
        };
    }
}
