package dev.shimscope.workload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * The two kinds of workload of the study: a benchmark (a client drives a server, or a benchmark
 * program runs) and the application's own test suite. In a store a workload directory is named
 * {@code benchmark-NAME} or {@code suite[-NAME]}, as in Loupe's database.
 */
public enum WorkloadKind {
    BENCHMARK("benchmark"),
    SUITE("suite");

    private final String id;

    WorkloadKind(String id) {
        this.id = id;
    }

    /** {@code benchmark} or {@code suite}: the JSON value and the directory-name prefix. */
    @JsonValue
    public String id() {
        return id;
    }

    /** The workload directory name: {@code benchmark-wrk}, {@code suite}, {@code suite-nginx-tests}. */
    public String dirName(String workload) {
        return workload.isEmpty() ? id : id + "-" + workload;
    }

    /** Accepts {@code benchmark}, {@code bench}, {@code suite}, {@code testsuite} (any case). */
    @JsonCreator
    public static WorkloadKind parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "benchmark", "bench" -> BENCHMARK;
            case "suite", "testsuite" -> SUITE;
            default -> throw new IllegalArgumentException("unknown workload kind '" + text
                    + "' (expected bench or suite)");
        };
    }

    /** A workload directory name split into kind and name. */
    public record Dir(WorkloadKind kind, String workload) {
    }

    /**
     * Parses a workload directory name ({@code benchmark-X}, {@code benchmark}, {@code suite},
     * {@code suite-X}); null when the name is neither.
     */
    public static Dir parseDir(String dirName) {
        for (WorkloadKind k : values()) {
            if (dirName.equals(k.id)) {
                return new Dir(k, "");
            }
            if (dirName.startsWith(k.id + "-") && dirName.length() > k.id.length() + 1) {
                return new Dir(k, dirName.substring(k.id.length() + 1));
            }
        }
        return null;
    }
}
