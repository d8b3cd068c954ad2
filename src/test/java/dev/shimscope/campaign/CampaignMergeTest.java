package dev.shimscope.campaign;

import dev.shimscope.model.Verdict;
import dev.shimscope.store.Profile;
import dev.shimscope.store.ResultStore;
import dev.shimscope.store.RunImport;
import dev.shimscope.store.StoredRun;
import dev.shimscope.syscall.Arch;
import dev.shimscope.workload.WorkloadKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The two merges of a campaign without running an exploration: a task's result copied from its
 * own store into the campaign's (once, checked, one commit), and the journals of a split
 * exploration's setup and shards made into one.
 */
class CampaignMergeTest {

    @TempDir
    Path tmp;

    private static final String HASH = "ab".repeat(32);

    private static Profile result(String id) {
        TreeMap<String, Verdict> v = new TreeMap<>(Map.of("read", Verdict.REQUIRED, "prctl", Verdict.FAKE_ONLY));
        return new Profile("redis", WorkloadKind.BENCHMARK, "redis-benchmark", id, Instant.parse("2026-01-01T00:00:00Z"),
                "0.1.0", false, Arch.X86_64, new TreeSet<>(v.keySet()), v, null, null, null, null, null, null, HASH, null);
    }

    @Test
    void aTaskResultIsCopiedOnceWithOneCommitAndItsSpecHash() throws Exception {
        StoredRun task = ResultStore.openOrCreate(tmp.resolve("task-db")).save(result("20260101T000000000Z-00000001"));
        Path db = tmp.resolve("db");
        ResultStore store = ResultStore.openOrCreate(db);

        RunImport first = store.importRun(task.dir());
        RunImport again = store.importRun(task.dir());

        assertThat(first.added()).isTrue();
        assertThat(again.added()).isFalse();
        assertThat(first.stored().dir()).isEqualTo(db.toAbsolutePath().resolve(task.profile().relativeDir()));
        for (String f : List.of("shimscope.json", "data/dyn.csv")) {
            assertThat(Files.readAllBytes(first.stored().dir().resolve(f))).isEqualTo(Files.readAllBytes(task.dir().resolve(f)));
        }
        assertThat(StoreChecks.only(db, "redis").specSha256()).isEqualTo(HASH);
        List<String> log = StoreChecks.commitMessages(db);
        assertThat(log).hasSize(2);
        assertThat(log.getFirst()).isEqualTo("Add redis benchmark-redis-benchmark run 20260101T000000000Z-00000001 (shimscope 0.1.0)");
        assertThat(log.get(1)).startsWith("Create shimscope results store");
        StoreChecks.fsck(db);
    }

    @Test
    void aResultCutShortOrInTheWrongPlaceIsRefusedAndTheStoreIsLeftAsItWas() throws Exception {
        StoredRun task = ResultStore.openOrCreate(tmp.resolve("task-db")).save(result("20260101T000000000Z-00000002"));
        Path db = tmp.resolve("db");
        ResultStore store = ResultStore.openOrCreate(db);
        String head = StoreChecks.head(db);

        Path csv = task.dir().resolve("data/dyn.csv");
        byte[] whole = Files.readAllBytes(csv);
        Files.write(csv, java.util.Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> store.importRun(task.dir())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not hold what shimscope.json says");
        Files.write(csv, whole);

        Path moved = Files.createDirectories(tmp.resolve("elsewhere/redis/benchmark-redis-benchmark/other-id"));
        Files.copy(task.dir().resolve("shimscope.json"), moved.resolve("shimscope.json"));
        assertThatThrownBy(() -> store.importRun(moved)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not the directory");
        assertThatThrownBy(() -> store.importRun(tmp.resolve("task-db"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a complete result");

        assertThat(StoreChecks.head(db)).isEqualTo(head);
        assertThat(StoreChecks.runs(db)).isEmpty();
    }

    @Test
    void theMergedJournalHasTheSetupsLinesThenEveryShardsExperiments() throws Exception {
        String header = "{\"type\":\"header\",\"specSha256\":\"s\",\"binarySha256\":\"b\"}";
        Path setup = Files.writeString(tmp.resolve("j0"), header + "\n{\"type\":\"owner\",\"pid\":1}\n"
                + "{\"type\":\"baseline\",\"runs\":[]}\n{\"type\":\"trace\",\"used\":[]}\n");
        String setupText = Files.readString(setup);
        Path shard0 = Files.writeString(tmp.resolve("j1"), setupText + "{\"type\":\"owner\",\"pid\":2}\n"
                + "{\"type\":\"experiment\",\"syscall\":0,\"treatment\":\"stub\"}\n{\"type\":\"experim");
        Path shard1 = Files.writeString(tmp.resolve("j2"), setupText
                + "{\"type\":\"experiment\",\"syscall\":1,\"treatment\":\"fake\"}\n");
        Path merged = tmp.resolve("finish/journal");

        int experiments = JournalMerge.merge(setup, List.of(shard0, shard1), merged);

        assertThat(experiments).isEqualTo(2);
        assertThat(Files.readAllLines(merged)).containsExactly(header, "{\"type\":\"owner\",\"pid\":1}",
                "{\"type\":\"baseline\",\"runs\":[]}", "{\"type\":\"trace\",\"used\":[]}",
                "{\"type\":\"experiment\",\"syscall\":0,\"treatment\":\"stub\"}",
                "{\"type\":\"experiment\",\"syscall\":1,\"treatment\":\"fake\"}");

        Path foreign = Files.writeString(tmp.resolve("j3"), "{\"type\":\"header\",\"specSha256\":\"other\"}\n");
        assertThatThrownBy(() -> JournalMerge.merge(setup, List.of(foreign), tmp.resolve("x")))
                .hasMessageContaining("does not belong to the setup");
    }
}
