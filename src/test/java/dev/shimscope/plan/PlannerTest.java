package dev.shimscope.plan;

import dev.shimscope.model.OsDescription;
import dev.shimscope.model.Verdict;
import dev.shimscope.store.Profile;
import dev.shimscope.store.ResultStore;
import dev.shimscope.store.StoreSnapshot;
import dev.shimscope.testing.LoupeData;
import dev.shimscope.workload.WorkloadKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlannerTest {

    private static StoreSnapshot shipped;

    @BeforeAll
    static void load() throws Exception {
        shipped = ResultStore.open(LoupeData.importedStore()).read();
    }

    private static AppNeeds app(String name, Map<String, Need> needs) {
        return new AppNeeds(name, List.of("benchmark-x"), new TreeMap<>(needs));
    }

    @Test
    void needsOfSeveralWorkloadsCombineSoThatAllPass() {
        Profile bench = Profile.newRun("a", WorkloadKind.BENCHMARK, "x", Map.of(
                "read", Verdict.BOTH, "prctl", Verdict.STUB_ONLY, "getpid", Verdict.BOTH,
                "rseq", Verdict.FAKE_ONLY, "futex", Verdict.FLAKY));
        Profile suite = Profile.newRun("a", WorkloadKind.SUITE, "", Map.of(
                "read", Verdict.REQUIRED, "prctl", Verdict.FAKE_ONLY, "getpid", Verdict.STUB_ONLY));
        AppNeeds n = AppNeeds.of("a", List.of(bench, suite));
        assertThat(n.needs()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "read", Need.IMPLEMENT,         // required in one workload
                "prctl", Need.IMPLEMENT,        // one needs it stubbed, the other faked: only an implementation serves both
                "getpid", Need.STUB,
                "rseq", Need.FAKE,
                "futex", Need.IMPLEMENT));      // flaky counts as required
        assertThat(n.workloads()).containsExactly("benchmark-x", "suite");
    }

    @Test
    void aSyscallOneAppNeedsStubbedAndAnotherFakedDoesNotVanish() {
        // prctl: a needs it stubbed (ENOSYS), b needs it faked (0); an OS can answer only one way
        List<AppNeeds> apps = List.of(
                app("a", Map.of("read", Need.IMPLEMENT, "prctl", Need.STUB)),
                app("b", Map.of("read", Need.IMPLEMENT, "prctl", Need.FAKE)));
        for (SupportPlanner planner : List.of(new GreedyPlanner(), new UnlockPlanner())) {
            SupportPlan plan = planner.plan(apps, null);
            assertThat(plan.steps()).hasSize(3);
            PlanStep first = plan.steps().get(1);
            PlanStep second = plan.steps().get(2);
            assertThat(first.implement()).containsExactly("read");
            assertThat(second.implement()).as(planner.name()).containsExactly("prctl");
            assertThat(second.supportedTotal()).isEqualTo(2);
            assertThat(plan.curve().values()).containsExactly(0, 1, 2);
        }
        // with an OS that implements read, a runs as it is (prctl answers ENOSYS), so faking prctl
        // for b would break a: supporting b costs an implementation, which Loupe's count does not see
        OsDescription os = OsDescription.parse("mini", "mini", "read\n");
        ShimState state = new ShimState(apps, os.implemented());
        assertThat(state.isSupported(0)).isTrue();
        assertThat(state.isSupported(1)).isFalse();
        assertThat(state.changeFor(1).implement()).containsExactly("prctl");
        assertThat(state.changeFor(1).fake()).isEmpty();
        assertThat(state.cost(1)).isEqualTo(1);
        assertThat(state.missingImplementations(1)).isZero();
        assertThat(state.apply(1)).containsExactly(1);
        assertThat(state.supportedCount()).isEqualTo(2);
    }

    @Test
    void supportedAppsStaySupported() {
        // c is supported as it is (prctl stubbed by default); faking prctl for d must not break it
        List<AppNeeds> apps = List.of(
                app("c", Map.of("prctl", Need.STUB)),
                app("d", Map.of("prctl", Need.FAKE, "write", Need.IMPLEMENT)));
        ShimState state = new ShimState(apps, Set.of());
        assertThat(state.isSupported(0)).isTrue();
        ShimState.Change change = state.changeFor(1);
        assertThat(change.implement()).containsExactly("prctl", "write");
        assertThat(change.fake()).isEmpty();
        assertThat(state.apply(1)).containsExactly(1);
        assertThat(state.isSupported(0)).isTrue();
    }

    @Test
    void greedyTakesTheAppNeedingFewestUnimplementedSyscalls() {
        List<AppNeeds> apps = List.of(
                app("big", Map.of("a1", Need.IMPLEMENT, "a2", Need.IMPLEMENT, "a3", Need.IMPLEMENT)),
                app("small", Map.of("b1", Need.IMPLEMENT)),
                app("mid", Map.of("b1", Need.IMPLEMENT, "c1", Need.IMPLEMENT)));
        // rename the syscalls to real ones
        List<AppNeeds> real = new ArrayList<>();
        Map<String, String> names = Map.of("a1", "read", "a2", "write", "a3", "open", "b1", "close", "c1", "stat");
        for (AppNeeds a : apps) {
            TreeMap<String, Need> n = new TreeMap<>();
            a.needs().forEach((k, v) -> n.put(names.get(k), v));
            real.add(app(a.app(), n));
        }
        SupportPlan plan = new GreedyPlanner().plan(real, null);
        assertThat(plan.steps()).extracting(PlanStep::target).containsExactly(null, "small", "mid", "big");
        assertThat(plan.curve().values()).containsExactly(0, 1, 2, 2, 2, 3);
        assertThat(plan.curve().syscallsFor(0.5)).isEqualTo(2);
        assertThat(plan.curve().syscallsFor(1.0)).isEqualTo(5);
        assertThat(plan.curve().area(5)).isEqualTo((0 + 1 + 2 + 2 + 2 + 3) / 18.0);
    }

    @Test
    void theUnlockPlannerIsAtLeastAsGoodAsGreedyEverywhereOnTheShippedData() {
        List<OsDescription> starts = new ArrayList<>();
        starts.add(null);
        OsDescription.shippedNames().forEach(n -> starts.add(OsDescription.shipped(n)));
        for (WorkloadSelection sel : WorkloadSelection.values()) {
            List<AppNeeds> apps = AppNeeds.select(shipped, List.of("*"), sel);
            for (OsDescription os : starts) {
                SupportPlan greedy = new GreedyPlanner().plan(apps, os);
                SupportPlan unlock = new UnlockPlanner().plan(apps, os);
                String what = sel.id() + " from " + (os == null ? "nothing" : os.name());
                assertThat(unlock.curve().dominates(greedy.curve())).as(what + ": unlock " + unlock.curve()
                        + " vs greedy " + greedy.curve()).isTrue();
                // both end with every app supported after the same number of implementations
                assertThat(unlock.curve().lastX()).as(what).isEqualTo(greedy.curve().lastX());
                assertThat(unlock.curve().at(unlock.curve().lastX())).isEqualTo(apps.size());
            }
        }
    }

    @Test
    void theUnlockPlannerWinsOnTheShippedBenchmarks() {
        List<AppNeeds> apps = AppNeeds.select(shipped, List.of("*"), WorkloadSelection.BENCH);
        assertThat(apps).hasSize(111);
        SupportPlan greedy = new GreedyPlanner().plan(apps, null);
        SupportPlan unlock = new UnlockPlanner().plan(apps, null);
        int last = greedy.curve().lastX();
        assertThat(last).isEqualTo(149);
        assertThat(unlock.curve().area(last)).isGreaterThan(greedy.curve().area(last));
        assertThat(unlock.curve().syscallsFor(0.5)).isLessThan(greedy.curve().syscallsFor(0.5));
        assertThat(unlock.curve().syscallsFor(0.9)).isLessThanOrEqualTo(greedy.curve().syscallsFor(0.9));
    }

    @Test
    void selectingAppsAndWorkloads() {
        assertThat(AppNeeds.select(shipped, List.of("*"), WorkloadSelection.SUITE)).hasSize(11);
        assertThat(AppNeeds.select(shipped, List.of("*"), WorkloadSelection.BOTH)).hasSize(116);
        AppNeeds nginx = AppNeeds.select(shipped, List.of("nginx"), WorkloadSelection.BOTH).getFirst();
        assertThat(nginx.workloads()).containsExactly("benchmark-wrk", "suite-nginx-tests");
        assertThatThrownBy(() -> AppNeeds.select(shipped, List.of("ngnix"), WorkloadSelection.BENCH))
                .hasMessage("no app 'ngnix' in the results store (did you mean nginx?); see 'shimscope db list'");
        assertThatThrownBy(() -> AppNeeds.select(shipped, List.of("aobench"), WorkloadSelection.SUITE))
                .hasMessage("app 'aobench' has no dynamic suite results (it has: benchmark-aobench-test)");
        assertThatThrownBy(() -> WorkloadSelection.parse("benchmarks")).hasMessageContaining("expected bench, suite or both");
    }
}
