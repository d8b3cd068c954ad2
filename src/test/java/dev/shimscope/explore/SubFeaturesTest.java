package dev.shimscope.explore;

import dev.shimscope.model.ArgumentVerdict;
import dev.shimscope.model.FileVerdict;
import dev.shimscope.model.OsDescription;
import dev.shimscope.model.ShimConfiguration;
import dev.shimscope.model.ShimPlan;
import dev.shimscope.model.Treatment;
import dev.shimscope.model.Verdict;
import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.syscall.args.ArgumentDecoders;
import dev.shimscope.syscall.args.ArgumentValue;
import dev.shimscope.trace.Tracer;
import dev.shimscope.workload.WorkloadOutcome;
import dev.shimscope.workload.WorkloadRunner;
import dev.shimscope.workload.WorkloadSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Below the syscall, with the {@code features} fixture whose needs per prctl option and per file
 * are known exactly: real seccomp argument rules, real strace fault injection, real bind mounts.
 */
class SubFeaturesTest {

    private static final SyscallTable TABLE = SyscallTable.x86_64();
    private static Sandbox sandbox;

    @BeforeAll
    static void sandbox() {
        sandbox = Sandbox.create();
    }

    private static WorkloadSpec spec(Path dir, String... args) throws Exception {
        return FixtureSpecs.features(dir, args);
    }

    private static ArgumentValue prctl(String option) {
        return ArgumentDecoders.parse("prctl", "option", option).orElseThrow();
    }

    @Test
    void eachPrctlOptionAndEachFileGetsItsOwnVerdict(@TempDir Path dir) throws Exception {
        WorkloadRunner runner = new WorkloadRunner(sandbox, spec(dir), new Tracer(TABLE));
        Exploration e = new Explorer(runner, TABLE, new Explorer.Options(2, 2, 2, 2), ExploreListener.NONE, null)
                .explore(Map.of());

        Map<String, ArgumentVerdict> prctl = e.values().stream().map(ValueResult::verdict)
                .filter(v -> v.syscall().name().equals("prctl"))
                .collect(Collectors.toMap(v -> v.value().name(), v -> v));
        assertThat(prctl).containsOnlyKeys("PR_SET_NAME", "PR_GET_NAME", "PR_GET_DUMPABLE");
        assertThat(prctl.get("PR_SET_NAME").verdict()).isEqualTo(Verdict.REQUIRED);
        assertThat(prctl.get("PR_GET_NAME").verdict()).isEqualTo(Verdict.REQUIRED);
        assertThat(prctl.get("PR_GET_DUMPABLE").verdict()).isEqualTo(Verdict.STUB_ONLY);
        assertThat(prctl.values()).allMatch(v -> v.basis() == ArgumentVerdict.Basis.MEASURED && v.calls() == 1);

        Map<String, FileVerdict> files = e.files().stream().map(FileResult::verdict)
                .collect(Collectors.toMap(FileVerdict::path, f -> f));
        assertThat(files.get("/etc/passwd").need()).isEqualTo(FileVerdict.Need.REQUIRED);
        assertThat(files.get("/etc/passwd").empty()).isNull();
        assertThat(files.get("/etc/os-release").need()).isEqualTo(FileVerdict.Need.OPTIONAL);
        assertThat(files.get("/proc/meminfo").need()).isEqualTo(FileVerdict.Need.REQUIRED);
        assertThat(files.get("/proc/meminfo").empty()).isEqualTo(FileVerdict.Need.REQUIRED);
        assertThat(files.get("/proc/loadavg").need()).isEqualTo(FileVerdict.Need.OPTIONAL);
        assertThat(files.get("/proc/loadavg").empty()).isEqualTo(FileVerdict.Need.OPTIONAL);

        // the plan implements prctl for the two options that need it and verified it that way
        ShimPlan plan = e.plan();
        assertThat(plan.verified()).isTrue();
        assertThat(plan.partialOf(TABLE.require("prctl"))).hasValueSatisfying(p -> {
            assertThat(p.implement()).containsExactly(prctl("PR_GET_NAME"), prctl("PR_SET_NAME"));
            assertThat(p.stub()).containsExactly(prctl("PR_GET_DUMPABLE"));
            assertThat(p.fake()).isEmpty();
        });
        assertThat(plan.closedWorld(TABLE.require("execve")).argumentRules()).extracting(r -> r.value().name())
                .contains("PR_GET_NAME", "PR_SET_NAME");
    }

    @Test
    void anArgumentLevelStubReturnsEnosysAndAFakeZeroForThatValueOnly(@TempDir Path dir) throws Exception {
        WorkloadRunner runner = new WorkloadRunner(sandbox, spec(dir, "probe"), new Tracer(TABLE));
        var dumpable = prctl("PR_GET_DUMPABLE");

        assertThat(probe(runner, null)).isEqualTo("dumpable=1 errno=0 setname=0 errno=0");
        assertThat(probe(runner, ShimConfiguration.openWorld(Map.of())
                .with(new ShimConfiguration.ArgumentRule(TABLE.require("prctl"), dumpable, Treatment.STUB))))
                .isEqualTo("dumpable=-1 errno=38 setname=0 errno=0");
        assertThat(probe(runner, ShimConfiguration.openWorld(Map.of())
                .with(new ShimConfiguration.ArgumentRule(TABLE.require("prctl"), dumpable, Treatment.FAKE))))
                .isEqualTo("dumpable=0 errno=0 setname=0 errno=0");

        // an OS list that implements prctl for PR_SET_NAME only: PR_GET_DUMPABLE answers ENOSYS there
        OsDescription os = OsDescription.parse("partial", "test list", """
                prctl PR_SET_NAME   # names only
                """);
        assertThat(os.syscalls().get("prctl").values()).containsExactly(prctl("PR_SET_NAME"));
        ShimConfiguration onOs = os.configuration(TABLE, Treatment.IMPLEMENT);
        assertThat(probe(runner, onOs)).isEqualTo("dumpable=-1 errno=38 setname=0 errno=0");
    }

    /** The probe's line under a configuration (null: none). */
    private static String probe(WorkloadRunner runner, ShimConfiguration c) throws Exception {
        WorkloadRunner.Options o = c == null ? WorkloadRunner.Options.plain() : WorkloadRunner.Options.plain().configured(c);
        WorkloadOutcome out = runner.run(o);
        assertThat(out.passed()).as(out.failure()).isTrue();
        List<String> lines = out.testOutputTail().lines().filter(l -> l.startsWith("dumpable=")).toList();
        assertThat(lines).hasSize(1);
        return lines.getFirst();
    }
}
