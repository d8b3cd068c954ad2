package dev.shimscope.explore;

import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.store.SyscallVerdict;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.trace.Tracer;
import dev.shimscope.workload.WorkloadRunner;
import dev.shimscope.workload.WorkloadSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Explores C fixtures whose needs are known exactly, with real filters in real sandboxes. */
class ExplorerTest {

    private static final SyscallTable TABLE = SyscallTable.x86_64();
    private static Sandbox sandbox;

    @BeforeAll
    static void sandbox() {
        sandbox = Sandbox.create();
    }

    private static Exploration explore(WorkloadSpec spec, Journal journal) throws InterruptedException {
        WorkloadRunner runner = new WorkloadRunner(sandbox, spec, new Tracer(TABLE));
        Explorer explorer = new Explorer(runner, TABLE, new Explorer.Options(2, 2, 2, 2),
                new ExploreListener() { }, journal);
        return explorer.explore(Map.of());
    }

    private static SyscallVerdict category(Exploration e, String name) {
        return e.verdicts().stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not used; used: " + e.verdicts())).verdict();
    }

    @Test
    void classifiesEachSyscallByWhatTheProgramTolerates(@TempDir Path dir) throws Exception {
        Exploration e = explore(FixtureSpecs.suite(dir, "needs"), null);

        assertThat(category(e, "uname")).isEqualTo(SyscallVerdict.REQUIRED);
        assertThat(category(e, "pipe2")).isEqualTo(SyscallVerdict.STUB_ONLY);
        assertThat(category(e, "prctl")).isEqualTo(SyscallVerdict.FAKE_ONLY);
        assertThat(category(e, "sched_yield")).isEqualTo(SyscallVerdict.BOTH);
        assertThat(e.in(SyscallVerdict.FLAKY)).isEmpty();

        ShimPlan plan = e.plan();
        assertThat(plan.verified()).isTrue();
        assertThat(plan.passes()).isEqualTo(2);
        assertThat(lastRuns(plan, 2)).allMatch(RunRecord::passed);
        assertThat(plan.implement()).contains("uname").doesNotContain("pipe2", "prctl", "sched_yield");
        assertThat(plan.stub()).contains("pipe2", "sched_yield");
        assertThat(plan.fake()).contains("prctl");
        // musl's _Exit falls back to exit when exit_group fails: stubbing exit_group is fine only
        // while exit works, which the closed world (everything else ENOSYS) brings out
        assertThat(category(e, "exit_group")).isEqualTo(SyscallVerdict.BOTH);
        assertThat(plan.stub()).contains("exit_group");
        assertThat(plan.fallbacks()).containsExactly("exit");
        assertThat(plan.implement()).contains("exit");
    }

    @Test
    void planMovesToImplementASyscallThatCannotBeStubbedTogetherWithAnother(@TempDir Path dir) throws Exception {
        Exploration e = explore(FixtureSpecs.suite(dir, "pair"), null);

        assertThat(category(e, "getppid")).isEqualTo(SyscallVerdict.STUB_ONLY);
        assertThat(category(e, "getpgid")).isEqualTo(SyscallVerdict.STUB_ONLY);
        ShimPlan plan = e.plan();
        assertThat(plan.verified()).isTrue();
        // exactly one of the pair had to move; the bisection finds the later one in number order
        assertThat(plan.implement()).contains("getpgid").doesNotContain("getppid");
        assertThat(plan.stub()).contains("getppid");
        assertThat(plan.repairs()).filteredOn(r -> r.startsWith("getpgid:")).singleElement().asString()
                .contains("works alone but not together").contains("implement");
        assertThat(plan.runs()).anyMatch(r -> !r.passed());
        assertThat(lastRuns(plan, 2)).allMatch(RunRecord::passed);
    }

    @Test
    void planFakesInsteadWhenThatRepairsTheJointConfiguration(@TempDir Path dir) throws Exception {
        Exploration e = explore(FixtureSpecs.suite(dir, "pairboth"), null);

        assertThat(category(e, "getppid")).isEqualTo(SyscallVerdict.BOTH);
        assertThat(category(e, "getpgid")).isEqualTo(SyscallVerdict.BOTH);
        ShimPlan plan = e.plan();
        assertThat(plan.verified()).isTrue();
        assertThat(plan.implement()).doesNotContain("getppid", "getpgid");
        assertThat(plan.stub()).contains("getppid");
        assertThat(plan.fake()).contains("getpgid");
        assertThat(plan.repairs()).filteredOn(r -> r.startsWith("getpgid:")).singleElement().asString()
                .contains("faking it instead");
    }

    @Test
    void resumesFromTheJournalWithoutRedoingFinishedExperiments(@TempDir Path dir) throws Exception {
        WorkloadSpec spec = FixtureSpecs.suite(dir, "needs");
        Path journalFile = dir.resolve("explore.journal");
        Map<String, String> identity = Map.of("specSha256", "s", "binarySha256", "b");

        // first attempt: stop after 5 experiments, as an interruption would
        WorkloadRunner runner = new WorkloadRunner(sandbox, spec, new Tracer(TABLE));
        try (Journal journal = Journal.open(journalFile, identity, false)) {
            ExploreListener stopper = new ExploreListener() {
                @Override
                public void experimentFinished(ExperimentResult result, int done, int total) {
                    if (done >= 5) {
                        throw new IllegalStateException("interrupted");
                    }
                }
            };
            Explorer explorer = new Explorer(runner, TABLE, new Explorer.Options(1, 2, 2, 2), stopper, journal);
            assertThatThrownBy(() -> explorer.explore(Map.of())).hasMessageContaining("interrupted");
        }
        assertThatThrownBy(() -> Journal.open(journalFile, identity, false))
                .isInstanceOfSatisfying(Journal.JournalExistsException.class, e -> {
                    assertThat(e.sameIdentity()).isTrue();
                    assertThat(e.experiments()).isEqualTo(5);
                });
        assertThatThrownBy(() -> Journal.open(journalFile, Map.of("specSha256", "other", "binarySha256", "b"), true))
                .isInstanceOfSatisfying(Journal.JournalExistsException.class, e -> {
                    assertThat(e.sameIdentity()).isFalse();
                    assertThat(e.difference()).startsWith("specSha256");
                });

        Exploration resumed;
        try (Journal journal = Journal.open(journalFile, identity, true)) {
            assertThat(journal.experimentCount()).isGreaterThanOrEqualTo(5);
            resumed = explore(spec, journal);
        }
        Exploration fresh = explore(spec, null);

        assertThat(resumed.resumedExperiments()).isGreaterThanOrEqualTo(5);
        int experiments = 2 * fresh.verdicts().size();
        assertThat(resumed.runs()).isLessThan(fresh.runs());
        assertThat(resumed.resumedExperiments()).isLessThan(experiments);
        assertThat(categories(resumed)).isEqualTo(categories(fresh));
        assertThat(resumed.plan().implement()).isEqualTo(fresh.plan().implement());
    }

    private static List<RunRecord> lastRuns(ShimPlan plan, int n) {
        assertThat(plan.verification()).hasSize(n);
        return plan.verification();
    }

    private static List<String> categories(Exploration e) {
        return e.verdicts().stream().map(v -> v.name() + "=" + v.verdict()).toList();
    }

    @Test
    void aWorkloadThatFailsAtBaselineStopsWithItsReason(@TempDir Path dir) throws Exception {
        WorkloadSpec spec = FixtureSpecs.suite(dir, "needs");
        WorkloadSpec failing = new WorkloadSpec(spec.file(), spec.dir(), spec.app(), spec.workload(), spec.kind(),
                spec.description(), spec.packages(), spec.binary(), spec.only(), spec.parallel(), spec.env(),
                spec.workDir(), spec.writable(), null,
                new WorkloadSpec.Test(WorkloadSpec.Command.shell("./needs && exit 3"), spec.test().timeout(), null, null));

        assertThatThrownBy(() -> explore(failing, null))
                .isInstanceOf(Explorer.ExplorationException.class)
                .hasMessageContaining("fails without any filter")
                .hasMessageContaining("status 3");
    }
}
