package dev.shimscope.store;

import dev.shimscope.model.Verdict;
import dev.shimscope.syscall.Arch;
import dev.shimscope.workload.WorkloadKind;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResultStoreTest {

    @TempDir
    Path tmp;

    private static Profile run(String id, Instant recorded, Verdict readVerdict) {
        TreeMap<String, Verdict> v = new TreeMap<>(Map.of("read", readVerdict, "prctl", Verdict.FAKE_ONLY,
                "futex", Verdict.FLAKY));
        return new Profile("redis", WorkloadKind.BENCHMARK, "redis-benchmark", id, recorded, "0.1.0", false, Arch.X86_64,
                new TreeSet<>(v.keySet()), v, new TreeSet<>(List.of("read", "write")), null, null);
    }

    private static List<String> commitMessages(Path store) throws Exception {
        List<String> out = new ArrayList<>();
        try (Git git = Git.open(store.toFile())) {
            for (RevCommit c : git.log().call()) {
                out.add(c.getShortMessage());
            }
        }
        return out;
    }

    @Test
    void defaultLocationFollowsEnvironmentThenXdgThenHome() {
        assertThat(ResultStore.defaultDir(Map.of("SHIMSCOPE_DB", "/data/db", "XDG_DATA_HOME", "/x"), "/home/u"))
                .isEqualTo(Path.of("/data/db"));
        assertThat(ResultStore.defaultDir(Map.of("XDG_DATA_HOME", "/x"), "/home/u")).isEqualTo(Path.of("/x/shimscope/db"));
        assertThat(ResultStore.defaultDir(Map.of("XDG_DATA_HOME", "relative"), "/home/u"))
                .isEqualTo(Path.of("/home/u/.local/share/shimscope/db"));
        assertThat(ResultStore.defaultDir(Map.of(), "/home/u")).isEqualTo(Path.of("/home/u/.local/share/shimscope/db"));
        assertThat(ResultStore.location(Path.of("given"))).isEqualTo(Path.of("given"));
    }

    @Test
    void savesInLoupesLayoutWithOneCommitEach() throws Exception {
        ResultStore store = ResultStore.openOrCreate(tmp.resolve("db"));
        Profile p = run("20260101T000000000Z-00000001", Instant.parse("2026-01-01T00:00:00Z"), Verdict.REQUIRED);
        StoredRun stored = store.save(p);
        Path dir = tmp.resolve("db/redis/benchmark-redis-benchmark/20260101T000000000Z-00000001");
        assertThat(stored.dir()).isEqualTo(dir);
        assertThat(dir.resolve("data/dyn.csv")).exists();
        assertThat(dir.resolve("data/static_binary.csv")).exists();
        assertThat(dir.resolve("data/static_sources.csv")).doesNotExist();
        assertThat(Files.readAllLines(dir.resolve("data/dyn.csv"))).contains("0,Y,N,N,N", "157,Y,Y,N,N", "202,Y,N,N,N");
        assertThat(ResultStore.readProfile(dir.resolve("shimscope.json"))).isEqualTo(p);
        assertThat(commitMessages(tmp.resolve("db"))).containsExactly(
                "Add redis benchmark-redis-benchmark run 20260101T000000000Z-00000001 (shimscope 0.1.0)",
                "Create shimscope results store (shimscope " + dev.shimscope.ToolVersion.get() + ")");
        try (Git git = Git.open(tmp.resolve("db").toFile())) {
            assertThat(git.status().call().isClean()).isTrue();
        }
        assertThatThrownBy(() -> store.save(p)).hasMessageContaining("already has run redis/benchmark-redis-benchmark/");
    }

    @Test
    void bothRunsAreKeptAndTheNewestByRecordedTimeWinsWhateverTheFileTimes() throws Exception {
        ResultStore store = ResultStore.openOrCreate(tmp.resolve("db"));
        Profile newer = run("b-newer", Instant.parse("2026-03-01T00:00:00Z"), Verdict.BOTH);
        Profile older = run("a-older", Instant.parse("2026-02-01T00:00:00Z"), Verdict.REQUIRED);
        store.save(newer);
        store.save(older);      // stored later, recorded earlier
        // file times say the opposite of the recorded times (as after a clone or a copy)
        Files.setLastModifiedTime(store.read().runs().getFirst().dir(), FileTime.from(Instant.parse("2000-01-01T00:00:00Z")));
        StoreSnapshot s = store.read();
        assertThat(s.runs()).extracting(r -> r.profile().runId()).containsExactly("b-newer", "a-older");
        assertThat(s.latest("redis", "benchmark-redis-benchmark")).contains(newer);
        assertThat(s.latestByApp().get("redis")).containsExactly(newer);
        assertThat(commitMessages(tmp.resolve("db"))).hasSize(3);
    }

    @Test
    void readersIgnoreIncompleteRunsAndWritersRecoverWhatACrashLeft() throws Exception {
        Path db = tmp.resolve("db");
        ResultStore store = ResultStore.openOrCreate(db);
        store.save(run("r1", Instant.now(), Verdict.REQUIRED));
        // a crash while writing: half a run directory in place (no shimscope.json) and a staging leftover
        Path half = db.resolve("redis/benchmark-redis-benchmark/r2/data");
        Files.createDirectories(half);
        Files.writeString(half.resolve("dyn.csv"), "0,Y,N");
        Files.createDirectories(db.resolve(".tmp/w123/data"));
        // a crash after the rename, before the commit: a complete run that git does not have yet
        Profile r3 = run("r3", Instant.now(), Verdict.BOTH);
        Path r3dir = db.resolve(r3.relativeDir());
        Files.createDirectories(r3dir.resolve("data"));
        for (var f : ResultStore.filesOf(r3).entrySet()) {
            Files.write(r3dir.resolve(f.getKey()), f.getValue());
        }
        // a crash inside git: a stale index lock
        Files.writeString(db.resolve(".git/index.lock"), "");

        StoreSnapshot s = store.read();
        assertThat(s.runs()).extracting(r -> r.profile().runId()).containsExactlyInAnyOrder("r1", "r3");
        assertThat(s.ignored()).singleElement().asString()
                .startsWith("redis/benchmark-redis-benchmark/r2: no shimscope.json");

        store.save(run("r4", Instant.now(), Verdict.REQUIRED));
        assertThat(db.resolve(".tmp")).doesNotExist();
        assertThat(db.resolve(".git/index.lock")).doesNotExist();
        assertThat(commitMessages(db)).startsWith(
                "Add redis benchmark-redis-benchmark run r4 (shimscope 0.1.0)",
                "Recover 1 result(s) left uncommitted by an interrupted write: redis/benchmark-redis-benchmark/r3");
    }

    @Test
    void flakyIsKeptInJsonAndWrittenAsRequiredInTheCsv() throws Exception {
        ResultStore store = ResultStore.openOrCreate(tmp.resolve("db"));
        StoredRun r = store.save(run("r1", Instant.now(), Verdict.REQUIRED));
        assertThat(Files.readAllLines(r.dir().resolve("data/dyn.csv"))).contains("202,Y,N,N,N");    // futex
        assertThat(store.read().runs().getFirst().profile().verdicts()).containsEntry("futex", Verdict.FLAKY);
    }

    @Test
    void openingWhatIsNotAStoreIsAClearError() throws Exception {
        assertThatThrownBy(() -> ResultStore.open(tmp.resolve("missing")))
                .hasMessageStartingWith("no results store at " + tmp.resolve("missing"));
        Files.writeString(tmp.resolve("notes.txt"), "x");
        assertThatThrownBy(() -> ResultStore.open(tmp))
                .hasMessageContaining("is not a shimscope results store");
        assertThatThrownBy(() -> ResultStore.openOrCreate(tmp))
                .hasMessageContaining("is not empty and not a shimscope results store");
        assertThat(tmp.resolve(".git")).doesNotExist();
    }
}
