package dev.shimscope.explore;

import dev.shimscope.model.ArgumentVerdict;
import dev.shimscope.model.FileVerdict;
import dev.shimscope.model.RunRecord;
import dev.shimscope.model.ShimConfiguration.PathRule;
import dev.shimscope.model.ShimConfiguration.PathTreatment;
import dev.shimscope.model.ShimConfiguration;
import dev.shimscope.model.Treatment;
import dev.shimscope.model.Verdict;
import dev.shimscope.sandbox.SeccompFilter;
import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.trace.TraceResult;
import dev.shimscope.workload.RunScheduler;
import dev.shimscope.workload.WorkloadOutcome;
import dev.shimscope.workload.WorkloadRunner;
import dev.shimscope.workload.WorkloadSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Explores one application under one workload: which used syscalls can be stubbed (-ENOSYS),
 * which faked (0), which must be implemented; then finds a verified, minimal shim plan.
 *
 * <p>Steps: the unaltered workload must pass {@code baselineRuns} times (at least one run per
 * job, all at once, so that its times include the contention of the experiments); one traced run
 * gives the used set; then every used syscall is stubbed in one run and faked in another, at most
 * {@code jobs} runs at a time (fewer while the machine's CPU pressure is high: {@link RunScheduler}),
 * each in its own sandbox. A run that fails is repeated until it has {@code replicas} runs;
 * outcomes the machine's load may have caused (replicas that disagree, failures of runs starved
 * of CPU) are run again with the machine to themselves, and those runs decide; only replicas that
 * still disagree make a syscall FLAKY. Time limits come from the baseline and count effective time
 * (a starved run is slower, not failed). Finally {@link PlanSearch} builds the shim plan from the
 * verdicts and verifies it the way an OS would run it.
 *
 * <p>Everything it does goes to an {@link ExploreListener} as {@link ExploreEvent}s; finished work
 * is kept in a {@link Journal} so that an interrupted exploration resumes where it stopped.
 */
public final class Explorer {

    /**
     * @param jobs         most runs at a time
     * @param replicas     runs of an experiment whose first run failed (at least 1)
     * @param baselineRuns runs of the unaltered workload that must all pass
     * @param planPasses   consecutive passes that verify the joint configuration
     * @param adaptive     run fewer at once while other work uses the machine's CPUs
     * @param allTests     for a suite made of tests: every experiment runs all of them (no selection)
     */
    public record Options(int jobs, int replicas, int baselineRuns, int planPasses, boolean adaptive,
                          boolean allTests, Shard shard, boolean features) {
        public Options(int jobs, int replicas, int baselineRuns, int planPasses, boolean adaptive,
                       boolean allTests, Shard shard) {
            this(jobs, replicas, baselineRuns, planPasses, adaptive, allTests, shard, true);
        }

        public Options {
            if (jobs < 1 || replicas < 1 || baselineRuns < 1 || planPasses < 1) {
                throw new IllegalArgumentException("jobs, replicas, baseline runs and plan passes must be at least 1");
            }
        }

        public Options(int jobs, int replicas, int baselineRuns, int planPasses, boolean adaptive, boolean allTests) {
            this(jobs, replicas, baselineRuns, planPasses, adaptive, allTests, null);
        }

        public Options(int jobs, int replicas, int baselineRuns, int planPasses, boolean adaptive) {
            this(jobs, replicas, baselineRuns, planPasses, adaptive, false, null);
        }

        /** The same options for one shard of the experiments. */
        public Options withShard(Shard s) {
            return new Options(jobs, replicas, baselineRuns, planPasses, adaptive, allTests, s, features);
        }

        /** The same options with or without the argument values and files explored one by one. */
        public Options withFeatures(boolean f) {
            return new Options(jobs, replicas, baselineRuns, planPasses, adaptive, allTests, shard, f);
        }

        public Options(int jobs, int replicas, int baselineRuns, int planPasses) {
            this(jobs, replicas, baselineRuns, planPasses, true, false);
        }

        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors(), 2, 3, 3, true, false);
        }
    }

    /**
     * One of {@code count} disjoint shares of the experiments (the {@code index}-th, from 0), for
     * explorations spread over several machines: a shard runs its experiments into its journal and
     * stops there; once every shard's journal is merged into one, a resumed exploration has every
     * experiment and goes on to the plan exactly as a local one. Experiments are dealt out in
     * order (the i-th used syscall's stub and fake to shard i mod count; below the syscall, the
     * i-th experiment), so shards are balanced and the same everywhere. A shard of the syscalls
     * runs syscall experiments; a shard of the features ({@code features:I/N}) runs experiments
     * below the syscall (argument values, files), which follow from the verdicts: it starts from
     * a journal that has every syscall experiment (the syscall shards' merged) and refuses one
     * that lacks any.
     */
    public record Shard(int index, int count, boolean features) {
        public Shard {
            if (count < 1 || index < 0 || index >= count) {
                throw new IllegalArgumentException("a shard is I/N with 0 <= I < N, not " + index + "/" + count);
            }
        }

        public Shard(int index, int count) {
            this(index, count, false);
        }

        public static Shard parse(String text) {
            var m = java.util.regex.Pattern.compile("(features:)?(\\d{1,6})/(\\d{1,6})").matcher(text.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("--shard must be I/N or features:I/N (e.g. 0/4), not '" + text + "'");
            }
            return new Shard(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(1) != null);
        }

        boolean owns(int position) {
            return position % count == index;
        }

        /** The setup shard: baseline and trace into the journal, no experiment (count 0 of the shards). */
        public static final Shard SETUP = new Shard(0, 1, false, true);

        private Shard(int index, int count, boolean features, boolean setup) {
            this(index, count, features);
        }

        public boolean setupOnly() {
            return this == SETUP;
        }

        @Override
        public String toString() {
            return this == SETUP ? "setup" : (features ? "features:" : "") + index + "/" + count;
        }
    }

    /** What a shard did: its experiments are in the journal; there is no plan. */
    public static final class ShardFinished extends RuntimeException {
        private final int experiments;

        ShardFinished(int experiments) {
            super("shard finished: " + experiments + " experiments recorded in the journal");
            this.experiments = experiments;
        }

        public int experiments() {
            return experiments;
        }
    }

    /** The exploration cannot go on (baseline fails, trace fails): the message says why. */
    public static final class ExplorationException extends RuntimeException {
        private final Reason reason;

        public ExplorationException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }

        /** Which check stopped the exploration: the hint a user gets depends on it. */
        public enum Reason {
            /** The unaltered workload failed. */
            BASELINE,
            /** The workload failed under strace, or strace saw nothing. */
            TRACE,
            /** A shard cannot run from the journal it was given. */
            SHARD
        }
    }

    /** A failed run whose processes waited for a CPU for more than this share of its time may have failed of load. */
    static final double STARVED_SHARE = 0.25;
    /**
     * Traced runs of a workload that is not made of tests, in parallel beside the baseline: the
     * syscalls explored are those any of them made (one trace missed calls that timing makes:
     * python3's script traced restart_syscall and kill in one campaign and not in the next).
     */
    static final int TRACES = 2;
    /** Runs, not starved, that confirm an outcome load may have caused. */
    static final int CONFIRMATION_RUNS = 2;

    private final WorkloadRunner runner;
    private final SyscallTable table;
    private final Options options;
    private final ExploreListener listener;
    private final Journal journal;
    private final AtomicInteger runs = new AtomicInteger();
    private int resumedCount;

    public Explorer(WorkloadRunner runner, SyscallTable table, Options options, ExploreListener listener,
                    Journal journal) {
        this.runner = runner;
        this.table = table;
        this.options = options;
        this.journal = journal;
        this.listener = journal == null ? listener : ExploreListener.all(List.of(journal, listener));
    }

    private boolean impacts = true;
    /** The impact analysis of this exploration (null without: see {@link #withoutImpacts}). */
    private ImpactAnalysis impact;

    /** This explorer without the impact analysis: no run alone beyond the verdicts' confirmations. */
    public Explorer withoutImpacts() {
        impacts = false;
        return this;
    }

    /**
     * The most experiments confirmed alone: six, and one more per ten used syscalls (each costs one
     * to {@value ImpactAnalysis#CONFIRM_ROUNDS} runs alone; screening rarely flags more).
     */
    static int maxImpactCandidates(int usedSyscalls) {
        return 6 + usedSyscalls / 10;
    }

    public Exploration explore(Map<String, String> environment) throws InterruptedException {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        WorkloadSpec spec = runner.spec();
        runner.check();
        try (RunScheduler scheduler = new RunScheduler(options.jobs(),
                options.adaptive() ? runner.sandbox().cpuMicrosOfRuns() : null)) {
            scheduler.onConcurrencyChange(k -> listener.on(new ExploreEvent.ConcurrencyChanged(k)));
            List<RunRecord> baseline;
            TimeLimits limits;
            Traced traced;
            TestIndex index = null;
            if (spec.tests() != null) {
                TestsSetup setup = testsSetup(scheduler);
                baseline = setup.baseline();
                traced = setup.traced();
                index = setup.index();
                limits = new TimeLimits(null, index.limitFor(index.tests(), spec.test().timeout()), null);
                listener.on(new ExploreEvent.BaselineFinished(baseline, limits));
            } else {
                // the trace runs beside the baseline (one of the K slots): neither depends on the other
                CompletableFuture<Traced> tracing = CompletableFuture.supplyAsync(() -> {
                    try {
                        return trace(scheduler);
                    } catch (InterruptedException e) {
                        throw new CompletionException(e);
                    }
                }, runnable -> Thread.ofVirtual().start(runnable));
                try {
                    baseline = baseline(scheduler);
                } catch (RuntimeException | InterruptedException e) {
                    tracing.cancel(true);
                    throw e;
                }
                limits = TimeLimits.fromBaseline(baseline, spec);
                listener.on(new ExploreEvent.BaselineFinished(baseline, limits));
                try {
                    traced = tracing.join();
                } catch (CompletionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    if (e.getCause() instanceof InterruptedException ie) {
                        throw ie;
                    }
                    throw e;
                }
            }
            if (options.shard() != null && options.shard().setupOnly()) {
                throw new ShardFinished(0);
            }
            impact = impacts && index == null && options.shard() == null ? new ImpactAnalysis(spec, scheduler, listener,
                    this::run, baseline, maxImpactCandidates(traced.used().size())) : null;
            List<SyscallResult> verdicts = experiments(scheduler, traced.used(), limits, baseline, index);
            if (options.shard() != null && !options.shard().features()) {
                throw new ShardFinished(verdicts.size());
            }
            if (options.shard() != null && verdicts.size() < traced.used().size()) {
                throw new ExplorationException(ExplorationException.Reason.SHARD, "the shard " + options.shard()
                        + " of the features needs every syscall's verdict, and its journal has "
                        + verdicts.size() + " of " + traced.used().size() + ": start it from the merged journal of"
                        + " the syscall shards");
            }
            if (options.shard() != null && !options.features()) {
                throw new ShardFinished(0);
            }
            Features features = options.features() ? features(scheduler, traced.features(), verdicts, limits, baseline, index)
                    : Features.NONE;
            WorkloadRunner.Options planBase = WorkloadRunner.Options.plain().withTests(index == null ? null : index.all());
            // impacts (issue 17): the experiments' costs before the plan (reported, not steering it:
            // they vary with the moment's runs, the plan must not), the plan's cost after it
            if (impact != null) {
                impact.experiments(verdicts, limits.apply(WorkloadRunner.Options.plain()));
            }
            PlanOutcome plan = new PlanSearch(runner, table, scheduler, listener, options.planPasses(), limits,
                    traced.limits(spec), this::run, planBase).search(verdicts, traced.launch());
            if (!features.values().isEmpty()) {
                plan = new PartialSupportSearch(scheduler, listener, options.planPasses(),
                        limits.times(TimeLimits.PLAN_FACTOR, spec), this::run, planBase, table).refine(plan, features.values());
            }
            if (impact != null && plan.plan().verified()) {
                // the final plan, its partial supports included
                WorkloadRunner.Options alone = limits.times(TimeLimits.PLAN_FACTOR, spec).apply(planBase);
                impact.planCost(alone, alone.withFilter(SeccompFilter.of(plan.plan().closedWorld(table.require("execve")))),
                        options.planPasses());
            }
            return new Exploration(spec, environment, baseline, limits, verdicts, plan, traced.args(), runs.get(),
                    resumedCount, scheduler.meanLimit(), started, Duration.ofNanos(System.nanoTime() - t0), index,
                    features.values(), features.files(), features.notExplored(),
                    impact == null ? null : impact.result(), impact == null ? null : impact.controls());
        }
    }

    // ---- baseline ----

    private List<RunRecord> baseline(RunScheduler scheduler) throws InterruptedException {
        if (journal != null && journal.baseline() != null) {
            return journal.baseline();
        }
        // at least one run per job, all at once: the time limits derived from the baseline must hold
        // when K runs compete for the CPUs, as the experiments will
        int count = Math.max(options.baselineRuns(), options.jobs());
        listener.on(new ExploreEvent.PhaseStarted(ExploreEvent.Phase.BASELINE, count));
        List<Callable<WorkloadOutcome>> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tasks.add(() -> run(WorkloadRunner.Options.plain()));
        }
        List<RunRecord> records = new ArrayList<>();
        for (WorkloadOutcome o : scheduler.invokeAll(tasks)) {
            if (!o.passed()) {
                throw new ExplorationException(ExplorationException.Reason.BASELINE, "the workload "
                        + runner.spec().id() + " fails without any filter (" + o.failure() + ") in " + count
                        + " runs at once; fix the spec or the environment first"
                        + (options.jobs() > 1 ? ", or run fewer at once (--jobs)" : "") + outputHint(o));
            }
            records.add(o.record());
        }
        return records;
    }

    /** The last lines of the test's and the server's output, for a failure message. */
    static String outputHint(WorkloadOutcome o) {
        String tail = (o.testOutputTail() + "\n" + o.serverOutputTail()).strip();
        if (tail.isEmpty()) {
            return "";
        }
        List<String> lines = tail.lines().toList();
        return "; last output: " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }

    // ---- trace ----

    /** What the traced run found; {@code run} is null when the trace came from a journal. */
    private record Traced(List<UsedSyscall> used, SortedMap<String, SortedMap<String, SortedMap<String, Long>>> args,
                          Map<Integer, Long> launch, RunRecord run, FeatureUse features) {

        /** Limits for traced runs of the plan: from this run's times (strace's slowdown included). */
        TimeLimits limits(WorkloadSpec spec) {
            return run == null ? TimeLimits.ofSpec(spec) : TimeLimits.fromBaseline(List.of(run), spec).times(2, spec);
        }
    }

    private Traced trace(RunScheduler scheduler) throws InterruptedException {
        if (journal != null && journal.used() != null) {
            return new Traced(journal.used(), journal.usedArgs(), Map.of(table.require("execve").number(), 1L), null,
                    journal.features());
        }
        listener.on(new ExploreEvent.PhaseStarted(ExploreEvent.Phase.TRACE, TRACES));
        // strace slows a workload down several times: the traced runs get the spec's own limits
        List<Callable<WorkloadOutcome>> tracing = new ArrayList<>();
        for (int i = 0; i < TRACES; i++) {
            tracing.add(() -> run(TimeLimits.ofSpec(runner.spec()).apply(WorkloadRunner.Options.traced())));
        }
        List<WorkloadOutcome> outcomes = scheduler.invokeAll(tracing);
        for (WorkloadOutcome o : outcomes) {
            if (!o.passed()) {
                throw new ExplorationException(ExplorationException.Reason.TRACE, "the workload " + runner.spec().id()
                        + " fails when traced with strace (" + o.failure() + ")" + outputHint(o));
            }
        }
        // what any of the traces saw: a call that timing makes (a signal that interrupts a sleep:
        // restart_syscall; a thread that exits before or after the process) counts once seen;
        // each count is the larger of the traces' (a count of calls stays that of one run)
        SortedMap<Syscall, UsedSyscall> byCall = new TreeMap<>();
        SortedMap<String, SortedMap<String, SortedMap<String, Long>>> args = new TreeMap<>();
        SortedSet<Syscall> all = new TreeSet<>();
        Map<Integer, Long> launch = new TreeMap<>();
        FeatureUse features = FeatureUse.none();
        for (WorkloadOutcome o : outcomes) {
            TraceResult t = o.trace();
            for (TraceResult.SyscallUse u : t.applicationSyscalls()) {
                byCall.merge(u.syscall(), new UsedSyscall(u.syscall(), u.calls(), u.alwaysZero()),
                        (a, b) -> new UsedSyscall(a.syscall(), Math.max(a.calls(), b.calls()), a.alwaysZero() && b.alwaysZero()));
                u.args().forEach((arg, values) -> values.forEach((value, n) -> args.computeIfAbsent(u.name(), k -> new TreeMap<>())
                        .computeIfAbsent(arg, k -> new TreeMap<>()).merge(value, n, Math::max)));
            }
            t.syscalls().forEach(u -> all.add(u.syscall()));
            t.launchCalls().forEach((nr, n) -> launch.merge(nr, n, Math::max));
            features = features.either(featuresOf(t));
        }
        List<UsedSyscall> used = new ArrayList<>(byCall.values());
        // calls made only by the tracer's exec of the program: an OS starts an application without
        // them, and a filter that stubs them would stop the launch, not test the application
        List<Syscall> launchOnly = all.stream().filter(s -> !byCall.containsKey(s)).toList();
        if (used.isEmpty()) {
            throw new ExplorationException(ExplorationException.Reason.TRACE, "the trace of " + runner.spec().id()
                    + " shows no syscalls" + (runner.spec().only() != null ? " made by " + runner.spec().only()
                    + " (check 'only')" : ""));
        }
        listener.on(new ExploreEvent.TraceFinished(used, launchOnly));
        if (journal != null) {
            journal.recordArgs(args);
            journal.recordFeatures(features);
        }
        // the slower traced run sets the limits of the plan's traced runs
        RunRecord slowest = outcomes.stream().map(WorkloadOutcome::record)
                .max(Comparator.comparingLong(RunRecord::millis)).orElseThrow();
        return new Traced(used, args, launch, slowest, features);
    }

    /** The argument values and files of one trace, names folded ({@link FileSelection}). */
    private FeatureUse featuresOf(TraceResult t) {
        SortedMap<Syscall, SortedMap<dev.shimscope.syscall.args.ArgumentValue, Long>> values = new TreeMap<>();
        for (TraceResult.SyscallUse u : t.applicationSyscalls()) {
            if (!u.values().isEmpty()) {
                values.put(u.syscall(), u.values());
            }
        }
        FileSelection names = new FileSelection(runner.spec().dir(), runner.cache());
        SortedMap<String, FeatureUse.PathSeen> paths = new TreeMap<>();
        for (TraceResult.PathUse p : t.paths()) {
            String reported = names.reported(p.path());
            if (reported != null) {
                paths.merge(reported, new FeatureUse.PathSeen(p.path(), p.opened() + p.failed(), p.failed()),
                        FeatureUse.PathSeen::plus);
            }
        }
        return new FeatureUse(values, paths, new TreeMap<>());
    }

    // ---- a suite made of tests ----

    private record TestsSetup(List<RunRecord> baseline, Traced traced, TestIndex index) {
    }

    /**
     * Each test of the suite alone, once as it is and once traced, K at a time: the traces say
     * which test calls which syscall, the plain runs how long each takes (the limits of a
     * selection) and that it passes alone. A test that fails alone either way is left out, with
     * the reason; the rest are explored.
     */
    private TestsSetup testsSetup(RunScheduler scheduler) throws InterruptedException {
        WorkloadSpec spec = runner.spec();
        if (journal != null && journal.testIndex() != null && journal.baseline() != null && journal.used() != null) {
            return new TestsSetup(journal.baseline(), new Traced(journal.used(), journal.usedArgs(), Map.of(), null,
                    journal.features()), journal.testIndex());
        }
        List<String> ids = runner.listTests();
        listener.on(new ExploreEvent.PhaseStarted(ExploreEvent.Phase.BASELINE, 2 * ids.size()));
        List<Callable<WorkloadOutcome>> tasks = new ArrayList<>();
        WorkloadRunner.Options traced = TimeLimits.ofSpec(spec).apply(WorkloadRunner.Options.traced());
        for (String id : ids) {
            tasks.add(() -> run(WorkloadRunner.Options.plain().withTests(List.of(id))));
            tasks.add(() -> run(traced.withTests(List.of(id))));
        }
        List<WorkloadOutcome> outcomes = scheduler.invokeAll(tasks);
        List<String> included = new ArrayList<>();
        Map<String, SortedSet<Integer>> usedBy = new LinkedHashMap<>();
        Map<String, Long> millis = new LinkedHashMap<>();
        SortedMap<String, String> excluded = new TreeMap<>();
        List<RunRecord> baseline = new ArrayList<>();
        TreeMap<Integer, Long> calls = new TreeMap<>();
        SortedMap<String, SortedMap<String, SortedMap<String, Long>>> args = new TreeMap<>();
        FeatureUse features = FeatureUse.none();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            WorkloadOutcome plain = outcomes.get(2 * i);
            WorkloadOutcome tr = outcomes.get(2 * i + 1);
            if (!plain.passed()) {
                excluded.put(id, "fails alone without any filter: " + plain.failure());
                continue;
            }
            if (!tr.passed() || tr.trace() == null) {
                excluded.put(id, "fails alone under strace: " + tr.failure());
                continue;
            }
            included.add(id);
            baseline.add(plain.record());
            millis.put(id, plain.testMillis() >= 0 ? plain.testMillis() : plain.run().wallTime().toMillis());
            SortedSet<Integer> mine = new TreeSet<>();
            for (TraceResult.SyscallUse u : tr.trace().applicationSyscalls()) {
                mine.add(u.number());
                calls.merge(u.number(), u.calls(), Long::sum);
                u.args().forEach((label, values) -> values.forEach((v, n) -> args.computeIfAbsent(u.name(), k -> new TreeMap<>())
                        .computeIfAbsent(label, k -> new TreeMap<>()).merge(v, n, Long::sum)));
            }
            usedBy.put(id, mine);
            features = features.plus(featuresOf(tr.trace()), id);
        }
        if (included.isEmpty()) {
            throw new ExplorationException(ExplorationException.Reason.BASELINE, "no test of " + spec.id()
                    + " passes alone (" + excluded.values().iterator().next() + "); fix the spec or the environment first");
        }
        List<UsedSyscall> used = new ArrayList<>();
        calls.forEach((nr, n) -> used.add(new UsedSyscall(table.byNumber(nr), n)));
        TestIndex index = new TestIndex(included, usedBy, millis, excluded);
        listener.on(new ExploreEvent.TestsIndexed(index));
        listener.on(new ExploreEvent.TraceFinished(used, List.of()));
        if (journal != null) {
            journal.recordArgs(args);
            journal.recordFeatures(features);
        }
        return new TestsSetup(baseline, new Traced(used, args, Map.of(), null, features), index);
    }

    // ---- experiments ----

    private List<SyscallResult> experiments(RunScheduler scheduler, List<UsedSyscall> used, TimeLimits limits,
                                            List<RunRecord> baseline, TestIndex index) throws InterruptedException {
        List<Experiment> all = new ArrayList<>();
        java.util.Set<Syscall> indistinguishable = new java.util.HashSet<>();
        for (UsedSyscall u : used) {
            all.add(new Experiment(u.syscall(), Treatment.STUB));
            all.add(new Experiment(u.syscall(), Treatment.FAKE));
            if (u.fakeIndistinguishable()) {
                indistinguishable.add(u.syscall());
            }
        }
        Map<String, ExperimentResult> results = Collections.synchronizedMap(new LinkedHashMap<>());
        List<Experiment> todo = new ArrayList<>();
        // a shard of the features runs none: it takes them all from its journal
        boolean featureShard = options.shard() != null && options.shard().features();
        for (int i = 0; i < all.size(); i++) {
            Experiment e = all.get(i);
            boolean mine = options.shard() == null || (!featureShard && options.shard().owns(i / 2));
            if (!mine && !featureShard) {
                continue; // another shard's
            }
            if (e.treatment().kind() == Treatment.Kind.FAKE && indistinguishable.contains(e.syscall())) {
                results.put(e.key(), ExperimentResult.notDistinguishable(e));
                continue;
            }
            ExperimentResult done = journal == null ? null : journal.experiment(e);
            if (done != null) {
                results.put(e.key(), done);
                resumedCount++;
            } else if (mine) {
                todo.add(e);
            }
        }
        if (resumedCount > 0 || (journal != null && journal.baseline() != null)) {
            listener.on(new ExploreEvent.Resumed(journal.baseline() != null, journal.used() != null, resumedCount, all.size()));
        }
        listener.on(new ExploreEvent.PhaseStarted(ExploreEvent.Phase.EXPERIMENTS, all.size()));
        WorkloadRunner.Options timed = limits.apply(WorkloadRunner.Options.plain());
        // the impacts' reference: unaltered runs among the experiments, at their concurrency
        List<Callable<ExperimentResult>> controls = impact == null ? List.of()
                : impact.controlTasks(Math.clamp(options.jobs(), 3, 6), timed);
        runExperiments(scheduler, todo, resumedCount, all.size(), results, e -> experiment(e, timed, index), controls);
        confirm(scheduler, results, timed, baseline, index);
        List<SyscallResult> verdicts = new ArrayList<>();
        for (UsedSyscall u : used) {
            ExperimentResult stub = results.get(new Experiment(u.syscall(), Treatment.STUB).key());
            ExperimentResult fake = results.get(new Experiment(u.syscall(), Treatment.FAKE).key());
            if (stub == null || fake == null) {
                continue; // another shard's
            }
            verdicts.add(new SyscallResult(u.syscall(), u.calls(), ExperimentResult.verdict(stub, fake), stub, fake));
        }
        return verdicts;
    }

    /** An experiment's runs (the journal and the listener hear of its result). */
    @FunctionalInterface
    private interface ExperimentRuns {
        ExperimentResult run(Experiment e) throws InterruptedException;
    }

    /** {@code todo} K at a time, each result into {@code results} and reported as it finishes. */
    private void runExperiments(RunScheduler scheduler, List<Experiment> todo, int alreadyDone, int total,
                                Map<String, ExperimentResult> results, ExperimentRuns runs) throws InterruptedException {
        runExperiments(scheduler, todo, alreadyDone, total, results, runs, List.of());
    }

    /** The same, with {@code controls} (unaltered runs, the impacts' reference) interleaved among them. */
    private void runExperiments(RunScheduler scheduler, List<Experiment> todo, int alreadyDone, int total,
                                Map<String, ExperimentResult> results, ExperimentRuns runs,
                                List<Callable<ExperimentResult>> controls) throws InterruptedException {
        AtomicInteger done = new AtomicInteger(alreadyDone);
        List<Callable<ExperimentResult>> tasks = new ArrayList<>();
        for (Experiment e : todo) {
            tasks.add(() -> {
                ExperimentResult r = runs.run(e);
                results.put(e.key(), r);
                listener.on(new ExploreEvent.ExperimentFinished(r, done.incrementAndGet(), total));
                return r;
            });
        }
        if (!controls.isEmpty()) {
            tasks = ImpactAnalysis.interleave(tasks, controls);
        }
        scheduler.invokeAll(tasks);
    }

    /**
     * One experiment. Its first run and replicas are ordinary runs (the scheduler's slots are taken
     * by the task that runs them, one run at a time).
     */
    private ExperimentResult experiment(Experiment e, WorkloadRunner.Options timed, TestIndex index)
            throws InterruptedException {
        return experiment(e, timed, index, index == null ? null : index.selectionFor(e.syscall()));
    }

    /** One experiment; for a suite made of tests, {@code selection} is the tests it runs (all of them with --all-tests). */
    private ExperimentResult experiment(Experiment e, WorkloadRunner.Options timed, TestIndex index, List<String> selection)
            throws InterruptedException {
        WorkloadRunner.Options o = timed.configured(e.configuration());
        if (index != null) {
            // only the tests that called the syscall (or named the file): in the others the change never shows
            selection = options.allTests() ? index.tests() : selection;
            o = o.withTests(selection).withTimeouts(null, testsLimit(index, selection, e.path() != null));
        } else {
            selection = null;
        }
        List<RunRecord> records = runWithReplicas(o, index, e.path() != null);
        if (e.path() != null && records.stream().allMatch(r -> !r.passed() && r.timeLimit())) {
            // strace stops the run at every file call of every process it follows: a workload heavy
            // on files (sqlite3's suite) can outlast even twice the limit with no file missing at
            // all. A time limit says nothing about the file, so the runs are made again with a limit
            // four times longer, and those decide.
            WorkloadRunner.Options longer = o.withTimeouts(o.readyTimeout() == null ? null : o.readyTimeout().multipliedBy(4),
                    TimeLimits.min((o.testTimeout() != null ? o.testTimeout() : runner.spec().test().timeout()).multipliedBy(4),
                            runner.spec().test().timeout()));
            records = runWithReplicas(longer);
        }
        return new ExperimentResult(e, records, List.of(), selection);
    }

    /** A run, and while they fail, replicas up to {@code --replicas} runs in all. */
    private List<RunRecord> runWithReplicas(WorkloadRunner.Options o) throws InterruptedException {
        return runWithReplicas(o, null, false);
    }

    /**
     * The same; for a suite made of tests ({@code index} not null), the replicas of a failed run
     * run only the tests it failed, with their own time limit: the others passed under this very
     * configuration, and what a replica has to tell is whether the failures come again. A failure
     * no test is named for (the runner's own verdict, a crash before any test reported) reruns
     * the whole selection.
     */
    private List<RunRecord> runWithReplicas(WorkloadRunner.Options o, TestIndex index, boolean fileExperiment)
            throws InterruptedException {
        List<RunRecord> records = new ArrayList<>();
        WorkloadOutcome first = run(o);
        records.add(first.record());
        WorkloadRunner.Options replica = first.passed() ? o
                : failedTestsOnly(o, first.record().failedTests(), index, fileExperiment);
        for (int i = 1; i < options.replicas() && !first.passed(); i++) {
            records.add(run(replica).record());
        }
        return records;
    }

    /**
     * The tests the failed runs of {@code r} failed, all of them; null when one failed with no test
     * named (then nothing can be narrowed).
     */
    private static List<String> failedTestsOfRuns(ExperimentResult r) {
        java.util.SortedSet<String> all = new java.util.TreeSet<>();
        for (RunRecord x : r.runs()) {
            if (!x.passed()) {
                if (x.failedTests() == null || x.failedTests().isEmpty()) {
                    return null;
                }
                all.addAll(x.failedTests());
            }
        }
        return all.isEmpty() ? null : List.copyOf(all);
    }

    /** {@code o} narrowed to {@code failedTests} (see {@link #runWithReplicas}); {@code o} itself where it cannot be. */
    private WorkloadRunner.Options failedTestsOnly(WorkloadRunner.Options o, List<String> failedTests, TestIndex index,
                                                   boolean fileExperiment) {
        if (index == null || o.tests() == null || failedTests == null || failedTests.isEmpty()
                || !o.tests().containsAll(failedTests) || failedTests.size() == o.tests().size()) {
            return o;
        }
        // in the selection's order (the suite's): the same subset runs the same way every time
        List<String> subset = o.tests().stream().filter(failedTests::contains).toList();
        return o.withTests(subset).withTimeouts(o.readyTimeout(), testsLimit(index, subset, fileExperiment));
    }

    /** The time limit of a run of {@code tests} of a suite made of tests, within the spec's. */
    private Duration testsLimit(TestIndex index, List<String> tests, boolean fileExperiment) {
        Duration limit = index.limitFor(tests, runner.spec().test().timeout());
        if (fileExperiment) {
            // strace's path filter makes a run with a file missing slower (see fileTimed)
            limit = TimeLimits.min(limit.multipliedBy(FILE_LIMIT_FACTOR), runner.spec().test().timeout());
        }
        return limit;
    }

    /**
     * Runs again, on a machine that does not starve them, the experiments whose outcome the load
     * may have caused; their confirmation runs decide. A run starved longer than a quarter of its
     * time, or more than half again the worst baseline run's share, counts as starved.
     *
     * <p>Nothing else of the exploration runs meanwhile, and the confirmation runs go at most one
     * per CPU at a time: each has a CPU to itself unless other work takes it. A confirmation run
     * that still failed starved (of a kind load can cause) does not count and is made again alone.
     * So no confirmation is a starved failure, and on a quiet machine they do not queue one by one
     * (nginx: fourteen runs of three seconds each).
     */
    private void confirm(RunScheduler scheduler, Map<String, ExperimentResult> results, WorkloadRunner.Options timed,
                         List<RunRecord> baseline, TestIndex index) throws InterruptedException {
        double baselineShare = baseline.stream().filter(r -> r.stallMillis() >= 0)
                .mapToDouble(r -> (double) r.stallMillis() / Math.max(1, r.millis())).max().orElse(0);
        double starved = Math.max(STARVED_SHARE, 1.5 * baselineShare);
        List<ExperimentResult> suspects = new ArrayList<>();
        synchronized (results) {
            results.values().stream().filter(r -> r.needsConfirmation(starved)).forEach(suspects::add);
        }
        if (suspects.isEmpty()) {
            return;
        }
        // in number order, so the same suspects are confirmed the same way every time
        suspects.sort((a, b) -> a.experiment().key().compareTo(b.experiment().key()));
        listener.on(new ExploreEvent.PhaseStarted(ExploreEvent.Phase.CONFIRM, suspects.size()));
        List<WorkloadRunner.Options> options = new ArrayList<>();
        for (ExperimentResult r : suspects) {
            WorkloadRunner.Options base = r.experiment().path() != null ? fileTimed(timed) : timed;
            WorkloadRunner.Options all = r.tests() == null ? base.configured(r.experiment().configuration())
                    : base.configured(r.experiment().configuration()).withTests(r.tests());
            // for a suite, the tests that failed, as for a replica (the others passed under this configuration)
            options.add(failedTestsOnly(all, failedTestsOfRuns(r), index, r.experiment().path() != null));
        }
        // per suspect (by its index), its confirmation runs; open: the suspects not settled yet
        List<List<RunRecord>> confirmations = new ArrayList<>();
        suspects.forEach(r -> confirmations.add(new ArrayList<>()));
        List<Integer> open = java.util.stream.IntStream.range(0, suspects.size()).boxed().toList();
        for (int i = 0; i < CONFIRMATION_RUNS && !open.isEmpty(); i++) {
            List<RunRecord> got = unstarvedRuns(scheduler, open.stream().map(options::get).toList(), starved);
            List<Integer> next = new ArrayList<>();
            for (int j = 0; j < open.size(); j++) {
                int k = open.get(j);
                confirmations.get(k).add(got.get(j));
                // one run settles an outcome it agrees with (every earlier run failed, and so did
                // it); otherwise a second decides, and two that disagree make the syscall flaky
                boolean settled = i == 0 && suspects.get(k).runs().stream().noneMatch(RunRecord::passed)
                        && !got.get(j).passed();
                if (!settled) {
                    next.add(k);
                }
            }
            open = next;
        }
        for (int k = 0; k < suspects.size(); k++) {
            ExperimentResult r = suspects.get(k);
            ExperimentResult confirmed = r.withConfirmation(confirmations.get(k));
            results.put(r.experiment().key(), confirmed);
            listener.on(new ExploreEvent.Confirmed(r, confirmed));
        }
    }

    /**
     * One run of each configuration, at most one per CPU at a time (alone where the runs' CPU
     * waits are not measured); a run that failed starved, of a kind load can cause, is made again
     * alone and that run counts instead. Results in order.
     */
    private List<RunRecord> unstarvedRuns(RunScheduler scheduler, List<WorkloadRunner.Options> configurations,
                                          double starvedShare) throws InterruptedException {
        int atOnce = runner.sandbox().cpuMicrosOfRuns() != null ? Runtime.getRuntime().availableProcessors() : 1;
        List<RunRecord> got = new ArrayList<>();
        if (atOnce == 1) {
            for (WorkloadRunner.Options o : configurations) {
                got.add(scheduler.alone(() -> run(o)).record());
            }
            return got;
        }
        got.addAll(scheduler.invokeAll(configurations.stream()
                .<Callable<RunRecord>>map(o -> () -> run(o).record()).toList(), atOnce));
        for (int j = 0; j < got.size(); j++) {
            RunRecord r = got.get(j);
            // an unmeasured wait counts as starved here: the run was not alone
            if (r.failedStarved(starvedShare) || (!r.passed() && r.loadSensitive() && r.stallMillis() < 0)) {
                WorkloadRunner.Options o = configurations.get(j);
                got.set(j, scheduler.alone(() -> run(o)).record());
            }
        }
        return got;
    }

    // ---- below the syscall: argument values and files ----

    /** What the feature phase found: per argument value, per file, and the files not explored (with why). */
    record Features(List<ValueResult> values, List<FileResult> files, SortedMap<String, String> notExplored) {
        static final Features NONE = new Features(List.of(), List.of(), new TreeMap<>());
    }

    /**
     * Experiments below the syscall, once every syscall has its verdict. For each value the trace
     * saw of a multiplexed syscall (one per bit of a flag argument): only the calls with that
     * value stubbed, and only those faked; not run where the answer is known (the value was on
     * every call: the syscall's own experiments; the syscall works stubbed and faked as a whole).
     * For each file the application named: the file missing (ENOENT), and a pseudo-file under
     * /proc or /sys empty. K at a time like the others, confirmed alike.
     */
    private Features features(RunScheduler scheduler, FeatureUse use, List<SyscallResult> verdicts, TimeLimits limits,
                              List<RunRecord> baseline, TestIndex index) throws InterruptedException {
        List<Experiment> all = new ArrayList<>();
        Map<String, List<String>> selections = new LinkedHashMap<>();
        for (SyscallResult r : verdicts) {
            SortedMap<dev.shimscope.syscall.args.ArgumentValue, Long> values = use.values().get(r.syscall());
            if (values == null || r.verdict() == Verdict.BOTH) {
                continue;
            }
            values.forEach((v, n) -> {
                if (n < r.calls()) {
                    for (Treatment t : List.of(Treatment.STUB, Treatment.FAKE)) {
                        Experiment e = Experiment.of(r.syscall(), v, t);
                        all.add(e);
                        selections.put(e.key(), index == null ? null : index.selectionFor(r.syscall()));
                    }
                }
            });
        }
        SortedMap<String, String> notExplored = new TreeMap<>();
        Map<String, String> explored = new LinkedHashMap<>(); // reported name -> named
        for (Map.Entry<String, FeatureUse.PathSeen> p : use.paths().entrySet()) {
            String why = FileSelection.notExplored(p.getKey());
            if (why == null && p.getValue().failed() < p.getValue().calls() && explored.size() >= FileSelection.MAX_FILES) {
                why = "more than " + FileSelection.MAX_FILES + " files named";
            }
            if (why != null) {
                notExplored.put(p.getKey(), why);
                continue;
            }
            explored.put(p.getKey(), p.getValue().named());
            if (p.getValue().failed() >= p.getValue().calls()) {
                continue; // absent in the traced run already: no run needed
            }
            List<String> tests = index == null ? null
                    : index.tests().stream().filter(t -> use.tests().getOrDefault(p.getKey(), java.util.Collections.emptySortedSet()).contains(t)).toList();
            Experiment missing = Experiment.of(new PathRule(p.getValue().named(), PathTreatment.MISSING));
            all.add(missing);
            selections.put(missing.key(), tests);
            if (FileSelection.canBeEmpty(p.getValue().named())) {
                Experiment empty = Experiment.of(new PathRule(p.getValue().named(), PathTreatment.EMPTY));
                all.add(empty);
                selections.put(empty.key(), tests);
            }
        }
        Map<String, ExperimentResult> results = Collections.synchronizedMap(new LinkedHashMap<>());
        List<Experiment> todo = new ArrayList<>();
        int resumed = 0;
        for (int i = 0; i < all.size(); i++) {
            Experiment e = all.get(i);
            ExperimentResult done = journal == null ? null : journal.experiment(e);
            if (done != null) {
                results.put(e.key(), done);
                resumed++;
            } else if (options.shard() == null || options.shard().owns(i)) {
                todo.add(e);
            }
        }
        resumedCount += resumed;
        listener.on(new ExploreEvent.PhaseStarted(ExploreEvent.Phase.FEATURES, all.size()));
        WorkloadRunner.Options timed = limits.apply(WorkloadRunner.Options.plain());
        fileLimits = limits.times(FILE_LIMIT_FACTOR, runner.spec());
        WorkloadRunner.Options fileTimed = fileTimed(timed);
        runExperiments(scheduler, todo, resumed, all.size(), results,
                e -> experiment(e, e.path() != null ? fileTimed : timed, index, selections.get(e.key())));
        confirm(scheduler, results, timed, baseline, index);
        if (options.shard() != null) {
            throw new ShardFinished(todo.size()); // a shard of the features: its share is in the journal
        }

        List<ValueResult> values = new ArrayList<>();
        for (SyscallResult r : verdicts) {
            SortedMap<dev.shimscope.syscall.args.ArgumentValue, Long> seen = use.values().get(r.syscall());
            if (seen == null) {
                continue;
            }
            seen.forEach((v, n) -> {
                if (r.verdict() == Verdict.BOTH) {
                    values.add(new ValueResult(new ArgumentVerdict(r.syscall(), v, n, r.calls(), Verdict.BOTH,
                            ArgumentVerdict.Basis.WHOLE_SYSCALL), null, null));
                } else if (n >= r.calls()) {
                    values.add(new ValueResult(new ArgumentVerdict(r.syscall(), v, n, r.calls(), r.verdict(),
                            ArgumentVerdict.Basis.EVERY_CALL), r.stub(), r.fake()));
                } else {
                    ExperimentResult stub = results.get(Experiment.of(r.syscall(), v, Treatment.STUB).key());
                    ExperimentResult fake = results.get(Experiment.of(r.syscall(), v, Treatment.FAKE).key());
                    values.add(new ValueResult(new ArgumentVerdict(r.syscall(), v, n, r.calls(),
                            ExperimentResult.verdict(stub, fake), ArgumentVerdict.Basis.MEASURED), stub, fake));
                }
            });
        }
        List<FileResult> files = new ArrayList<>();
        explored.forEach((reported, named) -> {
            FeatureUse.PathSeen seen = use.paths().get(reported);
            ExperimentResult missing = results.get(Experiment.of(new PathRule(named, PathTreatment.MISSING)).key());
            ExperimentResult empty = results.get(Experiment.of(new PathRule(named, PathTreatment.EMPTY)).key());
            FileVerdict.Need need = missing == null ? FileVerdict.Need.ABSENT : need(missing);
            files.add(new FileResult(new FileVerdict(reported, seen.calls(), seen.failed(), need,
                    empty == null ? null : need(empty)), missing, empty));
        });
        return new Features(values, files, notExplored);
    }

    private static FileVerdict.Need need(ExperimentResult r) {
        return switch (r.outcome()) {
            case WORKS -> FileVerdict.Need.OPTIONAL;
            case FAILS -> FileVerdict.Need.REQUIRED;
            case FLAKY -> FileVerdict.Need.FLAKY;
        };
    }

    /**
     * Limits for a run with files missing: strace (in seccomp-bpf mode, stopping only at file
     * calls) makes those slower; twice the experiments' limits.
     */
    private static final int FILE_LIMIT_FACTOR = 2;

    private WorkloadRunner.Options fileTimed(WorkloadRunner.Options timed) {
        return fileLimits != null ? fileLimits.apply(timed) : timed;
    }

    /** The limits of runs with files missing (set by the feature phase). */
    private TimeLimits fileLimits;

    // ---- helpers ----

    private WorkloadOutcome run(WorkloadRunner.Options o) throws InterruptedException {
        runs.incrementAndGet();
        return runner.run(o);
    }

    /** Compiles a configuration for a run (PlanSearch's runs go through here too). */
    static SeccompFilter filter(ShimConfiguration c) {
        return SeccompFilter.of(c);
    }
}
