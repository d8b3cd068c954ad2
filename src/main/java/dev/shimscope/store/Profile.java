package dev.shimscope.store;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.util.StdConverter;
import dev.shimscope.ToolVersion;
import dev.shimscope.model.ShimPlan;
import dev.shimscope.model.SubFeatures;
import dev.shimscope.model.Verdict;
import dev.shimscope.syscall.Arch;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.workload.WorkloadKind;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The result of analysing one application under one workload, as stored in a
 * {@link ResultStore}: which syscalls the workload used and, for each, the {@link Verdict}
 * of the stub/fake experiments; optionally the syscalls static analysis found in the binary and
 * in the sources; who produced it, when, from which version of the workload spec (its hash), and
 * free-form details (environment, timings, notes).
 *
 * <p>{@code used} and {@code verdicts} are both null for a result without dynamic analysis
 * (e.g. from {@code static} alone); otherwise every used syscall has exactly one verdict.
 * Syscalls are named as in {@link SyscallTable} of {@link #arch()} ({@code syscall_N} for a
 * number the table does not name). {@code recorded} is stored in the JSON, so which of two runs
 * is newer never depends on file times.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"format", "app", "workload_kind", "workload", "run_id", "recorded", "tool_version",
        "imported", "arch", "spec_sha256", "used", "verdicts", "static_binary", "static_sources", "plan", "tests_needing",
        "features", "impacts",
        "details"})
public record Profile(
        @JsonProperty("app") String app,
        @JsonProperty("workload_kind") WorkloadKind kind,
        @JsonProperty("workload") String workload,
        @JsonProperty("run_id") String runId,
        @JsonProperty("recorded") @JsonSerialize(using = ToStringSerializer.class)
        @JsonDeserialize(converter = Profile.InstantConverter.class) Instant recorded,
        @JsonProperty("tool_version") String toolVersion,
        @JsonProperty("imported") boolean imported,
        @JsonProperty("arch") @JsonSerialize(using = ToStringSerializer.class)
        @JsonDeserialize(converter = Profile.ArchConverter.class) Arch arch,
        @JsonProperty("used") SortedSet<String> used,
        @JsonProperty("verdicts") SortedMap<String, Verdict> verdicts,
        @JsonProperty("static_binary") SortedSet<String> staticBinary,
        @JsonProperty("static_sources") SortedSet<String> staticSources,
        @JsonProperty("details") ObjectNode details,
        @JsonProperty("plan") ShimPlan plan,
        @JsonProperty("tests_needing") SortedMap<String, SortedSet<String>> testsNeeding,
        @JsonProperty("features") SubFeatures features,
        @JsonProperty("spec_sha256") String specSha256,
        @JsonProperty("impacts") dev.shimscope.model.Impacts impacts) {

    /**
     * Version of the JSON layout written by this class. 3: the hash of the workload spec the
     * result was measured with ({@code spec_sha256}); 2: the shim plan as typed data
     * ({@code plan}); 1: the plan only inside the free-form {@code details} (still read). The
     * {@code impacts} of an exploration (what stubs, fakes and the plan cost) are optional: results
     * without them have none.
     */
    public static final int FORMAT = 3;

    /** A result without sub-features, the hash of its spec or impacts. */
    public Profile(String app, WorkloadKind kind, String workload, String runId, Instant recorded, String toolVersion,
                   boolean imported, Arch arch, SortedSet<String> used, SortedMap<String, Verdict> verdicts,
                   SortedSet<String> staticBinary, SortedSet<String> staticSources, ObjectNode details, ShimPlan plan,
                   SortedMap<String, SortedSet<String>> testsNeeding) {
        this(app, kind, workload, runId, recorded, toolVersion, imported, arch, used, verdicts, staticBinary,
                staticSources, details, plan, testsNeeding, null, null, null);
    }

    /** A result without a shim plan (imported data, static analysis). */
    public Profile(String app, WorkloadKind kind, String workload, String runId, Instant recorded, String toolVersion,
                   boolean imported, Arch arch, SortedSet<String> used, SortedMap<String, Verdict> verdicts,
                   SortedSet<String> staticBinary, SortedSet<String> staticSources, ObjectNode details) {
        this(app, kind, workload, runId, recorded, toolVersion, imported, arch, used, verdicts, staticBinary,
                staticSources, details, null, null);
    }

    /** File name of the JSON beside Loupe's {@code data/} directory. */
    public static final String FILE_NAME = "shimscope.json";

    /** App, workload and run id are directory names: no slashes, no leading dot. */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+@-]{0,127}");

    /**
     * Which of two runs of one workload counts: the newer {@code recorded} time; at equal times a
     * run whose id is Loupe's {@code imported} (data that predates Loupe's hashed run format) is
     * older than any other; then the greater run id is newer (our ids start with the UTC time).
     */
    public static final Comparator<Profile> NEWEST_FIRST = Comparator
            .comparing(Profile::recorded)
            .thenComparing(p -> !LoupeImporter.LEGACY_RUN_ID.equals(p.runId()))
            .thenComparing(Profile::runId)
            .reversed();

    public Profile {
        requireName("app", app);
        if (kind == null) {
            throw new IllegalArgumentException("workload kind missing (benchmark or suite)");
        }
        workload = workload == null ? "" : workload;
        if (!workload.isEmpty()) {
            requireName("workload", workload);
        }
        requireName("run id", runId);
        if (recorded == null) {
            throw new IllegalArgumentException("recorded time missing in result " + app + "/" + runId);
        }
        if (toolVersion == null || toolVersion.isBlank()) {
            throw new IllegalArgumentException("tool version missing in result " + app + "/" + runId);
        }
        arch = arch == null ? Arch.X86_64 : arch;
        SyscallTable table = SyscallTable.of(arch);
        String where = "result " + app + "/" + runId;
        if ((used == null) != (verdicts == null)) {
            throw new IllegalArgumentException("result " + app + "/" + runId
                    + ": 'used' and 'verdicts' must both be present or both absent");
        }
        if (used != null) {
            used = checkedNames(table, where, "used", used);
            TreeMap<String, Verdict> canonical = new TreeMap<>();
            for (Map.Entry<String, Verdict> e : verdicts.entrySet()) {
                if (e.getValue() == null) {
                    throw new IllegalArgumentException(where + ": no verdict for " + e.getKey());
                }
                if (canonical.put(checkName(table, where, "verdicts", e.getKey()), e.getValue()) != null) {
                    throw new IllegalArgumentException(where + ": two verdicts for " + e.getKey());
                }
            }
            verdicts = Collections.unmodifiableSortedMap(canonical);
            if (!verdicts.keySet().equals(used)) {
                Set<String> noVerdict = new TreeSet<>(used);
                noVerdict.removeAll(verdicts.keySet());
                Set<String> notUsed = new TreeSet<>(verdicts.keySet());
                notUsed.removeAll(used);
                throw new IllegalArgumentException("result " + app + "/" + runId
                        + ": every used syscall needs exactly one verdict (no verdict: " + noVerdict
                        + ", verdict but not used: " + notUsed + ")");
            }
        }
        staticBinary = staticBinary == null ? null : checkedNames(table, where, "static_binary", staticBinary);
        staticSources = staticSources == null ? null : checkedNames(table, where, "static_sources", staticSources);
        if (used == null && staticBinary == null && staticSources == null) {
            throw new IllegalArgumentException("result " + app + "/" + runId
                    + " holds no data: neither dynamic (used/verdicts) nor static results");
        }
        details = details == null ? JsonNodeFactory.instance.objectNode() : details.deepCopy();
        if (testsNeeding != null) {
            TreeMap<String, SortedSet<String>> t = new TreeMap<>();
            testsNeeding.forEach((k, v) -> t.put(checkName(table, where, "tests_needing", k),
                    Collections.unmodifiableSortedSet(new TreeSet<>(v))));
            testsNeeding = Collections.unmodifiableSortedMap(t);
        }
        if (specSha256 != null && !SHA256.matcher(specSha256).matches()) {
            throw new IllegalArgumentException(where + ": spec_sha256 '" + specSha256 + "' is not a SHA-256 in hex");
        }
    }

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /**
     * A fresh result of this tool: a new run id, recorded now, this tool's version, not imported,
     * x86_64, no static sets and empty details (add them with the {@code with...} methods).
     */
    public static Profile newRun(String app, WorkloadKind kind, String workload, Map<String, Verdict> verdicts) {
        Instant now = Instant.now();
        return new Profile(app, kind, workload, newRunId(now), now, ToolVersion.get(), false, Arch.X86_64,
                new TreeSet<>(verdicts.keySet()), new TreeMap<>(verdicts), null, null, null);
    }

    /**
     * A fresh result of static analysis only (no dynamic analysis): as {@link #newRun}, with the
     * syscalls found in the binary and/or in the sources (null when that analysis did not run).
     */
    public static Profile newStaticRun(String app, WorkloadKind kind, String workload, Set<String> staticBinary,
                                       Set<String> staticSources) {
        Instant now = Instant.now();
        return new Profile(app, kind, workload, newRunId(now), now, ToolVersion.get(), false, Arch.X86_64, null, null,
                staticBinary == null ? null : new TreeSet<>(staticBinary),
                staticSources == null ? null : new TreeSet<>(staticSources), null);
    }

    /** A run id that sorts by time: {@code 20261126T183208123Z-1a2b3c4d}. */
    public static String newRunId(Instant when) {
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        return RUN_ID_TIME.format(when) + "-" + HexFormat.of().formatHex(random);
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter RUN_ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    public Profile withStaticBinary(Set<String> names) {
        return new Profile(app, kind, workload, runId, recorded, toolVersion, imported, arch, used, verdicts,
                names == null ? null : new TreeSet<>(names), staticSources, details, plan, testsNeeding, features, specSha256, impacts);
    }

    public Profile withStaticSources(Set<String> names) {
        return new Profile(app, kind, workload, runId, recorded, toolVersion, imported, arch, used, verdicts,
                staticBinary, names == null ? null : new TreeSet<>(names), details, plan, testsNeeding, features, specSha256, impacts);
    }

    public Profile withDetails(ObjectNode newDetails) {
        return new Profile(app, kind, workload, runId, recorded, toolVersion, imported, arch, used, verdicts,
                staticBinary, staticSources, newDetails, plan, testsNeeding, features, specSha256, impacts);
    }

    /** The result with the exploration's shim plan. */
    public Profile withPlan(ShimPlan newPlan) {
        return new Profile(app, kind, workload, runId, recorded, toolVersion, imported, arch, used, verdicts,
                staticBinary, staticSources, details, newPlan, testsNeeding, features, specSha256, impacts);
    }

    /** The result with, for a suite made of tests, the tests that need each syscall implemented. */
    public Profile withTestsNeeding(java.util.Map<String, ? extends java.util.Set<String>> needing) {
        SortedMap<String, SortedSet<String>> m = null;
        if (needing != null) {
            m = new TreeMap<>();
            for (var e : needing.entrySet()) {
                m.put(e.getKey(), new TreeSet<>(e.getValue()));
            }
        }
        return new Profile(app, kind, workload, runId, recorded, toolVersion, imported, arch, used, verdicts,
                staticBinary, staticSources, details, plan, m, features, specSha256, impacts);
    }

    /** The result with what the exploration found below the syscalls (argument values, files). */
    public Profile withFeatures(SubFeatures f) {
        return new Profile(app, kind, workload, runId, recorded, toolVersion, imported, arch, used, verdicts,
                staticBinary, staticSources, details, plan, testsNeeding, f == null || f.isEmpty() ? null : f, specSha256, impacts);
    }

    /**
     * The result with the hash of the workload spec it was measured with (the spec file and the
     * files it names, as explore's journal records it): what tells a campaign that an entry is
     * already stored for the spec as it is now.
     */
    public Profile withSpecSha256(String hash) {
        return new Profile(app, kind, workload, runId, recorded, toolVersion, imported, arch, used, verdicts,
                staticBinary, staticSources, details, plan, testsNeeding, features, hash, impacts);
    }

    /** The result with what the exploration found stubs, fakes and the plan cost. */
    public Profile withImpacts(dev.shimscope.model.Impacts newImpacts) {
        return new Profile(app, kind, workload, runId, recorded, toolVersion, imported, arch, used, verdicts,
                staticBinary, staticSources, details, plan, testsNeeding, features, specSha256, newImpacts);
    }

    /** The stored shim plan, if the result has one that was verified. */
    public java.util.Optional<ShimPlan> verifiedPlan() {
        return plan != null && plan.verified() ? java.util.Optional.of(plan) : java.util.Optional.empty();
    }

    /** Always {@link #FORMAT}; written so that a later layout can be told apart. */
    @JsonProperty("format")
    public int format() {
        return FORMAT;
    }

    /** The workload directory: {@code benchmark-NAME}, {@code suite} or {@code suite-NAME}. */
    @JsonIgnore
    public String workloadDir() {
        return kind.dirName(workload);
    }

    /** {@code APP/WORKLOAD_DIR/RUN_ID}, relative to the store. */
    @JsonIgnore
    public String relativeDir() {
        return app + "/" + workloadDir() + "/" + runId;
    }

    /** True when the result has a dynamic analysis (used set and verdicts). */
    @JsonIgnore
    public boolean hasDynamic() {
        return used != null;
    }

    /** The used syscalls with the given verdicts, sorted by name. */
    public SortedSet<String> withVerdict(Verdict... wanted) {
        TreeSet<String> out = new TreeSet<>();
        if (verdicts != null) {
            Set<Verdict> w = Set.of(wanted);
            verdicts.forEach((name, v) -> {
                if (w.contains(v)) {
                    out.add(name);
                }
            });
        }
        return out;
    }

    private static void requireName(String what, String value) {
        if (value == null || !SAFE_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + what + " '" + value
                    + "' (letters, digits, . _ + @ -; not starting with . or -; at most 128 characters)");
        }
    }

    private static SortedSet<String> checkedNames(SyscallTable table, String where, String field, Set<String> names) {
        TreeSet<String> out = new TreeSet<>();
        for (String n : names) {
            out.add(checkName(table, where, field, n));
        }
        return Collections.unmodifiableSortedSet(out);
    }

    /** The table's own spelling of the name ({@code syscall_0x1c8} becomes {@code syscall_456}). */
    private static String checkName(SyscallTable table, String where, String field, String name) {
        return table.byName(name == null ? "" : name).map(s -> s.name()).orElseThrow(() -> new IllegalArgumentException(
                where + ": unknown " + table.arch() + " syscall name '" + name + "' in " + field));
    }

    /** Reads an ISO-8601 instant ({@code 2026-11-26T18:32:08.123Z}) from JSON. */
    static final class InstantConverter extends StdConverter<String, Instant> {
        @Override
        public Instant convert(String value) {
            return Instant.parse(value);
        }
    }

    /** Reads {@code "x86_64"} / {@code "aarch64"} from JSON. */
    static final class ArchConverter extends StdConverter<String, Arch> {
        @Override
        public Arch convert(String value) {
            return Arch.parse(value);
        }
    }
}
