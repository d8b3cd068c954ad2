package dev.shimscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shimscope.model.Json;
import dev.shimscope.model.Verdict;
import dev.shimscope.sandbox.SeccompAction;
import dev.shimscope.sandbox.SeccompFilter;
import dev.shimscope.store.Profile;
import dev.shimscope.workload.WorkloadKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeccompProfileTest {

    private static List<String> names(JsonNode entry) {
        List<String> out = new ArrayList<>();
        entry.get("names").forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void allowsRequiredStubsWhatSurvivesEnosysFakesWhatNeedsZeroDeniesTheRest() throws Exception {
        Profile bench = Profile.newRun("web", WorkloadKind.BENCHMARK, "wrk", Map.of(
                "read", Verdict.REQUIRED, "futex", Verdict.FLAKY, "execve", Verdict.REQUIRED,
                "rseq", Verdict.STUB_ONLY, "getpid", Verdict.BOTH, "setuid", Verdict.FAKE_ONLY,
                "prctl", Verdict.STUB_ONLY));
        Profile suite = Profile.newRun("web", WorkloadKind.SUITE, "", Map.of(
                "read", Verdict.BOTH, "prctl", Verdict.FAKE_ONLY, "sysinfo", Verdict.BOTH));
        SeccompProfile p = SeccompProfile.of("web", List.of(bench, suite));
        assertThat(p.allow()).containsExactly("execve", "futex", "prctl", "read");   // prctl: stub for one, fake for the other
        assertThat(p.stub()).containsExactly("getpid", "rseq", "sysinfo");
        assertThat(p.fake()).containsExactly("setuid");
        assertThat(p.execveAdded()).isFalse();

        JsonNode json = Json.mapper().readTree(p.json());
        assertThat(json.get("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(json.get("defaultErrnoRet").asInt()).isEqualTo(1);
        assertThat(json.get("architectures").get(0).asText()).isEqualTo("SCMP_ARCH_X86_64");
        JsonNode syscalls = json.get("syscalls");
        assertThat(syscalls).hasSize(3);
        assertThat(syscalls.get(0).get("action").asText()).isEqualTo("SCMP_ACT_ALLOW");
        assertThat(syscalls.get(0).has("errnoRet")).isFalse();
        assertThat(names(syscalls.get(0))).containsExactly("execve", "futex", "prctl", "read");
        assertThat(syscalls.get(1).get("action").asText()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(syscalls.get(1).get("errnoRet").asInt()).isEqualTo(38);
        assertThat(names(syscalls.get(1))).containsExactly("getpid", "rseq", "sysinfo");
        assertThat(syscalls.get(2).get("errnoRet").isInt()).isTrue();
        assertThat(syscalls.get(2).get("errnoRet").asInt()).isZero();
        assertThat(names(syscalls.get(2))).containsExactly("setuid");

        SeccompFilter filter = p.toFilter();
        assertThat(filter.defaultAction()).isEqualTo(new SeccompAction.Errno(1));
        assertThat(filter.rules()).hasSize(8);
        assertThat(filter.rules()).anySatisfy(r -> {
            assertThat(r.syscall()).isEqualTo(105);             // setuid
            assertThat(r.action()).isEqualTo(SeccompAction.FAKE);
        });
        assertThat(filter.compile().length).isEqualTo(8 * filter.instructionCount());
    }

    @Test
    void execveIsAlwaysAllowedAndStaticOnlyResultsAreRefused() {
        Profile p = Profile.newRun("tiny", WorkloadKind.BENCHMARK, "x", Map.of("write", Verdict.REQUIRED));
        SeccompProfile sp = SeccompProfile.of("tiny", List.of(p));
        assertThat(sp.allow()).containsExactly("execve", "write");
        assertThat(sp.execveAdded()).isTrue();
        assertThat(sp.json()).contains("execve added: the container runtime execs the app under the filter");
        Profile staticOnly = new Profile("s", WorkloadKind.SUITE, "", "r", p.recorded(), "v", false, null,
                null, null, new java.util.TreeSet<>(List.of("read")), null, null);
        assertThatThrownBy(() -> SeccompProfile.of("s", List.of(staticOnly)))
                .hasMessage("app 's' has no dynamic results to build a seccomp profile from");
    }
}
