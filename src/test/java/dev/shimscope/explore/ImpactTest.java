package dev.shimscope.explore;

import dev.shimscope.model.Impact;
import dev.shimscope.model.Measure;
import dev.shimscope.model.Treatment;
import dev.shimscope.model.Verdict;
import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.trace.Tracer;
import dev.shimscope.workload.WorkloadRunner;
import dev.shimscope.workload.WorkloadSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a stub or a fake costs is found where it is and nowhere else: {@code costly.c} leaks
 * descriptors when close fails, keeps its regions when munmap fails and fills a buffer of its own
 * when madvise returns ENOSYS; its exploration reports exactly these impacts, the plan fakes madvise
 * (its stub costs, its fake does not), and the plan's cost shows the leaks it keeps. Under CPU hogs
 * started for the test on every core the same impacts and no others are reported.
 */
class ImpactTest {

    private static final SyscallTable TABLE = SyscallTable.x86_64();

    /** The experiments with an impact, each with the measures it changed. */
    private static SortedMap<String, SortedSet<Measure>> impacted(Exploration e) {
        SortedMap<String, SortedSet<Measure>> out = new TreeMap<>();
        for (Impact i : e.impacts().impacts()) {
            out.computeIfAbsent(i.syscall().name() + " " + i.treatment().id(), k -> new TreeSet<>())
                    .add(i.comparison().measure());
        }
        return out;
    }

    private static Exploration explore(WorkloadSpec spec) throws InterruptedException {
        WorkloadRunner runner = new WorkloadRunner(Sandbox.create(), spec, new Tracer(TABLE));
        // fixed concurrency: a hog must not simply make the scheduler run one at a time
        return new Explorer(runner, TABLE, new Explorer.Options(2, 2, 2, 2, false), ExploreListener.NONE, null)
                .explore(Map.of());
    }

    private static void assertExpectedImpacts(Exploration e) {
        SortedMap<String, SortedSet<Measure>> impacted = impacted(e);
        assertThat(impacted.keySet()).as("%s", e.impacts().impacts())
                .containsExactlyInAnyOrder("close stub", "close fake", "madvise stub", "munmap stub", "munmap fake");
        assertThat(impacted.get("close stub")).contains(Measure.FDS);
        assertThat(impacted.get("close fake")).contains(Measure.FDS);
        assertThat(impacted.get("munmap stub")).contains(Measure.MEMORY);
        assertThat(impacted.get("munmap fake")).contains(Measure.MEMORY);
        assertThat(impacted.get("madvise stub")).contains(Measure.MEMORY);
        for (Impact i : e.impacts().impacts()) {
            if (i.comparison().measure() == Measure.FDS || i.comparison().measure() == Measure.MEMORY) {
                assertThat(i.comparison().ratio()).as(i.describe()).isGreaterThan(3);
                assertThat(i.comparison().low()).as(i.describe()).isGreaterThan(1);
            }
        }
    }

    @Test
    void theCallsThatCostAreFoundAndNoOther(@TempDir Path dir) throws Exception {
        WorkloadSpec spec = FixtureSpecs.benchmark(dir, "costly");
        Exploration e = explore(spec);
        Map<String, Verdict> verdicts = new TreeMap<>();
        e.verdicts().forEach(v -> verdicts.put(v.name(), v.verdict()));
        assertThat(verdicts).containsEntry("close", Verdict.BOTH).containsEntry("munmap", Verdict.BOTH)
                .containsEntry("madvise", Verdict.BOTH);
        assertExpectedImpacts(e);
        // madvise's stub costs and its fake does not: the advice says so; the plan stubs what works
        // both ways all the same (measured costs do not steer it), close and munmap too
        assertThat(e.impacts().choices()).containsEntry(TABLE.require("madvise"), Treatment.FAKE);
        assertThat(e.plan().verified()).isTrue();
        assertThat(e.plan().stub()).contains(TABLE.require("madvise"), TABLE.require("close"), TABLE.require("munmap"));
        // the plan keeps the leaks of its stubs: its cost shows them, alone against the baseline alone
        List<Measure> costly = new ArrayList<>();
        e.impacts().planCost().stream().filter(c -> c.worse()).forEach(c -> costly.add(c.measure()));
        assertThat(costly).contains(Measure.FDS, Measure.MEMORY);
        // every run measured the server: descriptors and memory of its own, the spec's constant score
        assertThat(e.baseline()).allSatisfy(r -> {
            assertThat(r.measures()).isNotNull();
            assertThat(r.measures().openFds()).isBetween(1, 20);
            assertThat(r.measures().memoryKb()).isBetween(1L, 16L << 10);
            assertThat(r.measures().metric()).isCloseTo(42.0, org.assertj.core.api.Assertions.within(1e-9));
        });
    }

    @Test
    void aLoadedMachineMakesNoFalseImpacts(@TempDir Path dir) throws Exception {
        WorkloadSpec spec = FixtureSpecs.benchmark(dir, "costly");
        Exploration busy;
        List<Process> hogs = FixtureSpecs.cpuHogs();
        try {
            busy = explore(spec);
        } finally {
            for (Process p : hogs) {
                p.destroyForcibly();
                p.waitFor();
            }
        }
        assertExpectedImpacts(busy);
        // the hog was real: the runs waited for a CPU (where the machine can measure it)
        long stalled = busy.baseline().stream().mapToLong(r -> r.stallMillis()).max().orElse(-1);
        if (stalled >= 0) {
            assertThat(stalled).isGreaterThan(0);
        }
        assertThat(Set.copyOf(busy.impacts().choices().values())).containsOnly(Treatment.FAKE);
    }
}
