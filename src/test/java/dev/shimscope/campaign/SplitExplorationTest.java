package dev.shimscope.campaign;

import dev.shimscope.explore.Exploration;
import dev.shimscope.explore.ExploreListener;
import dev.shimscope.explore.Explorer;
import dev.shimscope.explore.FileResult;
import dev.shimscope.explore.FixtureSpecs;
import dev.shimscope.explore.Journal;
import dev.shimscope.explore.ValueResult;
import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.trace.Tracer;
import dev.shimscope.workload.WorkloadRunner;
import dev.shimscope.workload.WorkloadSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The stages of a split exploration as a campaign runs them on Slurm, here in one process with
 * the {@code features} fixture (prctl options and files with known needs): setup, two shards of
 * the syscall experiments, their journals merged, two shards of the experiments below the
 * syscall, everything merged, and the plan from that journal. Its verdicts, per syscall, per
 * argument value and per file, and its plan are those of the same exploration in one piece.
 */
class SplitExplorationTest {

    private static final SyscallTable TABLE = SyscallTable.x86_64();
    private static final Map<String, String> IDENTITY = Map.of("specSha256", "s", "binarySha256", "b");
    private static Sandbox sandbox;

    @BeforeAll
    static void sandbox() {
        sandbox = Sandbox.create();
    }

    @Test
    void shardsOfTheSyscallsThenOfTheFeaturesGiveTheVerdictsAndPlanOfOneExploration(@TempDir Path dir) throws Exception {
        WorkloadSpec spec = FixtureSpecs.features(dir);
        Exploration whole = explore(spec, null, null);

        Path setup = dir.resolve("setup.journal");
        shard(spec, setup, null, Explorer.Shard.SETUP);
        List<Path> syscallShards = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            syscallShards.add(shard(spec, dir.resolve("shard-" + i + ".journal"), setup, new Explorer.Shard(i, 2)));
        }
        // below the syscall the experiments follow from the verdicts: not from the setup alone
        Path early = Files.copy(setup, dir.resolve("early.journal"));
        try (Journal j = Journal.open(early, IDENTITY, true)) {
            assertThatThrownBy(() -> explore(spec, j, new Explorer.Shard(0, 2, true)))
                    .isInstanceOf(Explorer.ExplorationException.class)
                    .hasMessageContaining("needs every syscall's verdict");
        }
        Path syscalls = dir.resolve("syscalls.journal");
        JournalMerge.merge(setup, syscallShards, syscalls);
        List<Path> all = new ArrayList<>(syscallShards);
        for (int i = 0; i < 2; i++) {
            Path f = dir.resolve("features-" + i + ".journal");
            shard(spec, f, syscalls, new Explorer.Shard(i, 2, true));
            all.add(f);
        }
        Path merged = dir.resolve("merged.journal");
        JournalMerge.merge(setup, all, merged);

        Exploration split;
        java.util.concurrent.atomic.AtomicInteger experimentsRun = new java.util.concurrent.atomic.AtomicInteger();
        try (Journal journal = Journal.open(merged, IDENTITY, true)) {
            split = explore(spec, journal, null, event -> {
                if (event instanceof dev.shimscope.explore.ExploreEvent.ExperimentFinished) {
                    experimentsRun.incrementAndGet();
                }
            });
        }
        assertThat(verdicts(split)).isEqualTo(verdicts(whole));
        assertThat(values(split)).isEqualTo(values(whole)).contains("prctl PR_SET_NAME=REQUIRED",
                "prctl PR_GET_DUMPABLE=STUB_ONLY");
        assertThat(files(split)).isEqualTo(files(whole)).contains("/etc/passwd REQUIRED");
        assertThat(split.plan().verified()).isTrue();
        assertThat(split.plan().implement()).isEqualTo(whole.plan().implement());
        assertThat(split.plan().stub()).isEqualTo(whole.plan().stub());
        assertThat(split.plan().fake()).isEqualTo(whole.plan().fake());
        // every experiment came from the shards: the last step ran only the plan's runs
        assertThat(experimentsRun).hasValue(0);
        assertThat(split.values()).isNotEmpty();
    }

    /** One stage into {@code journal} (a copy of {@code seed} first, as the task script makes it); it must stop as a shard does. */
    private static Path shard(WorkloadSpec spec, Path journal, Path seed, Explorer.Shard shard) throws Exception {
        if (seed != null) {
            Files.copy(seed, journal, StandardCopyOption.REPLACE_EXISTING);
        }
        try (Journal j = Journal.open(journal, IDENTITY, seed != null)) {
            assertThatThrownBy(() -> explore(spec, j, shard)).isInstanceOf(Explorer.ShardFinished.class);
        }
        return journal;
    }

    private static Exploration explore(WorkloadSpec spec, Journal journal, Explorer.Shard shard) throws Exception {
        return explore(spec, journal, shard, ExploreListener.NONE);
    }

    private static Exploration explore(WorkloadSpec spec, Journal journal, Explorer.Shard shard, ExploreListener listener)
            throws Exception {
        Explorer.Options o = new Explorer.Options(2, 2, 2, 2);
        WorkloadRunner runner = new WorkloadRunner(sandbox, spec, new Tracer(TABLE));
        return new Explorer(runner, TABLE, shard == null ? o : o.withShard(shard), listener, journal)
                .withoutImpacts().explore(Map.of());
    }

    private static List<String> verdicts(Exploration e) {
        return e.verdicts().stream().map(v -> v.name() + "=" + v.verdict()).toList();
    }

    private static List<String> values(Exploration e) {
        return e.values().stream().map(ValueResult::verdict)
                .map(v -> v.syscall().name() + " " + v.value().name() + "=" + v.verdict()).toList();
    }

    private static List<String> files(Exploration e) {
        return e.files().stream().map(FileResult::verdict)
                .map(f -> f.path() + " " + f.need() + (f.empty() == null ? "" : " empty " + f.empty())).toList();
    }
}
