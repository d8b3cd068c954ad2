package dev.shimscope.campaign;

import dev.shimscope.io.OwnerLock;
import dev.shimscope.store.ResultStore;
import dev.shimscope.store.RunImport;
import dev.shimscope.store.StoredRun;
import dev.shimscope.workload.Packages;
import dev.shimscope.workload.Preparation;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Explores many workloads: each entry becomes a task that runs {@code explore} into a directory
 * of its own ({@link TaskDir}), on this machine ({@code atOnce} at a time) or on Slurm as a job
 * array; then one merge step copies every task's result into the campaign's store, one commit
 * per result, and only the merger ever takes the store's lock. With a split, one exploration is
 * spread over the cluster instead: a setup job (baseline and trace), an array of shards (each a
 * share of the syscall experiments) that starts when the setup succeeded, then, from their merged
 * journal, an array of shards of the experiments below the syscall (which follow from the
 * verdicts), then the plan, here.
 *
 * <p>Resumable: an entry whose result is stored with the same spec hash and tool version is left
 * alone; a task that finished but was not merged is merged; an interrupted task resumes its
 * journal; Slurm jobs of an earlier coordinator that are still queued are waited for, not
 * submitted again. {@code retryFailed} runs only the entries whose task did not succeed.
 * Everything is checked by {@link #prepare} before anything runs or is written.
 */
public final class Campaign {

    /** Where the tasks run. */
    public enum Engine { LOCAL, SLURM }

    /**
     * @param atOnce      tasks at a time (local), the array's throttle (Slurm; 0: none)
     * @param split       for one entry on Slurm: the number of shards of its experiments (null: no split)
     * @param exploreArgs options given to every exploration
     * @param sbatchArgs  options given to every sbatch (partition, time limit, ...)
     */
    public record Options(Engine engine, int atOnce, Integer split, boolean retryFailed, List<String> exploreArgs,
                          List<String> sbatchArgs) {
        public Options {
            exploreArgs = List.copyOf(exploreArgs);
            sbatchArgs = List.copyOf(sbatchArgs);
            if (split != null && (engine != Engine.SLURM || split < 1)) {
                throw new IllegalArgumentException("a split exploration runs on Slurm, in at least one shard");
            }
        }
    }

    /**
     * Explorations at a time on this machine when not told: two, and one more per 8 CPUs above
     * 16. Each exploration already runs its experiments in parallel and backs off while others
     * use the CPUs; what a second one adds is work for the CPUs an exploration leaves idle in its
     * sequential steps (JVM start, the traced run, confirmations run alone, the plan's passes).
     * More at once only makes the timing-sensitive runs of all of them slower.
     */
    public static int defaultLocalAtOnce() {
        return Math.max(2, Runtime.getRuntime().availableProcessors() / 8);
    }

    private final CampaignDir dir;
    private final Path storeDir;
    private final List<CampaignEntry> entries;
    private final Options options;
    private final Slurm slurm;

    private Campaign(CampaignDir dir, Path storeDir, List<CampaignEntry> entries, Options options, Slurm slurm) {
        this.dir = dir;
        this.storeDir = storeDir;
        this.entries = List.copyOf(entries);
        this.options = options;
        this.slurm = slurm;
    }

    /**
     * Checks what can be checked before anything runs or is written: the store can take the
     * results, the campaign directory can be used, Slurm's commands are there and its controller
     * answers. Each problem is one line ({@link IllegalArgumentException}).
     */
    public static Campaign prepare(Path campaignDir, Path storeDir, List<CampaignEntry> entries, Options options)
            throws IOException {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a campaign needs at least one entry");
        }
        if (options.split() != null && entries.size() != 1) {
            throw new IllegalArgumentException("a split spreads one exploration over the cluster: name exactly one entry");
        }
        ResultStore.checkCanSave(storeDir);
        CampaignDir.checkUsable(campaignDir);
        Slurm slurm = options.engine() == Engine.SLURM ? Slurm.find() : null;
        return new Campaign(new CampaignDir(campaignDir), storeDir, entries, options, slurm);
    }

    public Path dir() {
        return dir.dir();
    }

    /** Slurm jobs this campaign submitted that were not yet seen to end (for a message when it is stopped). */
    public List<String> pendingJobs() {
        try {
            return dir.jobs();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Runs the campaign; {@code log} receives what package installation and preparation print. */
    @SuppressWarnings("try")
    public CampaignOutcome run(CampaignListener listener, PrintWriter log) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        try (OwnerLock lock = dir.lock()) {
            dir.writeManifest(new CampaignDir.Manifest(entries.stream().map(CampaignEntry::target).toList(), options.split()));
            awaitEarlierJobs(listener);
            List<StoredRun> stored = Files.isDirectory(storeDir) && Files.exists(storeDir.resolve(ResultStore.MARKER))
                    ? ResultStore.open(storeDir).read().runs() : List.of();
            List<CampaignOutcome.EntryOutcome> outcomes = options.split() == null
                    ? runEntries(stored, listener, log) : List.of(runSplit(entries.getFirst(), stored, listener, log));
            return new CampaignOutcome(storeDir.toAbsolutePath().normalize(), dir.dir(), outcomes,
                    Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    private void awaitEarlierJobs(CampaignListener listener) throws IOException, InterruptedException {
        List<String> earlier = dir.jobs();
        if (earlier.isEmpty()) {
            return;
        }
        Slurm s = slurm;
        if (s == null) {
            try {
                s = Slurm.find();
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("Slurm jobs " + String.join(", ", earlier) + " of an earlier run of the campaign "
                        + dir.dir() + " may still be queued, and Slurm cannot be asked (" + e.getMessage() + ")");
            }
        }
        new SlurmTasks(s, dir, 0, List.of(), listener).awaitEarlier(earlier);
    }

    // ---- a campaign of entries ----

    private enum Plan { STORED, MERGE, RUN, LEAVE }

    private List<CampaignOutcome.EntryOutcome> runEntries(List<StoredRun> stored, CampaignListener listener, PrintWriter log)
            throws IOException, InterruptedException {
        List<Plan> plans = new ArrayList<>();
        List<Task> toRun = new ArrayList<>();
        List<Task> all = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            CampaignEntry e = entries.get(i);
            TaskDir td = dir.task(e);
            Task task = new Task(i, e.label(), td, e.spec().file().toAbsolutePath(), List.of(), null);
            all.add(task);
            if (Stored.matching(stored, e).isPresent()) {
                plans.add(Plan.STORED);
                continue;
            }
            td.claim(e.specSha256());
            if (td.result(e).isPresent()) {
                plans.add(Plan.MERGE);
            } else if (options.retryFailed() && !td.state().unsuccessful()) {
                plans.add(Plan.LEAVE);
            } else {
                plans.add(Plan.RUN);
                toRun.add(task);
            }
        }
        listener.on(new CampaignEvent.Planned(entries.size(), count(plans, Plan.STORED), count(plans, Plan.MERGE),
                toRun.size(), count(plans, Plan.LEAVE), where()));
        if (!toRun.isEmpty()) {
            TaskScript.write(dir.script(), dir.dir(), Launcher.command(dir.toolDir()), options.exploreArgs(), all);
            if (options.engine() == Engine.LOCAL) {
                // once, here: explorations side by side would race for apt's lock and the cache
                for (Task t : toRun) {
                    Packages.ensureInstalled(entries.get(t.number()).spec(), log);
                    Preparation.ensurePrepared(entries.get(t.number()).spec(), log);
                }
                new LocalTasks(dir.script(), options.atOnce(), listener).run(toRun);
            } else {
                SlurmTasks tasks = new SlurmTasks(slurm, dir, options.atOnce(), options.sbatchArgs(), listener);
                String job = tasks.submitArray(toRun, null, toRun.size() == 1 ? toRun.getFirst().label()
                        : toRun.size() + " explorations");
                tasks.await(List.of(job), toRun);
            }
        }
        // the merge: the only writer of the campaign's store, one commit per result
        List<CampaignOutcome.EntryOutcome> outcomes = new ArrayList<>();
        ResultStore store = null;
        for (int i = 0; i < entries.size(); i++) {
            CampaignEntry e = entries.get(i);
            TaskDir td = all.get(i).dir();
            switch (plans.get(i)) {
                case STORED -> outcomes.add(new CampaignOutcome.EntryOutcome(e, CampaignOutcome.Result.ALREADY_STORED,
                        Stored.matching(stored, e).orElseThrow(), null, List.of()));
                case LEAVE -> outcomes.add(new CampaignOutcome.EntryOutcome(e, CampaignOutcome.Result.LEFT_ALONE, null,
                        null, List.of()));
                case MERGE, RUN -> {
                    Optional<StoredRun> result = td.result(e);
                    if (result.isPresent()) {
                        store = store != null ? store : ResultStore.openOrCreate(storeDir);
                        outcomes.add(merge(store, e.label(), e, result.get(), listener));
                    } else {
                        outcomes.add(failed(e, td));
                    }
                }
            }
        }
        return outcomes;
    }

    private CampaignOutcome.EntryOutcome merge(ResultStore store, String label, CampaignEntry e, StoredRun result,
                                               CampaignListener listener) throws IOException {
        RunImport imported = store.importRun(result.dir());
        listener.on(new CampaignEvent.Merged(label, imported.stored(), imported.added()));
        return new CampaignOutcome.EntryOutcome(e, CampaignOutcome.Result.STORED, imported.stored(), null, List.of());
    }

    private static CampaignOutcome.EntryOutcome failed(CampaignEntry e, TaskDir td) {
        return failed(e, List.of(td), td.state().describe());
    }

    private static CampaignOutcome.EntryOutcome failed(CampaignEntry e, List<TaskDir> parts, String what) {
        List<String> tail = parts.getFirst().logTail(1);
        String reason = what + (tail.isEmpty() ? "" : ": " + tail.getFirst());
        List<Path> logs = parts.stream().map(p -> Files.exists(p.log()) ? p.log() : p.scriptOutput()).toList();
        return new CampaignOutcome.EntryOutcome(e, CampaignOutcome.Result.FAILED, null, reason, logs);
    }

    // ---- one exploration split over the cluster ----

    private CampaignOutcome.EntryOutcome runSplit(CampaignEntry e, List<StoredRun> stored, CampaignListener listener,
                                                  PrintWriter log) throws IOException, InterruptedException {
        Optional<StoredRun> already = Stored.matching(stored, e);
        if (already.isPresent()) {
            listener.on(new CampaignEvent.Planned(1, 1, 0, 0, 0, where()));
            return new CampaignOutcome.EntryOutcome(e, CampaignOutcome.Result.ALREADY_STORED, already.get(), null, List.of());
        }
        int n = options.split();
        TaskDir root = dir.task(e);
        root.claim(e.specSha256());
        Path spec = e.spec().file().toAbsolutePath();
        Task setup = new Task(0, e.label() + " setup", new TaskDir(root.dir().resolve("setup")), spec,
                List.of("--shard", "setup"), null);
        List<Task> shards = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            shards.add(new Task(i + 1, e.label() + " shard " + (i + 1) + "/" + n,
                    new TaskDir(root.dir().resolve("shard-" + (i + 1) + "-of-" + n)), spec,
                    List.of("--shard", i + "/" + n), setup.dir().journal()));
        }
        // below the syscall: from the journal of every syscall experiment (merged here in between)
        boolean features = !options.exploreArgs().contains("--no-features");
        Path syscallsMerged = root.dir().resolve("syscalls-merged").resolve("journal");
        List<Task> featureShards = new ArrayList<>();
        for (int i = 0; features && i < n; i++) {
            featureShards.add(new Task(n + 2 + i, e.label() + " features shard " + (i + 1) + "/" + n,
                    new TaskDir(root.dir().resolve("features-" + (i + 1) + "-of-" + n)), spec,
                    List.of("--shard", "features:" + i + "/" + n), syscallsMerged));
        }
        Task finish = new Task(n + 1, e.label() + " plan", new TaskDir(root.dir().resolve("finish")), spec, List.of(), null);
        List<Task> all = new ArrayList<>(List.of(setup));
        all.addAll(shards);
        all.add(finish);
        all.addAll(featureShards);

        if (finish.dir().result(e).isEmpty()) {
            listener.on(new CampaignEvent.Planned(1, 0, 0, 1, 0, where() + ", split into " + n + " shards"));
            // the plan runs here: its packages must be here before the cluster's work starts
            Packages.ensureInstalled(e.spec(), log);
            Preparation.ensurePrepared(e.spec(), log);
            boolean setupDone = done(setup);
            if (!setupDone) {
                // shards and plan of an earlier setup would not match a new baseline and trace
                for (Path p : listDirs(root.dir())) {
                    if (!p.equals(setup.dir().dir())) {
                        TaskDir.deleteTree(p);
                    }
                }
            }
            // one script for every stage: the tasks here and the plan's, on the cluster and here
            TaskScript.write(dir.script(), dir.dir(), Launcher.command(dir.toolDir()), options.exploreArgs(), all);
            SlurmTasks tasks = new SlurmTasks(slurm, dir, options.atOnce(), options.sbatchArgs(), listener);
            List<Task> shardsToRun = shards.stream().filter(s -> !done(s)).toList();
            if (!setupDone || !shardsToRun.isEmpty()) {
                List<String> jobs = new ArrayList<>();
                List<Task> submitted = new ArrayList<>();
                String setupJob = null;
                if (!setupDone) {
                    setupJob = tasks.submitOne(setup, e.label() + ": baseline and trace");
                    jobs.add(setupJob);
                    submitted.add(setup);
                }
                if (!shardsToRun.isEmpty()) {
                    jobs.add(tasks.submitArray(shardsToRun, setupJob, e.label() + ": " + shardsToRun.size()
                            + " shards of the experiments"));
                    submitted.addAll(shardsToRun);
                }
                tasks.await(jobs, submitted);
            }
            if (!done(setup)) {
                return failed(e, List.of(setup.dir()), "its setup (baseline and trace) " + setup.dir().state().describe());
            }
            Optional<CampaignOutcome.EntryOutcome> shardsFailed = notAllSucceeded(e, shards, "shards");
            if (shardsFailed.isPresent()) {
                return shardsFailed.get();
            }
            List<Path> shardJournals = new ArrayList<>(shards.stream().map(s -> s.dir().journal()).toList());
            if (features) {
                List<Task> toRun = featureShards.stream().filter(s -> !done(s)).toList();
                if (!toRun.isEmpty()) {
                    int syscallExperiments = JournalMerge.merge(setup.dir().journal(), shardJournals, syscallsMerged);
                    listener.on(new CampaignEvent.JournalsMerged(e.label(), syscallExperiments, true));
                    String job = tasks.submitArray(toRun, null, e.label() + ": " + toRun.size()
                            + " shards of the experiments below the syscall");
                    tasks.await(List.of(job), toRun);
                }
                Optional<CampaignOutcome.EntryOutcome> featureShardsFailed =
                        notAllSucceeded(e, featureShards, "shards below the syscall");
                if (featureShardsFailed.isPresent()) {
                    return featureShardsFailed.get();
                }
                // each one's journal began as the merged one: the merge keeps each experiment line once
                featureShards.forEach(s -> shardJournals.add(s.dir().journal()));
            }
            int experiments = JournalMerge.merge(setup.dir().journal(), shardJournals, finish.dir().journal());
            listener.on(new CampaignEvent.JournalsMerged(e.label(), experiments, false));
            new LocalTasks(dir.script(), 1, listener).run(List.of(finish));
        }
        Optional<StoredRun> result = finish.dir().result(e);
        if (result.isEmpty()) {
            return failed(e, List.of(finish.dir()), "its plan " + finish.dir().state().describe());
        }
        return merge(ResultStore.openOrCreate(storeDir), e.label(), e, result.get(), listener);
    }

    /** The entry's failure when some of {@code parts} (shards of one stage) did not succeed: the first one's state says why. */
    private static Optional<CampaignOutcome.EntryOutcome> notAllSucceeded(CampaignEntry e, List<Task> parts, String what) {
        List<Task> failed = parts.stream().filter(t -> !done(t)).toList();
        if (failed.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(failed(e, failed.stream().map(Task::dir).toList(), failed.size() + " of " + parts.size() + " "
                + what + " did not succeed (" + failed.getFirst().label() + ": " + failed.getFirst().dir().state().describe() + ")"));
    }

    /** A setup or shard that succeeded and left its journal. */
    private static boolean done(Task t) {
        return t.dir().state().kind() == TaskState.Kind.SUCCEEDED && Files.isRegularFile(t.dir().journal());
    }

    private static List<Path> listDirs(Path root) throws IOException {
        try (var s = Files.list(root)) {
            return s.filter(Files::isDirectory).toList();
        }
    }

    private String where() {
        return options.engine() == Engine.LOCAL ? "on this machine, " + options.atOnce() + " at a time"
                : "on Slurm" + (options.atOnce() > 0 ? ", at most " + options.atOnce() + " at a time" : "");
    }

    private static int count(List<Plan> plans, Plan p) {
        return (int) plans.stream().filter(x -> x == p).count();
    }
}
