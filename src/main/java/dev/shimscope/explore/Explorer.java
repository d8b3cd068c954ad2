package dev.shimscope.explore;

import dev.shimscope.sandbox.SeccompFilter;
import dev.shimscope.store.SyscallVerdict;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.trace.TraceResult;
import dev.shimscope.workload.WorkloadOutcome;
import dev.shimscope.workload.WorkloadRunner;
import dev.shimscope.workload.WorkloadSpec;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Explores one application under one workload: which used syscalls can be stubbed (-ENOSYS),
 * which faked (0), which must be implemented.
 *
 * <p>Steps: the unaltered workload must pass {@code baselineRuns} times; one traced run gives
 * the used set; then every used syscall is stubbed in one run and faked in another, {@code jobs}
 * runs at a time, each in its own sandbox (own network namespace, so servers never clash on a
 * port). A run that fails, contradicting the baseline, is repeated until it has
 * {@code replicas} runs; replicas that disagree make the syscall FLAKY. Time limits come from
 * the baseline (a broken server is noticed within a few times the normal duration, not after a
 * fixed sleep). Finally the joint configuration (every non-required syscall stubbed, or faked
 * where only faking works) is run; if it fails, bisection finds the syscall whose addition
 * breaks it, which is switched to faking if that works alone, else moved to "implement", until
 * the configuration passes {@code planPasses} times in a row.
 *
 * <p>Everything it does goes to an {@link ExploreListener}; finished work is kept in a
 * {@link Journal} so that an interrupted exploration resumes where it stopped.
 */
public final class Explorer {

    /**
     * @param jobs         runs at a time
     * @param replicas     runs of an experiment whose first run failed (at least 1)
     * @param baselineRuns runs of the unaltered workload that must all pass
     * @param planPasses   consecutive passes that verify the joint configuration
     */
    public record Options(int jobs, int replicas, int baselineRuns, int planPasses) {
        public Options {
            if (jobs < 1 || replicas < 1 || baselineRuns < 1 || planPasses < 1) {
                throw new IllegalArgumentException("jobs, replicas, baseline runs and plan passes must be at least 1");
            }
        }

        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors(), 2, 3, 3);
        }
    }

    /** The exploration cannot go on (baseline fails, trace fails): the message says why and what to do. */
    public static final class ExplorationException extends RuntimeException {
        public ExplorationException(String message) {
            super(message);
        }
    }

    private final WorkloadRunner runner;
    private final SyscallTable table;
    private final Options options;
    private final ExploreListener listener;
    private final Journal journal;
    private final AtomicInteger runs = new AtomicInteger();

    public Explorer(WorkloadRunner runner, SyscallTable table, Options options, ExploreListener listener,
                    Journal journal) {
        this.runner = runner;
        this.table = table;
        this.options = options;
        this.journal = journal;
        this.listener = journal == null ? listener : ExploreListener.all(List.of(journal, listener));
    }

    public Exploration explore(Map<String, String> environment) throws InterruptedException {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        WorkloadSpec spec = runner.spec();
        runner.check();
        ExecutorService pool = Executors.newFixedThreadPool(options.jobs(), Thread.ofVirtual().factory());
        try {
            List<RunRecord> baseline = baseline(pool);
            WorkloadRunner.Options timed = WorkloadRunner.Options.plain().withTimeouts(readyLimit(baseline), testLimit(baseline));
            TracedUse traced = trace();
            List<SyscallResult> verdicts = experiments(pool, traced.used(), timed);
            ShimPlan plan = plan(pool, verdicts, timed);
            return new Exploration(spec, environment, baseline, verdicts, plan, traced.args(), runs.get(),
                    journal == null ? 0 : resumedCount, started, Duration.ofNanos(System.nanoTime() - t0));
        } finally {
            pool.shutdownNow();
        }
    }

    private int resumedCount;

    // ---- baseline ----

    private List<RunRecord> baseline(ExecutorService pool) throws InterruptedException {
        if (journal != null && journal.baseline() != null) {
            listener.message("baseline: " + journal.baseline().size() + " passing runs recorded in the journal");
            return journal.baseline();
        }
        listener.phase("baseline", options.baselineRuns());
        List<Callable<WorkloadOutcome>> tasks = new ArrayList<>();
        for (int i = 0; i < options.baselineRuns(); i++) {
            tasks.add(() -> run(WorkloadRunner.Options.plain()));
        }
        List<RunRecord> records = new ArrayList<>();
        for (WorkloadOutcome o : invokeAll(pool, tasks)) {
            if (!o.passed()) {
                throw new ExplorationException("the workload " + runner.spec().id() + " fails without any filter ("
                        + o.failure() + "); fix the spec or the environment first" + outputHint(o));
            }
            records.add(record(o));
        }
        listener.baselineFinished(records);
        return records;
    }

    private static String outputHint(WorkloadOutcome o) {
        String tail = (o.testOutputTail() + "\n" + o.serverOutputTail()).strip();
        if (tail.isEmpty()) {
            return "";
        }
        List<String> lines = tail.lines().toList();
        return "; last output: " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }

    /**
     * Floor of the derived time limits: a run that takes ten times its baseline has failed, but
     * short workloads still get a full second, so scheduling noise never fails a run.
     */
    private static final long MIN_LIMIT_MILLIS = 1000;

    /** Readiness limit for experiments: a few times the slowest baseline readiness, within the spec's. */
    private Duration readyLimit(List<RunRecord> baseline) {
        if (runner.spec().server() == null) {
            return null;
        }
        long slowest = baseline.stream().mapToLong(RunRecord::readyMillis).max().orElse(1000);
        Duration limit = Duration.ofMillis(Math.max(MIN_LIMIT_MILLIS, 5 * slowest + 500));
        Duration spec = runner.spec().server().readyTimeout();
        return limit.compareTo(spec) < 0 ? limit : spec;
    }

    /** Test limit for experiments: a few times the slowest baseline run, within the spec's. */
    private Duration testLimit(List<RunRecord> baseline) {
        long slowest = baseline.stream().mapToLong(RunRecord::testMillis).max().orElse(1000);
        Duration limit = Duration.ofMillis(Math.max(MIN_LIMIT_MILLIS, 5 * slowest + 500));
        Duration spec = runner.spec().test().timeout();
        return limit.compareTo(spec) < 0 ? limit : spec;
    }

    // ---- trace ----

    private record TracedUse(List<ExploreListener.UsedSyscall> used,
                             SortedMap<String, SortedMap<String, SortedMap<String, Long>>> args) {
    }

    private TracedUse trace() throws InterruptedException {
        if (journal != null && journal.used() != null) {
            listener.message("trace: " + journal.used().size() + " used syscalls recorded in the journal");
            return new TracedUse(journal.used(), new TreeMap<>());
        }
        listener.phase("trace", 1);
        WorkloadOutcome o = run(WorkloadRunner.Options.traced());
        if (!o.passed()) {
            throw new ExplorationException("the workload " + runner.spec().id() + " fails under strace (" + o.failure()
                    + "); raise its timeouts if it is too slow when traced" + outputHint(o));
        }
        TraceResult t = o.trace();
        List<ExploreListener.UsedSyscall> used = new ArrayList<>();
        SortedMap<String, SortedMap<String, SortedMap<String, Long>>> args = new TreeMap<>();
        for (TraceResult.SyscallUse u : t.syscalls()) {
            long own = u.calls() - t.launchCalls().getOrDefault(u.number(), 0L);
            if (own <= 0) {
                // only the tracer's exec of the program: an OS starts an application without it, and
                // a filter that stubs it would stop the launch, not test the application
                listener.message("trace: " + u.name() + " only starts the program; not explored");
                continue;
            }
            used.add(new ExploreListener.UsedSyscall(u.number(), u.name(), own));
            if (!u.args().isEmpty()) {
                args.put(u.name(), u.args());
            }
        }
        if (used.isEmpty()) {
            throw new ExplorationException("the trace of " + runner.spec().id() + " shows no syscalls"
                    + (runner.spec().only() != null ? " made by " + runner.spec().only() + " (check 'only')" : ""));
        }
        listener.traceFinished(used);
        return new TracedUse(used, args);
    }

    // ---- experiments ----

    private List<SyscallResult> experiments(ExecutorService pool, List<ExploreListener.UsedSyscall> used,
                                             WorkloadRunner.Options timed) throws InterruptedException {
        List<Experiment> all = new ArrayList<>();
        for (ExploreListener.UsedSyscall u : used) {
            for (Mode m : Mode.values()) {
                all.add(new Experiment(u.number(), u.name(), m));
            }
        }
        Map<String, ExperimentResult> results = Collections.synchronizedMap(new LinkedHashMap<>());
        List<Experiment> todo = new ArrayList<>();
        for (Experiment e : all) {
            ExperimentResult done = journal == null ? null : journal.experiment(e);
            if (done != null) {
                results.put(Journal.key(e), done);
                resumedCount++;
            } else {
                todo.add(e);
            }
        }
        if (resumedCount > 0) {
            listener.message("resuming: " + resumedCount + " of " + all.size() + " experiments recorded in the journal");
        }
        listener.phase("experiments", all.size());
        AtomicInteger done = new AtomicInteger(resumedCount);
        List<Callable<ExperimentResult>> tasks = new ArrayList<>();
        for (Experiment e : todo) {
            tasks.add(() -> {
                ExperimentResult r = experiment(e, timed);
                results.put(Journal.key(e), r);
                listener.experimentFinished(r, done.incrementAndGet(), all.size());
                return r;
            });
        }
        invokeAll(pool, tasks);
        List<SyscallResult> verdicts = new ArrayList<>();
        for (ExploreListener.UsedSyscall u : used) {
            ExperimentResult stub = results.get(u.number() + "/stub");
            ExperimentResult fake = results.get(u.number() + "/fake");
            verdicts.add(new SyscallResult(u.number(), u.name(), u.calls(),
                    ExperimentResult.verdict(stub, fake), stub, fake));
        }
        return verdicts;
    }

    private ExperimentResult experiment(Experiment e, WorkloadRunner.Options timed) throws InterruptedException {
        SeccompFilter filter = SeccompFilter.forEach(List.of(e.syscall()), e.mode().action());
        List<RunRecord> records = new ArrayList<>();
        WorkloadOutcome first = run(timed.withFilter(filter));
        records.add(record(first));
        if (!first.passed()) {
            // a time limit hit under load must not pass for a broken application: replicas get twice the time
            WorkloadRunner.Options replica = first.timeLimitHit() ? doubled(timed) : timed;
            for (int i = 1; i < options.replicas(); i++) {
                records.add(record(run(replica.withFilter(filter))));
            }
        }
        return new ExperimentResult(e, records);
    }

    private WorkloadRunner.Options doubled(WorkloadRunner.Options o) {
        WorkloadSpec spec = runner.spec();
        Duration ready = o.readyTimeout() == null ? null : min(o.readyTimeout().multipliedBy(2), spec.server().readyTimeout());
        Duration test = o.testTimeout() == null ? null : min(o.testTimeout().multipliedBy(2), spec.test().timeout());
        return o.withTimeouts(ready, test);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    // ---- the joint configuration ----

    private ShimPlan plan(ExecutorService pool, List<SyscallResult> verdicts, WorkloadRunner.Options timed)
            throws InterruptedException {
        List<String> implement = new ArrayList<>();
        // candidates in number order, each with the action chosen for it
        List<SyscallResult> candidates = new ArrayList<>();
        Map<Integer, Mode> action = new LinkedHashMap<>();
        for (SyscallResult v : verdicts) {
            switch (v.verdict()) {
                case REQUIRED, FLAKY -> implement.add(v.name());
                case STUB_ONLY, BOTH -> {
                    candidates.add(v);
                    action.put(v.number(), Mode.STUB); // stubbing needs no code at all
                }
                case FAKE_ONLY -> {
                    candidates.add(v);
                    action.put(v.number(), Mode.FAKE);
                }
            }
        }
        listener.phase("plan", options.planPasses());
        List<String> repairs = new ArrayList<>();
        List<RunRecord> planRuns = new ArrayList<>();
        int rounds = 0;
        while (true) {
            if (candidates.isEmpty()) {
                return new ShimPlan(sortedNames(implement), List.of(), List.of(), true, 0, repairs, planRuns);
            }
            SeccompFilter joint = filterFor(candidates, action, candidates.size());
            List<Callable<WorkloadOutcome>> passes = new ArrayList<>();
            for (int i = 0; i < options.planPasses(); i++) {
                passes.add(() -> run(timed.withFilter(joint)));
            }
            List<WorkloadOutcome> outcomes = invokeAll(pool, passes);
            boolean allPassed = true;
            for (WorkloadOutcome o : outcomes) {
                RunRecord r = record(o);
                planRuns.add(r);
                listener.planRun("joint configuration of " + candidates.size() + " syscalls", r);
                allPassed &= r.passed();
            }
            if (allPassed) {
                List<String> stub = new ArrayList<>();
                List<String> fake = new ArrayList<>();
                for (SyscallResult c : candidates) {
                    (action.get(c.number()) == Mode.STUB ? stub : fake).add(c.name());
                }
                return new ShimPlan(sortedNames(implement), stub, fake, true, options.planPasses(), repairs, planRuns);
            }
            if (++rounds > verdicts.size() + 1) {
                throw new ExplorationException("the joint configuration could not be repaired (it fails even "
                        + "after every culprit found was removed); the workload looks flaky");
            }
            int culprit = firstFailingPrefix(candidates, action, timed, planRuns) - 1;
            SyscallResult c = candidates.get(culprit);
            if (action.get(c.number()) == Mode.STUB && c.verdict() == SyscallVerdict.BOTH) {
                action.put(c.number(), Mode.FAKE);
                repairs.add(c.name() + ": stubbing it together with the others fails; faking it instead");
            } else {
                candidates.remove(culprit);
                action.remove(c.number());
                implement.add(c.name());
                repairs.add(c.name() + ": works alone but not together with the others; implement it");
            }
            listener.message("plan: " + repairs.getLast());
        }
    }

    /**
     * Bisection: the length of the shortest prefix of the candidates whose joint filter fails
     * (the whole list is known to fail). The last syscall of that prefix is what breaks it.
     */
    private int firstFailingPrefix(List<SyscallResult> candidates, Map<Integer, Mode> action,
                                   WorkloadRunner.Options timed, List<RunRecord> planRuns) throws InterruptedException {
        int lo = 0; // prefix of length lo passes (the empty one is the baseline)
        int hi = candidates.size(); // prefix of length hi fails
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            RunRecord r = record(run(timed.withFilter(filterFor(candidates, action, mid))));
            planRuns.add(r);
            listener.planRun("bisection: first " + mid + " of " + candidates.size(), r);
            if (r.passed()) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    private static SeccompFilter filterFor(List<SyscallResult> candidates, Map<Integer, Mode> action, int prefix) {
        SeccompFilter.Builder b = SeccompFilter.builder(dev.shimscope.sandbox.SeccompAction.ALLOW);
        for (int i = 0; i < prefix; i++) {
            SyscallResult c = candidates.get(i);
            b.rule(c.number(), action.get(c.number()).action());
        }
        return b.build();
    }

    private List<String> sortedNames(List<String> names) {
        List<String> sorted = new ArrayList<>(names);
        sorted.sort((a, b) -> Integer.compare(table.require(a).number(), table.require(b).number()));
        return sorted;
    }

    // ---- helpers ----

    private WorkloadOutcome run(WorkloadRunner.Options o) throws InterruptedException {
        runs.incrementAndGet();
        return runner.run(o);
    }

    private static RunRecord record(WorkloadOutcome o) {
        return new RunRecord(o.passed(), o.failure(), o.run().wallTime().toMillis(), o.readyMillis(), o.testMillis());
    }

    /**
     * Runs the tasks on the pool and returns their results in order. The first task that fails
     * cancels the others (running ones are interrupted, which kills their sandboxes): an
     * unexpected error must not be followed by a hundred more runs.
     */
    private static <T> List<T> invokeAll(ExecutorService pool, List<Callable<T>> tasks) throws InterruptedException {
        ExecutorCompletionService<T> done = new ExecutorCompletionService<>(pool);
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> t : tasks) {
            futures.add(done.submit(t));
        }
        try {
            for (int i = 0; i < futures.size(); i++) {
                Future<T> f = done.take();
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw unwrap(e.getCause());
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        List<T> out = new ArrayList<>();
        for (Future<T> f : futures) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                throw unwrap(e.getCause());
            }
        }
        return out;
    }

    private static RuntimeException unwrap(Throwable c) throws InterruptedException {
        if (c instanceof RuntimeException re) {
            return re;
        }
        if (c instanceof InterruptedException ie) {
            throw ie;
        }
        if (c instanceof IOException io) {
            return new java.io.UncheckedIOException(io);
        }
        return new IllegalStateException(c);
    }
}
