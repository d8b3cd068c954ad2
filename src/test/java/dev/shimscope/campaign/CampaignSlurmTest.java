package dev.shimscope.campaign;

import dev.shimscope.explore.FixtureSpecs;
import dev.shimscope.model.Verdict;
import dev.shimscope.store.Profile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Campaigns on a real single-node Slurm cluster that the test starts (munged, slurmctld, slurmd
 * on localhost, a generated slurm.conf) and stops by PID: a job array explores the fixtures and
 * its results are merged; a failed task is listed with its log and resubmitted alone; an
 * exploration split into a setup job and an array of shards gives the verdicts and plan of a
 * local one; no daemon of the cluster survives it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CampaignSlurmTest {

    private static SlurmTestCluster cluster;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = SlurmTestCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Map<String, String> env(Path cache) {
        Map<String, String> env = new HashMap<>(cluster.env());
        env.put("SHIMSCOPE_CACHE", cache.toString());
        return env;
    }

    @Test
    @Order(1)
    void aJobArrayExploresEveryEntryAndTheMergeStoresEachOnce() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("array"));
        Path needs = FixtureSpecs.suite(Files.createDirectories(dir.resolve("needs")), "needs",
                CampaignLocalTest.FIXTURE_TIMEOUT).file();
        Path pair = FixtureSpecs.suite(Files.createDirectories(dir.resolve("pair")), "pair",
                CampaignLocalTest.FIXTURE_TIMEOUT).file();
        Path db = dir.resolve("db");
        Path camp = dir.resolve("campaign");
        Map<String, String> env = env(dir.resolve("cache"));

        CampaignCli.Outcome o = CampaignCli.run(env, dir, "campaign", needs.toString(), pair.toString(), "--slurm",
                "--dir", camp.toString(), "--db", db.toString());

        assertThat(o.status()).as(o.out() + o.err()).isZero();
        String job = submittedJob(o.err());
        assertThat(o.out()).contains("2 entries: 2 stored now, 0 stored before, 0 failed");
        // each task ran as a task of that array, and said so
        for (String app : List.of("fixture-needs", "fixture-pair")) {
            TaskDir task = new TaskDir(camp.resolve("tasks").resolve(app).resolve("suite-run"));
            assertThat(Files.readString(task.started())).contains("Slurm job " + job + "_");
        }
        Profile n = StoreChecks.only(db, "fixture-needs");
        assertThat(n.verdicts()).containsEntry("uname", Verdict.REQUIRED).containsEntry("pipe2", Verdict.STUB_ONLY)
                .containsEntry("prctl", Verdict.FAKE_ONLY).containsEntry("sched_yield", Verdict.BOTH);
        Profile p = StoreChecks.only(db, "fixture-pair");
        assertThat(StoreChecks.plan(p).getFirst()).contains("getpgid").doesNotContain("getppid");
        StoreChecks.fsck(db);
        assertThat(StoreChecks.commitMessages(db)).hasSize(3);

        // again: nothing is submitted
        CampaignCli.Outcome again = CampaignCli.run(env, dir, "campaign", needs.toString(), pair.toString(), "--slurm",
                "--dir", camp.toString(), "--db", db.toString());
        assertThat(again.status()).as(again.err()).isZero();
        assertThat(again.out()).contains("0 stored now, 2 stored before");
        assertThat(again.err()).doesNotContain("submitted");
    }

    @Test
    @Order(2)
    void aFailedTaskIsListedWithItsLogAndResubmittedAlone() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("retry"));
        Path needs = FixtureSpecs.suite(Files.createDirectories(dir.resolve("needs")), "needs",
                CampaignLocalTest.FIXTURE_TIMEOUT).file();
        // passes only once a file is in its cache directory (which runs see; the spec's hash does not cover it)
        Path flagDir = Files.createDirectories(dir.resolve("flag"));
        FixtureSpecs.suite(flagDir, "needs", CampaignLocalTest.FIXTURE_TIMEOUT);
        Path flagged = Files.writeString(flagDir.resolve("spec.yaml"), """
                app: fixture-flag
                workload: run
                kind: suite
                binary: ./needs
                only: ./needs
                test:
                  command: [sh, -c, 'test -e "$SHIMSCOPE_CACHE/ready" && exec ./needs']
                  timeout: %s
                """.formatted(CampaignLocalTest.FIXTURE_TIMEOUT));
        Path cache = dir.resolve("cache");
        Path flag = Files.createDirectories(cache.resolve("prepared/fixture-flag")).resolve("ready");
        Path db = dir.resolve("db");
        Path camp = dir.resolve("campaign");
        Map<String, String> env = env(cache);

        CampaignCli.Outcome o = CampaignCli.run(env, dir, "campaign", needs.toString(), flagged.toString(), "--slurm",
                "--dir", camp.toString(), "--db", db.toString());

        assertThat(o.status()).as(o.out() + o.err()).isEqualTo(1);
        assertThat(o.out()).contains("1 stored now, 0 stored before, 1 failed")
                .containsPattern(Pattern.quote(flagged.toString()) + " +FAILED +failed \\(exit status 1\\): shimscope: the workload"
                        + " fixture-flag/suite-run fails without any filter")
                .contains("--retry-failed");
        Path log = camp.resolve("tasks/fixture-flag/suite-run/log");
        assertThat(o.out()).contains("log: " + log);
        assertThat(Files.readString(log)).contains("fails without any filter");
        StoreChecks.only(db, "fixture-needs");

        Files.writeString(flag, "");
        CampaignCli.Outcome retry = CampaignCli.run(env, dir, "campaign", "--retry-failed", "--slurm",
                "--dir", camp.toString(), "--db", db.toString());

        assertThat(retry.status()).as(retry.out() + retry.err()).isZero();
        assertThat(retry.err()).contains("1 stored already (same spec and tool version), 0 explored and to merge, 1 to explore");
        assertThat(submittedJobs(retry.err())).hasSize(1);
        assertThat(retry.out()).contains("1 stored now, 1 stored before, 0 failed");
        assertThat(StoreChecks.only(db, "fixture-flag").verdicts()).containsEntry("prctl", Verdict.FAKE_ONLY);
        StoreChecks.only(db, "fixture-needs");
        StoreChecks.fsck(db);
    }

    @Test
    @Order(3)
    void aSuiteSplitOverTheClusterGivesTheVerdictsAndPlanOfALocalExploration() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("split"));
        Path units = FixtureSpecs.units(Files.createDirectories(dir.resolve("units")), CampaignLocalTest.FIXTURE_TIMEOUT)
                .file();
        Map<String, String> env = env(dir.resolve("cache"));
        Path localDb = dir.resolve("local-db");
        CampaignCli.Outcome local = CampaignCli.run(env, dir, "explore", units.toString(), "--db", localDb.toString());
        assertThat(local.status()).as(local.err()).isZero();

        Path db = dir.resolve("db");
        Path camp = dir.resolve("campaign");
        CampaignCli.Outcome o = CampaignCli.run(env, dir, "campaign", units.toString(), "--slurm", "--split", "2",
                "--dir", camp.toString(), "--db", db.toString());

        assertThat(o.status()).as(o.out() + o.err()).isZero();
        // the setup, the array of shards after it, then (from their merged journal) the shards below the syscall
        assertThat(submittedJobs(o.err())).hasSize(3);
        assertThat(o.err()).contains("2 shards of the experiments").contains("2 shards of the experiments below the syscall")
                .contains("journals of the setup and the shards merged");
        Path tasks = camp.resolve("tasks/fixture-units/suite-tests");
        for (String part : List.of("setup", "shard-1-of-2", "shard-2-of-2", "features-1-of-2", "features-2-of-2")) {
            assertThat(Files.readString(tasks.resolve(part).resolve("started"))).contains("Slurm job");
        }
        // the plan ran here, from the merged journal, without running any experiment again
        assertThat(Files.readString(tasks.resolve("finish/log"))).contains("resuming from the journal")
                .containsPattern("\\((\\d+) experiments taken from the journal\\)");
        Profile split = StoreChecks.only(db, "fixture-units");
        Profile alone = StoreChecks.only(localDb, "fixture-units");
        assertThat(split.verdicts()).isEqualTo(alone.verdicts()).containsEntry("uname", Verdict.REQUIRED);
        assertThat(StoreChecks.plan(split)).isEqualTo(StoreChecks.plan(alone));
        assertThat(split.verifiedPlan()).isPresent();
        assertThat(split.testsNeeding()).isEqualTo(alone.testsNeeding());
        StoreChecks.fsck(db);
    }

    @Test
    @Order(4)
    void noDaemonOfTheClusterSurvivesIt() {
        List<Long> pids = cluster.daemonPids();
        assertThat(pids).hasSize(3).allMatch(pid -> ProcessHandle.of(pid).isPresent());
        cluster.close();
        assertThat(pids).noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertThat(cluster.survivors()).as("processes holding files of " + cluster.dir()).isEmpty();
    }

    private static final Pattern SUBMITTED = Pattern.compile("submitted Slurm job (\\d+)");

    private static List<String> submittedJobs(String err) {
        Matcher m = SUBMITTED.matcher(err);
        List<String> ids = new java.util.ArrayList<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    private static String submittedJob(String err) {
        List<String> ids = submittedJobs(err);
        assertThat(ids).as(err).hasSize(1);
        return ids.getFirst();
    }
}
