package dev.shimscope.explore;

import dev.shimscope.sandbox.SeccompAction;
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
            ShimPlan plan = plan(pool, verdicts, timed, traced.launch());
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
    /** Readiness takes milliseconds; a server not ready after half a second and 5x its baseline will not be. */
    private static final long MIN_READY_LIMIT_MILLIS = 500;

    /** Readiness limit for experiments: a few times the slowest baseline readiness, within the spec's. */
    private Duration readyLimit(List<RunRecord> baseline) {
        if (runner.spec().server() == null) {
            return null;
        }
        long slowest = baseline.stream().mapToLong(RunRecord::readyMillis).max().orElse(1000);
        Duration limit = Duration.ofMillis(Math.max(MIN_READY_LIMIT_MILLIS, 5 * slowest + 500));
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
                             SortedMap<String, SortedMap<String, SortedMap<String, Long>>> args,
                             Map<Integer, Long> launch) {
    }

    private TracedUse trace() throws InterruptedException {
        if (journal != null && journal.used() != null) {
            listener.message("trace: " + journal.used().size() + " used syscalls recorded in the journal");
            return new TracedUse(journal.used(), new TreeMap<>(), Map.of(table.require("execve").number(), 1L));
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
        return new TracedUse(used, args, t.launchCalls());
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
            // a slow run under load must not pass for a broken application: replicas get more time
            WorkloadRunner.Options replica = first.timeLimitHit() ? extended(timed) : timed;
            for (int i = 1; i < options.replicas(); i++) {
                records.add(record(run(replica.withFilter(filter))));
            }
        }
        return new ExperimentResult(e, records);
    }

    /** The limits one and a half times as long (within the spec's), for replicas of a run that hit one. */
    private WorkloadRunner.Options extended(WorkloadRunner.Options o) {
        WorkloadSpec spec = runner.spec();
        Duration ready = o.readyTimeout() == null ? null : min(o.readyTimeout().multipliedBy(3).dividedBy(2), spec.server().readyTimeout());
        Duration test = o.testTimeout() == null ? null : min(o.testTimeout().multipliedBy(3).dividedBy(2), spec.test().timeout());
        return o.withTimeouts(ready, test);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    // ---- the joint configuration ----

    private ShimPlan plan(ExecutorService pool, List<SyscallResult> verdicts, WorkloadRunner.Options timed,
                          Map<Integer, Long> launch) throws InterruptedException {
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
        repairJoint(pool, candidates, action, implement, verdicts.size(), timed, repairs, planRuns);

        // Closed world: the plan must hold with every syscall outside it returning ENOSYS, as on an
        // OS that implements exactly the plan. A stubbed call can make the application take a
        // fallback it never took before (clone3 stubbed: glibc uses clone); the trace of a failing
        // run names them, and they join "implement" until the closed world passes.
        java.util.Set<String> fallbacks = new java.util.TreeSet<>();
        for (int round = 0; ; round++) {
            SeccompFilter closed = closedWorld(candidates, action, implement);
            List<Callable<WorkloadOutcome>> passes = new ArrayList<>();
            passes.add(() -> run(timed.withFilter(closed).withTrace(true)));
            for (int i = 1; i < options.planPasses(); i++) {
                passes.add(() -> run(timed.withFilter(closed)));
            }
            boolean allPassed = true;
            TraceResult trace = null;
            List<RunRecord> verification = new ArrayList<>();
            for (WorkloadOutcome o : invokeAll(pool, passes)) {
                RunRecord r = record(o);
                planRuns.add(r);
                verification.add(r);
                listener.planRun("the plan, every other syscall returning ENOSYS", r);
                allPassed &= r.passed();
                trace = trace == null ? o.trace() : trace;
            }
            if (allPassed) {
                if (demoteFallbacks(pool, candidates, action, implement, fallbacks, timed, repairs, planRuns)) {
                    continue; // verify the plan with the demoted fallbacks
                }
                return plan(implement, candidates, action, fallbacks, true, repairs, planRuns, verification);
            }
            java.util.Set<String> planned = new java.util.HashSet<>(implement);
            candidates.forEach(c -> planned.add(c.name()));
            List<String> unplanned = new ArrayList<>();
            if (trace != null) {
                for (TraceResult.SyscallUse u : trace.syscalls()) {
                    long own = u.calls() - launch.getOrDefault(u.number(), 0L);
                    if (own > 0 && !planned.contains(u.name())) {
                        unplanned.add(u.name());
                    }
                }
            }
            if (unplanned.isEmpty() || round >= MAX_CLOSURE_ROUNDS) {
                repairs.add("the plan fails when every other syscall returns ENOSYS, and no call outside it was seen to blame");
                return plan(implement, candidates, action, fallbacks, false, repairs, planRuns, List.of());
            }
            implement.addAll(unplanned);
            fallbacks.addAll(unplanned);
            repairs.add(String.join(", ", unplanned) + ": called only under the plan (fallbacks); implement "
                    + (unplanned.size() == 1 ? "it" : "them"));
            listener.message("plan: " + repairs.getLast());
        }
    }

    private static final int MAX_CLOSURE_ROUNDS = 4;

    /**
     * Fallbacks were put in "implement" to make the closed world pass; each one that the plan
     * survives returning ENOSYS for (tried one at a time, K at a time) goes back to "stub".
     * Returns true when one was demoted, so that the plan is verified again as a whole.
     */
    private boolean demoteFallbacks(ExecutorService pool, List<SyscallResult> candidates, Map<Integer, Mode> action,
                                    List<String> implement, java.util.Set<String> fallbacks, WorkloadRunner.Options timed,
                                    List<String> repairs, List<RunRecord> planRuns) throws InterruptedException {
        List<String> toTry = fallbacks.stream().filter(implement::contains).filter(f -> !demotionTried.contains(f)).toList();
        if (toTry.isEmpty()) {
            return false;
        }
        demotionTried.addAll(toTry);
        List<Callable<RunRecord>> tasks = new ArrayList<>();
        for (String f : toTry) {
            List<String> without = new ArrayList<>(implement);
            without.remove(f);
            SeccompFilter filter = closedWorld(candidates, action, without);
            tasks.add(() -> {
                RunRecord r = record(run(timed.withFilter(filter)));
                listener.planRun("fallback " + f + " returning ENOSYS", r);
                return r;
            });
        }
        List<RunRecord> results = invokeAll(pool, tasks);
        planRuns.addAll(results);
        boolean demoted = false;
        for (int i = 0; i < toTry.size(); i++) {
            if (results.get(i).passed()) {
                String f = toTry.get(i);
                implement.remove(f);
                int nr = table.require(f).number();
                candidates.add(new SyscallResult(nr, f, 0, SyscallVerdict.STUB_ONLY, null, null));
                candidates.sort(java.util.Comparator.comparingInt(SyscallResult::number));
                action.put(nr, Mode.STUB);
                repairs.add(f + ": a fallback the plan survives returning ENOSYS; stub it");
                demoted = true;
            }
        }
        return demoted;
    }

    private final java.util.Set<String> demotionTried = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private ShimPlan plan(List<String> implement, List<SyscallResult> candidates, Map<Integer, Mode> action,
                          java.util.Set<String> fallbacks, boolean verified, List<String> repairs, List<RunRecord> runs,
                          List<RunRecord> verification) {
        List<String> stub = new ArrayList<>();
        List<String> fake = new ArrayList<>();
        for (SyscallResult c : candidates) {
            (action.get(c.number()) == Mode.STUB ? stub : fake).add(c.name());
        }
        return new ShimPlan(sortedNames(implement), stub, fake, List.copyOf(fallbacks), verified,
                verified ? options.planPasses() : 0, repairs, runs, verification);
    }

    /** Everything in {@code implement} allowed (and the launch's execve), candidates stubbed or faked, every other syscall ENOSYS. */
    private SeccompFilter closedWorld(List<SyscallResult> candidates, Map<Integer, Mode> action, List<String> implement) {
        SeccompFilter.Builder b = SeccompFilter.builder(SeccompAction.STUB);
        java.util.Set<Integer> allowed = new java.util.TreeSet<>();
        implement.forEach(n -> allowed.add(table.require(n).number()));
        // the loader execs the program under the filter; an OS starts it without execve
        int execve = table.require("execve").number();
        if (candidates.stream().noneMatch(c -> c.number() == execve)) {
            allowed.add(execve);
        }
        allowed.forEach(nr -> b.rule(nr, SeccompAction.ALLOW));
        candidates.forEach(c -> b.rule(c.number(), action.get(c.number()).action()));
        return b.build();
    }

    /**
     * Runs the joint configuration (everything else allowed) until it passes {@code planPasses}
     * times in a row; each failure is bisected to the syscall whose addition breaks it, which is
     * faked instead if it works faked, else moved to {@code implement}.
     */
    private void repairJoint(ExecutorService pool, List<SyscallResult> candidates, Map<Integer, Mode> action,
                             List<String> implement, int limit, WorkloadRunner.Options timed, List<String> repairs,
                             List<RunRecord> planRuns) throws InterruptedException {
        for (int rounds = 0; !candidates.isEmpty(); rounds++) {
            SeccompFilter joint = filterFor(candidates, action, candidates.size());
            List<Callable<WorkloadOutcome>> passes = new ArrayList<>();
            for (int i = 0; i < options.planPasses(); i++) {
                passes.add(() -> run(timed.withFilter(joint)));
            }
            boolean allPassed = true;
            for (WorkloadOutcome o : invokeAll(pool, passes)) {
                RunRecord r = record(o);
                planRuns.add(r);
                listener.planRun("joint configuration of " + candidates.size() + " syscalls", r);
                allPassed &= r.passed();
            }
            if (allPassed) {
                return;
            }
            if (rounds > limit) {
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
        SeccompFilter.Builder b = SeccompFilter.builder(SeccompAction.ALLOW);
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
