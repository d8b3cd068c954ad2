package dev.shimscope.explore;

import dev.shimscope.model.Repair;
import dev.shimscope.model.RunRecord;
import dev.shimscope.model.ShimPlan;
import dev.shimscope.model.Treatment;
import dev.shimscope.model.Verdict;
import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.syscall.Syscall;
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
                ExploreListener.NONE, journal);
        return explorer.explore(Map.of());
    }

    private static Verdict category(Exploration e, String name) {
        return e.verdicts().stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not used; used: " + e.verdicts())).verdict();
    }

    @Test
    void classifiesEachSyscallByWhatTheProgramTolerates(@TempDir Path dir) throws Exception {
        Exploration e = explore(FixtureSpecs.suite(dir, "needs"), null);

        assertThat(category(e, "uname")).isEqualTo(Verdict.REQUIRED);
        assertThat(category(e, "pipe2")).isEqualTo(Verdict.STUB_ONLY);
        assertThat(category(e, "prctl")).isEqualTo(Verdict.FAKE_ONLY);
        assertThat(category(e, "sched_yield")).isEqualTo(Verdict.BOTH);
        assertThat(e.in(Verdict.FLAKY)).isEmpty();

        ShimPlan plan = e.plan();
        assertThat(plan.verified()).isTrue();
        assertThat(plan.passes()).isEqualTo(2);
        assertThat(lastRuns(e, 2)).allMatch(RunRecord::passed);
        assertThat(names(plan.implement())).contains("uname").doesNotContain("pipe2", "prctl", "sched_yield");
        assertThat(names(plan.stub())).contains("pipe2", "sched_yield");
        assertThat(names(plan.fake())).contains("prctl");
        // musl's _Exit falls back to exit when exit_group fails: stubbing exit_group is fine only
        // while exit works, which the closed world (everything else ENOSYS) brings out
        assertThat(category(e, "exit_group")).isEqualTo(Verdict.BOTH);
        assertThat(names(plan.stub())).contains("exit_group");
        assertThat(names(plan.fallbacks())).containsExactly("exit");
        assertThat(names(plan.implement())).contains("exit");
        assertThat(plan.repairs()).filteredOn(r -> r.syscall().name().equals("exit")).singleElement()
                .satisfies(r -> assertThat(r.cause()).isEqualTo(Repair.Cause.FALLBACK));
        // the JSON's fields that bench/explore.sh and bench/repeatability.sh read (a documented interface)
        var json = dev.shimscope.model.Json.mapper().valueToTree(dev.shimscope.report.ExploreReport.jsonTree(e));
        for (String path : List.of("/categories/required", "/categories/stub_only", "/categories/fake_only", "/categories/both",
                "/categories/flaky", "/plan/implement", "/plan/stub", "/plan/fake", "/plan/verified", "/planRounds",
                "/meanJobs", "/runs", "/wallMillis", "/syscalls/0/name", "/syscalls/0/verdict", "/impacts/impacts",
                "/impacts/confirmed", "/impacts/aloneRuns", "/impacts/aloneMillis")) {
            assertThat(json.at(path).isMissingNode()).as(path).isFalse();
        }
        assertThat(json.at("/plan/implement").get(0).isTextual()).isTrue();
    }

    @Test
    void planMovesToImplementASyscallThatCannotBeStubbedTogetherWithAnother(@TempDir Path dir) throws Exception {
        Exploration e = explore(FixtureSpecs.suite(dir, "pair"), null);

        assertThat(category(e, "getppid")).isEqualTo(Verdict.STUB_ONLY);
        assertThat(category(e, "getpgid")).isEqualTo(Verdict.STUB_ONLY);
        ShimPlan plan = e.plan();
        assertThat(plan.verified()).isTrue();
        // exactly one of the pair had to move; the search finds the later one in number order
        assertThat(names(plan.implement())).contains("getpgid").doesNotContain("getppid");
        assertThat(names(plan.stub())).contains("getppid");
        assertThat(plan.repairs()).filteredOn(r -> r.syscall().name().equals("getpgid")).singleElement()
                .satisfies(r -> {
                    assertThat(r.cause()).isEqualTo(Repair.Cause.CONFLICT);
                    assertThat(r.to()).isEqualTo(Treatment.IMPLEMENT);
                    assertThat(r.proof().passed()).isFalse();
                });
        assertThat(e.planOutcome().runs()).anyMatch(r -> !r.passed());
        assertThat(lastRuns(e, 2)).allMatch(RunRecord::passed);
    }

    @Test
    void planFakesInsteadWhenThatRepairsTheJointConfiguration(@TempDir Path dir) throws Exception {
        // without impacts (they do not change the plan, but cost runs): the plan starts from the
        // documented stub for "both", and the fake of getpgid can only come from a repair
        WorkloadRunner runner = new WorkloadRunner(sandbox, FixtureSpecs.suite(dir, "pairboth"), new Tracer(TABLE));
        Exploration e = new Explorer(runner, TABLE, new Explorer.Options(2, 2, 2, 2), ExploreListener.NONE, null)
                .withoutImpacts().explore(Map.of());

        assertThat(category(e, "getppid")).isEqualTo(Verdict.BOTH);
        assertThat(category(e, "getpgid")).isEqualTo(Verdict.BOTH);
        ShimPlan plan = e.plan();
        assertThat(plan.verified()).isTrue();
        assertThat(names(plan.implement())).doesNotContain("getppid", "getpgid");
        assertThat(names(plan.stub())).contains("getppid");
        assertThat(names(plan.fake())).contains("getpgid");
        assertThat(plan.repairs()).filteredOn(r -> r.syscall().name().equals("getpgid")).singleElement()
                .satisfies(r -> assertThat(r.to()).isEqualTo(Treatment.FAKE));
    }

    @Test
    void resumesFromTheJournalWithoutRedoingFinishedExperiments(@TempDir Path dir) throws Exception {
        WorkloadSpec spec = FixtureSpecs.suite(dir, "needs");
        Path journalFile = dir.resolve("explore.journal");
        Map<String, String> identity = Map.of("specSha256", "s", "binarySha256", "b");

        // first attempt: stop after 5 experiments, as an interruption would
        WorkloadRunner runner = new WorkloadRunner(sandbox, spec, new Tracer(TABLE));
        try (Journal journal = Journal.open(journalFile, identity, false)) {
            ExploreListener stopper = event -> {
                if (event instanceof ExploreEvent.ExperimentFinished f && f.done() >= 5) {
                    throw new IllegalStateException("interrupted");
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
        assertThat(resumed.usedArgs()).isEqualTo(fresh.usedArgs());
    }

    private static List<RunRecord> lastRuns(Exploration e, int n) {
        assertThat(e.planOutcome().verification()).hasSize(n);
        return e.planOutcome().verification();
    }

    private static List<String> names(java.util.Collection<Syscall> syscalls) {
        return syscalls.stream().map(Syscall::name).toList();
    }

    @Test
    void aFallbackNeededOnlyWhileAnotherCallIsStubbedEndsUpStubbed(@TempDir Path dir) throws Exception {
        Exploration e = explore(FixtureSpecs.suite(dir, "fallback"), null);

        assertThat(category(e, "getppid")).isEqualTo(Verdict.STUB_ONLY);
        assertThat(category(e, "sched_yield")).isEqualTo(Verdict.BOTH);
        ShimPlan plan = e.plan();
        assertThat(plan.verified()).isTrue();
        // the closed world found the fallback and implemented it, the search then implemented getppid,
        // and against that plan the fallback is never taken: it is stubbed again
        assertThat(plan.repairs()).extracting(r -> r.syscall().name() + " " + r.cause() + " " + r.to().id())
                .containsSubsequence("getpgrp FALLBACK implement", "getppid CONFLICT implement", "getpgrp FALLBACK_STUBBED stub");
        assertThat(names(plan.implement())).contains("getppid").doesNotContain("getpgrp", "sched_yield");
        assertThat(names(plan.stub())).contains("getpgrp", "sched_yield");
        Repair undone = plan.repairs().getLast();
        assertThat(undone.proof().passed()).as("the run that proved it unnecessary").isTrue();
    }

    @Test
    void aFallbackThatAFakeServesEndsUpFakedNotImplemented(@TempDir Path dir) throws Exception {
        Exploration e = explore(FixtureSpecs.suite(dir, "fallback", "20s", "alone"), null);

        assertThat(category(e, "getppid")).isEqualTo(Verdict.STUB_ONLY);
        ShimPlan plan = e.plan();
        assertThat(plan.verified()).isTrue();
        // the closed world found the fallback and implemented it; against the final plan its stub
        // fails and its fake passes: the cheaper of the two that work
        assertThat(plan.repairs()).filteredOn(r -> r.syscall().name().equals("getpgrp"))
                .extracting(r -> r.cause() + " " + r.to().id())
                .containsExactly("FALLBACK implement", "NOT_NEEDED fake");
        assertThat(names(plan.fake())).contains("getpgrp");
        assertThat(names(plan.implement())).doesNotContain("getpgrp");
        assertThat(names(plan.fallbacks())).contains("getpgrp");
        Repair faked = plan.repairs().stream().filter(r -> r.syscall().name().equals("getpgrp")).toList().getLast();
        assertThat(faked.proof().passed()).as("the run that proved the fake enough").isTrue();
        assertThat(faked.describe()).isEqualTo(
                "getpgrp: the final plan passes without its implementation; fake it");
    }

    @Test
    void aFailureBelowALongerPassingPrefixLeavesNoRepairInThePlan(@TempDir Path dir) throws Exception {
        // without impacts: every call starts stubbed (the documented rule for "both")
        WorkloadRunner runner = new WorkloadRunner(sandbox, FixtureSpecs.suite(dir, "contradict"), new Tracer(TABLE));
        Exploration e = new Explorer(runner, TABLE, new Explorer.Options(2, 2, 2, 2), ExploreListener.NONE, null)
                .withoutImpacts().explore(Map.of());

        for (String s : List.of("sched_yield", "getpid", "getppid", "getpgrp", "gettid")) {
            assertThat(category(e, s)).as(s).isEqualTo(Verdict.BOTH);
        }
        ShimPlan plan = e.plan();
        assertThat(plan.verified()).isTrue();
        // whether the search first blamed getpid (it met only the failure below getppid) or not,
        // the minimal plan keeps getpid a stub and fakes only the real conflict's later call
        assertThat(names(plan.stub())).contains("sched_yield", "getpid", "getuid", "getgid", "geteuid", "getegid",
                "getppid", "getpgrp");
        assertThat(names(plan.fake())).containsExactly("gettid");
        assertThat(names(plan.implement())).doesNotContain("getpid", "getpgrp", "gettid");
        assertThat(plan.repairs()).filteredOn(r -> r.syscall().name().equals("gettid"))
                .extracting(r -> r.cause() + " " + r.to().id()).containsExactly("CONFLICT fake");
        // a repair of getpid, if the search made one, was undone by a passing run
        assertThat(plan.repairs()).filteredOn(r -> r.syscall().name().equals("getpid")).allSatisfy(r -> {
            if (r.cause() == Repair.Cause.NOT_NEEDED) {
                assertThat(r.to()).isEqualTo(Treatment.STUB);
                assertThat(r.proof().passed()).isTrue();
            }
        });
    }

    @Test
    void aSuiteOfTestsRunsOnlyTheTestsThatCalledTheSyscall(@TempDir Path dir) throws Exception {
        Exploration e = explore(FixtureSpecs.units(dir), null);

        assertThat(e.tests().tests()).containsExactly("uname", "parent", "either", "plain");
        SyscallResult uname = e.verdicts().stream().filter(v -> v.name().equals("uname")).findFirst().orElseThrow();
        SyscallResult getppid = e.verdicts().stream().filter(v -> v.name().equals("getppid")).findFirst().orElseThrow();
        // each experiment ran exactly the tests whose traces called its syscall ...
        assertThat(uname.stub().tests()).containsExactly("uname", "either");
        assertThat(getppid.stub().tests()).containsExactly("parent");
        // ... while what the C runtime does for every test selects every test
        SyscallResult exit = e.verdicts().stream().filter(v -> v.name().equals("exit_group")).findFirst().orElseThrow();
        assertThat(exit.stub().tests()).containsExactly("uname", "parent", "either", "plain");
        // and the verdicts say which tests need what
        assertThat(uname.verdict()).isEqualTo(Verdict.REQUIRED);
        assertThat(uname.stub().failedTests()).containsExactly("uname");
        // the replica of the failed run ran only the test that failed: "either" passed under the stub
        assertThat(uname.stub().runs()).hasSize(2);
        assertThat(uname.stub().runs().get(0).failure()).contains("tests failed: uname (1 of 2)");
        assertThat(uname.stub().runs().get(1).failure()).contains("tests failed: uname (1 of 1)");
        assertThat(getppid.verdict()).isEqualTo(Verdict.REQUIRED);
        assertThat(getppid.fake().failedTests()).containsExactly("parent");
        assertThat(e.plan().verified()).isTrue();
    }

    @Test
    void theSameVerdictsGiveTheSamePlan(@TempDir Path dir) throws Exception {
        WorkloadSpec spec = FixtureSpecs.suite(dir, "fallback");
        Exploration a = explore(spec, null);
        Exploration b = explore(spec, null);
        assertThat(categories(b)).isEqualTo(categories(a));
        assertThat(b.plan().implement()).isEqualTo(a.plan().implement());
        assertThat(b.plan().stub()).isEqualTo(a.plan().stub());
        assertThat(b.plan().fake()).isEqualTo(a.plan().fake());
        assertThat(b.plan().repairs()).extracting(r -> r.syscall() + " " + r.cause() + " " + r.to())
                .isEqualTo(a.plan().repairs().stream().map(r -> r.syscall() + " " + r.cause() + " " + r.to()).toList());
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
