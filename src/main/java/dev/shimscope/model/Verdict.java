package dev.shimscope.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * What the dynamic analysis found out about one syscall that a workload used: whether the
 * workload still passes when the call is stubbed (returns ENOSYS), faked (returns 0 without doing
 * anything), either, neither, or whether repeated runs disagreed ({@link #FLAKY}).
 *
 * <p>Loupe's {@code dyn.csv} has no column for {@code FLAKY}; it is written as "required"
 * ({@code Y,N,N,N}) because a call that only sometimes survives stubbing cannot be relied on,
 * the same rule Loupe applies when its replicas disagree. The JSON beside the CSV keeps the
 * distinction.
 */
public enum Verdict {
    /** Neither stubbing nor faking works: the call needs a real implementation. */
    REQUIRED,
    /** Returning ENOSYS works, returning 0 breaks the workload. */
    STUB_ONLY,
    /** Returning 0 works, returning ENOSYS breaks the workload. */
    FAKE_ONLY,
    /** Both ENOSYS and 0 work. */
    BOTH,
    /** Repeated experiments disagreed; treated as {@link #REQUIRED} everywhere it matters. */
    FLAKY;

    /** True when a stub (ENOSYS) is known to keep the workload passing. */
    public boolean stubWorks() {
        return this == STUB_ONLY || this == BOTH;
    }

    /** True when a fake (return 0) is known to keep the workload passing. */
    public boolean fakeWorks() {
        return this == FAKE_ONLY || this == BOTH;
    }

    /** The treatments known to keep the workload passing (a real implementation always does). */
    public java.util.Set<Treatment.Kind> working() {
        java.util.EnumSet<Treatment.Kind> w = java.util.EnumSet.of(Treatment.Kind.IMPLEMENT);
        if (stubWorks()) {
            w.add(Treatment.Kind.STUB);
        }
        if (fakeWorks()) {
            w.add(Treatment.Kind.FAKE);
        }
        return java.util.Collections.unmodifiableSet(w);
    }

    /** True when {@code t} is known to keep the workload passing. */
    public boolean works(Treatment t) {
        return working().contains(t.kind());
    }

    /**
     * What two workloads (or two verdicts of one syscall) allow together: an OS answers a syscall
     * one way, so only treatments both accept work. FLAKY with anything stays FLAKY.
     */
    public Verdict and(Verdict other) {
        if (this == FLAKY || other == FLAKY) {
            return FLAKY;
        }
        return of(stubWorks() && other.stubWorks(), fakeWorks() && other.fakeWorks());
    }

    /** True when only a real implementation is known to work (REQUIRED, and FLAKY to be safe). */
    public boolean needsImplementation() {
        return !stubWorks() && !fakeWorks();
    }

    /** The verdict for the given outcomes of the stub and fake experiments. */
    public static Verdict of(boolean stubWorks, boolean fakeWorks) {
        if (stubWorks && fakeWorks) {
            return BOTH;
        }
        if (stubWorks) {
            return STUB_ONLY;
        }
        return fakeWorks ? FAKE_ONLY : REQUIRED;
    }

    /** The name used in JSON and on the command line: {@code required}, {@code stub_only}, ... */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A label for people: "required", "stub only", "fake only", "stub or fake", "flaky". */
    public String label() {
        return switch (this) {
            case REQUIRED -> "required";
            case STUB_ONLY -> "stub only";
            case FAKE_ONLY -> "fake only";
            case BOTH -> "stub or fake";
            case FLAKY -> "flaky";
        };
    }

    @JsonCreator
    public static Verdict parse(String text) {
        for (Verdict v : values()) {
            if (v.id().equals(text) || v.name().equals(text)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown verdict '" + text
                + "' (expected required, stub_only, fake_only, both or flaky)");
    }
}
