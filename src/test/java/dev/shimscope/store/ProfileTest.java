package dev.shimscope.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shimscope.model.Json;
import dev.shimscope.model.Verdict;
import dev.shimscope.syscall.Arch;
import dev.shimscope.workload.WorkloadKind;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfileTest {

    static Profile profile(String app, String runId, Instant recorded, Map<String, Verdict> verdicts) {
        return new Profile(app, WorkloadKind.BENCHMARK, "wrk", runId, recorded, "0.1.0", false, Arch.X86_64,
                new TreeSet<>(verdicts.keySet()), new TreeMap<>(verdicts), null, null, null);
    }

    /** A plan with one of each kind and a repair with its proving run. */
    private static dev.shimscope.model.ShimPlan plan() {
        var t = dev.shimscope.syscall.SyscallTable.x86_64();
        var proof = new dev.shimscope.model.RunRecord(false, "test exited with status 2", false, true, 40, -1, 12, -1, 9, 1, 2048);
        return new dev.shimscope.model.ShimPlan(new java.util.TreeSet<>(Set.of(t.require("read"), t.require("futex"))),
                new java.util.TreeSet<>(Set.of(t.require("rseq"), t.require("getpid"))),
                new java.util.TreeSet<>(Set.of(t.require("prctl"))), new java.util.TreeSet<>(), true, 3,
                java.util.List.of(new dev.shimscope.model.Repair(t.require("futex"), dev.shimscope.model.Repair.Cause.CONFLICT,
                        dev.shimscope.model.Treatment.STUB, dev.shimscope.model.Treatment.IMPLEMENT, proof)))
                .withPartial(java.util.List.of(new dev.shimscope.model.ShimPlan.Partial(t.require("futex"), "op",
                        java.util.List.of(value("futex", "op", "FUTEX_WAIT")), java.util.List.of(),
                        java.util.List.of(value("futex", "op", "FUTEX_WAKE")))));
    }

    private static dev.shimscope.syscall.args.ArgumentValue value(String syscall, String label, String name) {
        return dev.shimscope.syscall.args.ArgumentDecoders.parse(syscall, label, name).orElseThrow();
    }

    /** Per-value and per-file verdicts as an exploration stores them. */
    private static dev.shimscope.model.SubFeatures features() {
        var t = dev.shimscope.syscall.SyscallTable.x86_64();
        return new dev.shimscope.model.SubFeatures(java.util.List.of(
                new dev.shimscope.model.ArgumentVerdict(t.require("futex"), value("futex", "op", "FUTEX_WAIT"), 3, 5,
                        Verdict.REQUIRED, dev.shimscope.model.ArgumentVerdict.Basis.MEASURED),
                new dev.shimscope.model.ArgumentVerdict(t.require("futex"), value("futex", "op", "FUTEX_WAKE"), 2, 5,
                        Verdict.STUB_ONLY, dev.shimscope.model.ArgumentVerdict.Basis.MEASURED)),
                java.util.List.of(new dev.shimscope.model.FileVerdict("/etc/passwd", 2, 0,
                                dev.shimscope.model.FileVerdict.Need.REQUIRED, null),
                        new dev.shimscope.model.FileVerdict("/proc/meminfo", 1, 0,
                                dev.shimscope.model.FileVerdict.Need.OPTIONAL, dev.shimscope.model.FileVerdict.Need.OPTIONAL)));
    }

    @Test
    void jsonRoundTripKeepsEveryField() throws Exception {
        ObjectNode details = JsonNodeFactory.instance.objectNode().put("kernel", "6.1.0");
        Profile p = Profile.newRun("nginx", WorkloadKind.SUITE, "nginx-tests", Map.of(
                        "read", Verdict.REQUIRED, "prctl", Verdict.FAKE_ONLY, "rseq", Verdict.STUB_ONLY,
                        "getpid", Verdict.BOTH, "futex", Verdict.FLAKY))
                .withStaticBinary(Set.of("read", "write", "clone3"))
                .withStaticSources(Set.of("read"))
                .withDetails(details)
                .withPlan(plan())
                .withFeatures(features());
        String json = Json.write(p);
        Profile back = Json.mapper().readValue(json, Profile.class);
        assertThat(back).isEqualTo(p);
        assertThat(back.recorded()).isEqualTo(p.recorded());
        assertThat(json).contains("\"format\" : " + Profile.FORMAT, "\"workload_kind\" : \"suite\"", "\"futex\" : \"flaky\"",
                "\"cause\" : \"CONFLICT\"", "\"to\" : \"implement\"",
                "\"recorded\" : \"" + p.recorded() + "\"", "\"arch\" : \"x86_64\"", "\"imported\" : false");
        assertThat(back.relativeDir()).isEqualTo("nginx/suite-nginx-tests/" + p.runId());
        // the store's streaming reader reads exactly what the annotations write
        assertThat(ProfileReader.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "x")).isEqualTo(p);
        String future = json.replace("\"app\" :", "\"added_later\" : {\"a\" : [1, {\"b\" : null}]},\n  \"app\" :");
        assertThat(ProfileReader.read(future.getBytes(java.nio.charset.StandardCharsets.UTF_8), "x")).isEqualTo(p);
        assertThatThrownBy(() -> ProfileReader.read(json.replace("\"format\" : " + Profile.FORMAT, "\"format\" : " + (Profile.FORMAT + 1))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), "x.json"))
                .hasMessage("x.json has format " + (Profile.FORMAT + 1) + ", written by a newer shimscope");
        assertThat(p.runId()).matches("\\d{8}T\\d{9}Z-[0-9a-f]{8}");
    }

    @Test
    void impactsRoundTripTypedAndThroughTheStreamingReader() throws Exception {
        var t = dev.shimscope.syscall.SyscallTable.x86_64();
        var fds = new dev.shimscope.model.Comparison(dev.shimscope.model.Measure.FDS, "fds", false, 39, 652, 16.7, 15.6,
                18.0, 2, 1, true);
        var rps = new dev.shimscope.model.Comparison(dev.shimscope.model.Measure.METRIC, "requests/s", true, 9000, 3000,
                0.333, Double.NaN, Double.NaN, 1, 1, false);
        var impacts = new dev.shimscope.model.Impacts(java.util.List.of(
                new dev.shimscope.model.Impact(t.require("close"), dev.shimscope.model.Treatment.FAKE, fds)),
                java.util.List.of(fds, rps), new java.util.TreeMap<>(Map.of(t.require("madvise"), dev.shimscope.model.Treatment.FAKE)),
                4, 4, 11, 5300, "the rule");
        Profile p = Profile.newRun("redis", WorkloadKind.BENCHMARK, "redis-benchmark",
                Map.of("close", Verdict.FAKE_ONLY, "madvise", Verdict.BOTH)).withPlan(plan()).withImpacts(impacts);
        String json = Json.write(p);
        assertThat(json).contains("\"impacts\"", "\"measure\" : \"fds\"", "\"treatment\" : \"fake\"", "\"madvise\" : \"fake\"");
        assertThat(Json.mapper().readValue(json, Profile.class)).isEqualTo(p);
        assertThat(ProfileReader.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "x")).isEqualTo(p);
        // a result written before impacts were measured has none
        Profile old = p.withImpacts(null);
        assertThat(ProfileReader.read(Json.write(old).getBytes(java.nio.charset.StandardCharsets.UTF_8), "x").impacts()).isNull();
    }

    @Test
    void rejectsWhatCannotBeStored() {
        Instant now = Instant.now();
        assertThatThrownBy(() -> profile("nginx", "r1", now, Map.of("futimensat", Verdict.REQUIRED)))
                .hasMessage("result nginx/r1: unknown x86_64 syscall name 'futimensat' in used");
        assertThatThrownBy(() -> profile("../etc", "r1", now, Map.of("read", Verdict.REQUIRED)))
                .hasMessageStartingWith("invalid app '../etc'");
        assertThatThrownBy(() -> profile("nginx", ".hidden", now, Map.of("read", Verdict.REQUIRED)))
                .hasMessageStartingWith("invalid run id '.hidden'");
        assertThatThrownBy(() -> new Profile("nginx", WorkloadKind.SUITE, "", "r", now, "v", false, null,
                new TreeSet<>(Set.of("read", "write")), new TreeMap<>(Map.of("read", Verdict.BOTH)), null, null, null))
                .hasMessageContaining("every used syscall needs exactly one verdict (no verdict: [write]");
        assertThatThrownBy(() -> new Profile("nginx", WorkloadKind.SUITE, "", "r", now, "v", false, null,
                null, null, null, null, null))
                .hasMessageContaining("holds no data");
        assertThatThrownBy(() -> new Profile("nginx", WorkloadKind.SUITE, "", "r", null, "v", false, null,
                null, null, Set.of("read").stream().collect(java.util.stream.Collectors.toCollection(TreeSet::new)), null, null))
                .hasMessageContaining("recorded time missing");
    }

    @Test
    void staticOnlyResults() throws Exception {
        Profile p = Profile.newStaticRun("redis", WorkloadKind.BENCHMARK, "redis-benchmark", Set.of("read", "clone3"), null);
        assertThat(p.hasDynamic()).isFalse();
        assertThat(p.staticBinary()).containsExactly("clone3", "read");
        assertThat(p.staticSources()).isNull();
        assertThat(Json.write(p)).doesNotContain("\"used\"", "\"verdicts\"", "static_sources");
        assertThat(ProfileReader.read(Json.write(p).getBytes(java.nio.charset.StandardCharsets.UTF_8), "x")).isEqualTo(p);
    }

    @Test
    void namesAreStoredAsTheTableSpellsThem() {
        Profile p = profile("a", "r", Instant.now(), Map.of("syscall_0", Verdict.REQUIRED, "syscall_0x190", Verdict.BOTH));
        assertThat(p.used()).containsExactly("read", "syscall_400");
    }

    @Test
    void newestRunWinsByRecordedTimeThenLegacyThenId() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        Map<String, Verdict> v = Map.of("read", Verdict.REQUIRED);
        Profile older = profile("a", "zzzz", t, v);
        Profile newer = profile("a", "aaaa", t.plusSeconds(1), v);
        Profile legacy = profile("a", "imported", t, v);
        Profile hashLow = profile("a", "0abc", t, v);
        Profile hashHigh = profile("a", "fabc", t, v);
        List<Profile> all = new ArrayList<>(List.of(legacy, hashLow, older, newer, hashHigh));
        all.sort(Profile.NEWEST_FIRST);
        // newer time first; at one time the greater id, and Loupe's "imported" (pre-hash data) last
        assertThat(all).extracting(Profile::runId).containsExactly("aaaa", "zzzz", "fabc", "0abc", "imported");
    }
}
