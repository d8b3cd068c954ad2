package dev.shimscope.store;

import dev.shimscope.model.Verdict;
import dev.shimscope.workload.WorkloadKind;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Real writer processes against one store: the lock serialises them, a killed writer leaves nothing half done. */
class ConcurrentWritersTest {

    @TempDir
    Path tmp;

    private Process writer(Path store, String prefix, int count) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                StoreWriterMain.class.getName(),
                store.toString(), prefix, Integer.toString(count))
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve(prefix + ".log").toFile())
                .start();
    }

    private static List<RevCommit> commits(Path store) throws Exception {
        List<RevCommit> out = new ArrayList<>();
        try (Git git = Git.open(store.toFile())) {
            git.log().call().forEach(out::add);
        }
        return out;
    }

    private void awaitOutput(String prefix, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Path log = tmp.resolve(prefix + ".log");
        while (!(Files.exists(log) && Files.readString(log).contains(text))) {
            assertThat(System.nanoTime()).as("writer " + prefix + " never printed " + text).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    @SuppressWarnings("try")
    void twoWriterProcessesAtOnceWaitForTheLockAndLoseNothing() throws Exception {
        Path db = tmp.resolve("db");
        ResultStore.openOrCreate(db);
        Process a;
        Process b;
        // hold the writer lock while both start, so that both are waiting when it is released
        try (StoreLock held = StoreLock.acquire(db, java.time.Duration.ofSeconds(5))) {
            a = writer(db, "a", 12);
            b = writer(db, "b", 12);
            awaitOutput("a", "ready");
            awaitOutput("b", "ready");
            Thread.sleep(300);
            assertThat(commits(db)).as("nothing is written while another process holds the lock").hasSize(1);
            assertThat(Files.readString(tmp.resolve("a.log")) + Files.readString(tmp.resolve("b.log"))).doesNotContain("stored");
        }
        assertThat(a.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(b.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(a.exitValue()).as(Files.readString(tmp.resolve("a.log"))).isZero();
        assertThat(b.exitValue()).as(Files.readString(tmp.resolve("b.log"))).isZero();

        StoreSnapshot s = ResultStore.open(db).read();
        assertThat(s.runs()).hasSize(24);
        assertThat(s.ignored()).isEmpty();
        List<RevCommit> commits = commits(db);
        assertThat(commits).hasSize(25);        // the store's creation, then one per result
        Set<String> messages = new HashSet<>();
        commits.forEach(c -> messages.add(c.getShortMessage()));
        for (int i = 0; i < 12; i++) {
            assertThat(messages).contains("Add app-a benchmark-w run a-" + i + " (shimscope " + dev.shimscope.ToolVersion.get() + ")",
                    "Add app-b benchmark-w run b-" + i + " (shimscope " + dev.shimscope.ToolVersion.get() + ")");
        }
        try (Git git = Git.open(db.toFile())) {
            assertThat(git.status().call().isClean()).isTrue();
        }
    }

    @Test
    void aWriterKilledMidWayLeavesOnlyCompleteResults() throws Exception {
        Path db = tmp.resolve("db");
        ResultStore.openOrCreate(db);
        Process w = writer(db, "k", 10_000);
        // let it store a few, then kill it at whatever point it has reached
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (commits(db).size() < 6 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        w.destroyForcibly();
        assertThat(w.waitFor(30, TimeUnit.SECONDS)).isTrue();

        StoreSnapshot s = ResultStore.open(db).read();
        assertThat(s.runs().size()).isGreaterThanOrEqualTo(5);
        for (StoredRun r : s.runs()) {
            assertThat(r.dir().resolve("data/dyn.csv")).isNotEmptyFile();
        }
        // every committed run is complete in git too
        try (Git git = Git.open(db.toFile())) {
            RevCommit head = git.log().setMaxCount(1).call().iterator().next();
            try (TreeWalk walk = new TreeWalk(git.getRepository())) {
                walk.addTree(head.getTree());
                walk.setRecursive(true);
                Set<String> runDirs = new HashSet<>();
                Set<String> withJson = new HashSet<>();
                while (walk.next()) {
                    String p = walk.getPathString();
                    String[] parts = p.split("/");
                    if (parts.length >= 4) {
                        String run = parts[0] + "/" + parts[1] + "/" + parts[2];
                        runDirs.add(run);
                        if (p.endsWith("/shimscope.json")) {
                            withJson.add(run);
                        }
                    }
                }
                assertThat(withJson).isEqualTo(runDirs);
            }
        }
        // the next writer recovers and goes on
        ResultStore store = ResultStore.open(db);
        store.save(Profile.newRun("after", WorkloadKind.SUITE, "", Map.of("read", Verdict.REQUIRED)));
        StoreSnapshot after = store.read();
        assertThat(after.runs().size()).isGreaterThanOrEqualTo(s.runs().size() + 1);
        assertThat(db.resolve(".tmp")).doesNotExist();
        try (Git git = Git.open(db.toFile())) {
            assertThat(git.status().call().getUntracked()).isEmpty();
        }
        assertThat(Files.readString(tmp.resolve("k.log"), StandardCharsets.UTF_8)).contains("stored 0");
    }
}
