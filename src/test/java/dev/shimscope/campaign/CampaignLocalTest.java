package dev.shimscope.campaign;

import dev.shimscope.explore.FixtureSpecs;
import dev.shimscope.model.Verdict;
import dev.shimscope.store.Profile;
import dev.shimscope.testing.Cli;
import dev.shimscope.testing.Procs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Campaigns on this machine over C fixtures whose needs are known exactly: every entry stored
 * once with the verdicts and plan of a single exploration, a git history git accepts, nothing
 * redone when started again or after an interruption; bad input stops it before anything runs.
 */
class CampaignLocalTest {

    @TempDir
    Path tmp;

    private static final Map<String, String> ENV = Map.of();
    /**
     * The fixtures' test time limit: the plan's traced runs with exit_group stubbed hang until it
     * (musl falls back to exit, which the closed world stubs), so it bounds most of a campaign's time.
     */
    static final String FIXTURE_TIMEOUT = "5s";

    @Test
    void storesEveryEntryOnceWithTheVerdictsAndPlanOfASingleExploration() throws Exception {
        Path needs = FixtureSpecs.suite(Files.createDirectories(tmp.resolve("needs")), "needs", FIXTURE_TIMEOUT).file();
        Path pair = FixtureSpecs.suite(Files.createDirectories(tmp.resolve("pair")), "pair", FIXTURE_TIMEOUT).file();
        Path db = tmp.resolve("db");
        Path camp = tmp.resolve("campaign");

        CampaignCli.Outcome o = CampaignCli.run(ENV, tmp, "campaign", needs.toString(), pair.toString(),
                "--dir", camp.toString(), "--db", db.toString());

        assertThat(o.status()).as(o.out() + o.err()).isZero();
        assertThat(o.out()).contains("2 entries: 2 stored now, 0 stored before, 0 failed");
        assertThat(o.err()).contains("2 to explore on this machine, 2 at a time");
        Profile n = StoreChecks.only(db, "fixture-needs");
        assertThat(n.verdicts()).containsEntry("uname", Verdict.REQUIRED).containsEntry("pipe2", Verdict.STUB_ONLY)
                .containsEntry("prctl", Verdict.FAKE_ONLY).containsEntry("sched_yield", Verdict.BOTH);
        assertThat(n.specSha256()).matches("[0-9a-f]{64}");
        Profile p = StoreChecks.only(db, "fixture-pair");
        assertThat(p.verdicts()).containsEntry("getppid", Verdict.STUB_ONLY).containsEntry("getpgid", Verdict.STUB_ONLY);
        assertThat(StoreChecks.plan(p).getFirst()).contains("getpgid").doesNotContain("getppid");
        assertThat(p.verifiedPlan()).isPresent();
        StoreChecks.fsck(db);
        assertThat(StoreChecks.commitMessages(db)).hasSize(3)
                .anyMatch(m -> m.startsWith("Add fixture-needs suite-run run "))
                .anyMatch(m -> m.startsWith("Add fixture-pair suite-run run "));

        // the same entry explored alone: the same verdicts and plan
        Path single = tmp.resolve("single");
        CampaignCli.Outcome alone = CampaignCli.run(ENV, tmp, "explore", needs.toString(), "--db", single.toString());
        assertThat(alone.status()).as(alone.err()).isZero();
        Profile s = StoreChecks.only(single, "fixture-needs");
        assertThat(n.verdicts()).isEqualTo(s.verdicts());
        assertThat(StoreChecks.plan(n)).isEqualTo(StoreChecks.plan(s));

        // started again: everything is stored for this spec and tool version, nothing runs, nothing is committed
        String head = StoreChecks.head(db);
        CampaignCli.Outcome again = CampaignCli.run(ENV, tmp, "campaign", needs.toString(), pair.toString(),
                "--dir", camp.toString(), "--db", db.toString());
        assertThat(again.status()).as(again.err()).isZero();
        assertThat(again.out()).contains("0 stored now, 2 stored before");
        assertThat(again.err()).doesNotContain("started");
        assertThat(StoreChecks.head(db)).isEqualTo(head);
    }

    @Test
    void anInterruptedCampaignFinishesWithoutRedoingWhatWasDone() throws Exception {
        Path needs = FixtureSpecs.suite(Files.createDirectories(tmp.resolve("needs")), "needs", FIXTURE_TIMEOUT).file();
        Path pair = FixtureSpecs.suite(Files.createDirectories(tmp.resolve("pair")), "pair", FIXTURE_TIMEOUT).file();
        Path db = tmp.resolve("db");
        Path camp = tmp.resolve("campaign");
        Path pairboth = FixtureSpecs.suite(Files.createDirectories(tmp.resolve("pairboth")), "pairboth", FIXTURE_TIMEOUT)
                .file();
        TaskDir needsTask = new TaskDir(camp.resolve("tasks/fixture-needs/suite-run"));
        TaskDir pairTask = new TaskDir(camp.resolve("tasks/fixture-pair/suite-run"));
        TaskDir pairbothTask = new TaskDir(camp.resolve("tasks/fixture-pairboth/suite-run"));
        String[] campaign = {"campaign", needs.toString(), pair.toString(), pairboth.toString(), "--at-once", "1",
                "--dir", camp.toString(), "--db", db.toString()};

        // one at a time: needs first; stopped while pair is in the middle of its experiments
        Process coordinator = CampaignCli.start(ENV, tmp.resolve("first.out"), tmp.resolve("first.err"), campaign);
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!(needsTask.state().ended() && journalHasExperiments(pairTask.journal()))) {
            assertThat(coordinator.isAlive()).as("the campaign ended before it was interrupted").isTrue();
            assertThat(System.nanoTime()).as("the campaign got that far within 5 minutes").isLessThan(end);
            Thread.sleep(100);
        }
        coordinator.destroy(); // SIGTERM, as Ctrl-C or a batch system would
        assertThat(coordinator.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(tmp.resolve("first.err"))).contains("interrupted");
        assertThat(needsTask.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(pairTask.state()).isEqualTo(TaskState.INTERRUPTED);
        assertThat(journalHasExperiments(pairTask.journal())).as("the interrupted exploration kept its journal").isTrue();
        // a stopped campaign starts no further task, and none of its tasks outlives it
        assertThat(pairbothTask.state()).isEqualTo(TaskState.NOT_STARTED);
        assertThat(Procs.withToken(camp.toString())).as("processes of the campaign left running").isEmpty();
        String needsLog = Files.readString(needsTask.log());

        CampaignCli.Outcome o = CampaignCli.run(ENV, tmp, campaign);

        assertThat(o.status()).as(o.out() + o.err()).isZero();
        assertThat(o.err()).contains("0 stored already (same spec and tool version), 1 explored and to merge, 2 to explore");
        assertThat(Files.readString(needsTask.log())).as("needs was not explored again").isEqualTo(needsLog);
        assertThat(Files.readString(pairTask.log())).contains("resuming from the journal");
        assertThat(StoreChecks.only(db, "fixture-needs").verdicts()).containsEntry("prctl", Verdict.FAKE_ONLY);
        assertThat(StoreChecks.only(db, "fixture-pair").verdicts()).containsEntry("getpgid", Verdict.STUB_ONLY);
        assertThat(StoreChecks.only(db, "fixture-pairboth").verdicts()).containsEntry("getpgid", Verdict.BOTH);
        StoreChecks.fsck(db);
    }

    private static boolean journalHasExperiments(Path journal) {
        try {
            return Files.readString(journal, StandardCharsets.UTF_8).contains("\"type\":\"experiment\"");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void badInputIsOneLineBeforeAnythingRunsAndNothingIsWritten() throws Exception {
        Path needs = FixtureSpecs.suite(Files.createDirectories(tmp.resolve("needs")), "needs", FIXTURE_TIMEOUT).file();
        Path camp = tmp.resolve("campaign");
        Path db = tmp.resolve("db");

        oneLine(Cli.run("campaign", needs.toString(), "no-such-entry-shimscope", "--dir", camp.toString(),
                "--db", db.toString()), 1, "'no-such-entry-shimscope' is neither a spec file nor a catalog entry");
        oneLine(Cli.run("campaign", needs.toString(), needs.toString(), "--dir", camp.toString(), "--db", db.toString()),
                1, "are the same workload (fixture-needs/suite-run)");
        Path notAStore = Files.createDirectories(tmp.resolve("not-a-store"));
        Files.writeString(notAStore.resolve("notes.txt"), "mine");
        oneLine(Cli.run("campaign", needs.toString(), "--dir", camp.toString(), "--db", notAStore.toString()), 1,
                "is not empty and not a shimscope results store");
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        oneLine(Cli.run("campaign", needs.toString(), "--dir", camp.toString(), "--db", file.toString()), 1,
                "is a file, not a results store directory");
        oneLine(Cli.run("campaign", needs.toString(), "--dir", file.toString(), "--db", db.toString()), 1,
                "campaign directory " + file + " is a file");
        oneLine(Cli.run("campaign", needs.toString(), "--split", "2", "--dir", camp.toString()), 2, "--split", "needs --slurm");
        oneLine(Cli.run("campaign", "--dir", camp.toString()), 2, "name the entries");
        oneLine(Cli.run("campaign", needs.toString(), "--explore-arg=--db=x", "--dir", camp.toString()), 2,
                "the campaign sets it for each task");
        oneLine(Cli.run("campaign", "--retry-failed", "--dir", camp.toString()), 1, "no campaign in");
        // no Slurm on the PATH
        CampaignCli.Outcome noSlurm = CampaignCli.run(Map.of("PATH", tmp.resolve("empty-path").toString()), tmp,
                "campaign", needs.toString(), "--slurm", "--dir", camp.toString(), "--db", db.toString());
        assertThat(noSlurm.status()).isEqualTo(1);
        assertThat(noSlurm.errorLines()).singleElement().asString()
                .contains("--slurm needs Slurm's sbatch, squeue, scontrol on the PATH");

        assertThat(camp).doesNotExist();
        assertThat(db).doesNotExist();
        assertThat(notAStore.toFile().list()).containsExactly("notes.txt");
    }

    private static void oneLine(Cli.Outcome o, int status, String... parts) {
        assertThat(o.status()).as(o.err()).isEqualTo(status);
        List<String> lines = o.errorLines();
        assertThat(lines).as(o.err()).hasSize(1);
        assertThat(lines.getFirst()).startsWith("shimscope: ").contains(parts);
    }
}
