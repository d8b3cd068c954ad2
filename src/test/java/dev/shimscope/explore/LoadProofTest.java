package dev.shimscope.explore;

import dev.shimscope.model.Verdict;
import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.testing.Cli;
import dev.shimscope.trace.Tracer;
import dev.shimscope.workload.WorkloadRunner;
import dev.shimscope.workload.WorkloadSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verdicts are facts, not a measure of how busy the machine was: the same fixture explored on a
 * quiet machine and under a CPU hog that keeps every core busy gives the same verdicts and the
 * same plan; and a plan that cannot be verified makes the command fail.
 */
class LoadProofTest {

    private static final SyscallTable TABLE = SyscallTable.x86_64();

    private static Exploration explore(WorkloadSpec spec) throws InterruptedException {
        WorkloadRunner runner = new WorkloadRunner(Sandbox.create(), spec, new Tracer(TABLE));
        // fixed concurrency: the hog must not simply make the scheduler run one at a time
        return new Explorer(runner, TABLE, new Explorer.Options(2, 2, 2, 2, false), ExploreListener.NONE, null)
                .explore(Map.of());
    }

    private static Map<String, Verdict> verdicts(Exploration e) {
        Map<String, Verdict> m = new TreeMap<>();
        e.verdicts().forEach(v -> m.put(v.name(), v.verdict()));
        return m;
    }

    @Test
    void aCpuHogChangesNoVerdictAndNoPlan(@TempDir Path dir) throws Exception {
        WorkloadSpec spec = FixtureSpecs.suite(dir, "needs");
        Exploration quiet = explore(spec);
        Exploration busy;
        List<Process> hogs = FixtureSpecs.cpuHogs();
        try {
            busy = explore(spec);
        } finally {
            hogs.forEach(Process::destroyForcibly);
        }
        assertThat(verdicts(busy)).isEqualTo(verdicts(quiet));
        assertThat(busy.plan().implement()).isEqualTo(quiet.plan().implement());
        assertThat(busy.plan().stub()).isEqualTo(quiet.plan().stub());
        assertThat(busy.plan().fake()).isEqualTo(quiet.plan().fake());
        assertThat(busy.plan().verified()).isTrue();
        // the hog was real: the busy runs waited for a CPU (where the machine can measure it)
        long stalled = busy.baseline().stream().mapToLong(r -> r.stallMillis()).max().orElse(-1);
        long quietStall = quiet.baseline().stream().mapToLong(r -> r.stallMillis()).max().orElse(-1);
        if (stalled >= 0) {
            assertThat(stalled).isGreaterThan(quietStall);
        }
    }

    @Test
    void aPlanThatCannotBeVerifiedFailsTheCommand(@TempDir Path dir) throws Exception {
        // the workload fails under any filter but the sandbox's own: every syscall is "required",
        // and the closed world (a filter) fails with nothing to blame
        Path spec = Files.writeString(dir.resolve("spec.yaml"), """
                app: filtered-fails
                workload: run
                kind: suite
                test:
                  command: [/bin/sh, -c, 'grep -q "^Seccomp_filters:[[:space:]]*1$" /proc/self/status']
                  timeout: 10s
                """);
        Cli.Outcome o = Cli.run("explore", spec.toString(), "--jobs", "2", "--db", dir.resolve("db").toString(),
                "--journal", dir.resolve("j").toString());
        assertThat(o.status()).as(o.err()).isEqualTo(3);
        assertThat(o.out()).contains("shim plan (NOT verified)");
        assertThat(o.err()).contains("NOT verified (exit status 3)");
        assertThat(dir.resolve("db")).isDirectory(); // the verdicts are stored all the same
    }
}
