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
 * where only faking works) is run; if it fails, a search over prefixes of the candidates (up to
 * {@code jobs} at once) finds the syscall whose addition breaks it, which is switched to faking
 * if that works alone, else moved to "implement", until the configuration passes
 * {@code planPasses} times in a row.
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
        ExecutorService tracer = Executors.newVirtualThreadPerTaskExecutor();
        try {
            // the trace runs beside the baseline: neither depends on the other
            Future<TracedUse> tracing = tracer.submit(this::trace);
            List<RunRecord> baseline;
            try {
                baseline = baseline(pool);
            } catch (RuntimeException | InterruptedException e) {
                tracing.cancel(true);
                throw e;
            }
            WorkloadRunner.Options timed = WorkloadRunner.Options.plain().withTimeouts(readyLimit(baseline), testLimit(baseline))
                    .withGrace(graceLimit(baseline));
            TracedUse traced;
            try {
                traced = tracing.get();
            } catch (ExecutionException e) {
                throw unwrap(e.getCause());
            }
            List<SyscallResult> verdicts = experiments(pool, traced.used(), timed);
            ShimPlan plan = plan(pool, verdicts, timed, traced.launch());
            return new Exploration(spec, environment, baseline, verdicts, plan, traced.args(), runs.get(),
                    journal == null ? 0 : resumedCount, started, Duration.ofNanos(System.nanoTime() - t0));
        } finally {
            pool.shutdownNow();
            tracer.shutdownNow();
        }
    }

    private int resumedCount;

    // ---- baseline ----

    private List<RunRecord> baseline(ExecutorService pool) throws InterruptedException {
        if (journal != null && journal.baseline() != null) {
            listener.message("baseline: " + journal.baseline().size() + " passing runs recorded in the journal");
            return journal.baseline();
        }
        // at least one run per job, all at once: the time limits derived from the baseline must hold
        // when K runs compete for the CPUs, as the experiments will
        int count = Math.max(options.baselineRuns(), options.jobs());
        listener.phase("baseline", count);
        List<Callable<WorkloadOutcome>> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tasks.add(() -> run(WorkloadRunner.Options.plain()));
        }
        List<RunRecord> records = new ArrayList<>();
        for (WorkloadOutcome o : invokeAll(pool, tasks)) {
            if (!o.passed()) {
                throw new ExplorationException("the workload " + runner.spec().id() + " fails without any filter ("
                        + o.failure() + ") in " + count + " runs at once; fix the spec or the environment first"
                        + (options.jobs() > 1 ? ", or run fewer at once (--jobs)" : "") + outputHint(o));
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
     * Floor of the derived time limits: short workloads still get a full second, so scheduling
     * noise never fails a run.
     */
    private static final long MIN_LIMIT_MILLIS = 1000;

    /**
     * A time limit for experiments derived from the baseline: twice its slowest measure plus half
     * a second, at least {@link #MIN_LIMIT_MILLIS}, never more than the spec allows.
     */
    private static Duration derivedLimit(long slowestMillis, Duration spec) {
        Duration limit = Duration.ofMillis(Math.max(MIN_LIMIT_MILLIS, 2 * slowestMillis + 500));
        return limit.compareTo(spec) < 0 ? limit : spec;
    }

    /** Readiness limit for experiments, from the slowest baseline readiness. */
    private Duration readyLimit(List<RunRecord> baseline) {
        if (runner.spec().server() == null) {
            return null;
        }
        long slowest = baseline.stream().mapToLong(RunRecord::readyMillis).max().orElse(1000);
        return derivedLimit(slowest, runner.spec().server().readyTimeout());
    }

    /** Stop limit for experiments, from the slowest baseline stop, within the spec's grace. */
    private Duration graceLimit(List<RunRecord> baseline) {
        if (runner.spec().server() == null) {
            return null;
        }
        long slowest = baseline.stream().mapToLong(RunRecord::stopMillis).max().orElse(-1);
        Duration spec = runner.spec().server().grace();
        if (slowest < 0) {
            return spec; // not measured (a journal from before stops were timed)
        }
        return derivedLimit(slowest, spec);
    }

    /** Test limit for experiments, from the slowest baseline test. */
    private Duration testLimit(List<RunRecord> baseline) {
        long slowest = baseline.stream().mapToLong(RunRecord::testMillis).max().orElse(1000);
        return derivedLimit(slowest, runner.spec().test().timeout());
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
            // replicas get the same limits: those already allow for K runs competing (the baseline
            // ran that way), so a replica that hits one too confirms the failure
            for (int i = 1; i < options.replicas(); i++) {
                records.add(record(run(timed.withFilter(filter))));
            }
        }
        return new ExperimentResult(e, records);
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

        // The plan must hold the way an OS would run it: implemented syscalls allowed, stubs and
        // fakes as planned, every other syscall returning ENOSYS. A stubbed call can make the
        // application take a fallback it never took before (clone3 stubbed: glibc uses clone);
        // the trace of a failing run names those, and they join "implement". A failure without
        // such a call is a conflict between candidates (two fallbacks that rely on each other):
        // a search over prefixes finds the candidate whose addition breaks it.
        java.util.Set<String> fallbacks = new java.util.TreeSet<>();
        java.util.Set<String> demotionTried = new java.util.HashSet<>(); // fallbacks already tried as stubs
        int fallbackRounds = 0;
        for (int round = 0; round <= candidates.size() + 2 * MAX_CLOSURE_ROUNDS; round++) {
            SeccompFilter closed = closedWorld(candidates, action, implement, candidates.size());
            List<Callable<WorkloadOutcome>> passes = new ArrayList<>();
            passes.add(() -> run(timed.withFilter(closed).withTrace(true)));
            for (int i = 1; i < options.planPasses(); i++) {
                passes.add(() -> run(timed.withFilter(closed)));
            }
            // fallbacks not tried yet are tried as stubs in the same wave: each run is the plan with
            // that one fallback returning ENOSYS
            List<String> trials = fallbacks.stream().filter(implement::contains).filter(f -> !demotionTried.contains(f)).toList();
            demotionTried.addAll(trials);
            for (String f : trials) {
                List<String> without = new ArrayList<>(implement);
                without.remove(f);
                SeccompFilter filter = closedWorld(candidates, action, without, candidates.size());
                passes.add(() -> run(timed.withFilter(filter)));
            }
            List<WorkloadOutcome> outcomes = invokeAll(pool, passes);
            boolean allPassed = true;
            TraceResult trace = null;
            List<RunRecord> verification = new ArrayList<>();
            for (int i = 0; i < options.planPasses(); i++) {
                WorkloadOutcome o = outcomes.get(i);
                RunRecord r = record(o);
                planRuns.add(r);
                verification.add(r);
                allPassed &= r.passed();
                trace = trace == null ? o.trace() : trace;
            }
            // one line for the wave: the first failure, if any, tells why
            long failed = verification.stream().filter(r -> !r.passed()).count();
            listener.planRun("the plan of " + candidates.size() + " stubs and fakes, every other syscall ENOSYS ("
                    + (failed == 0 ? verification.size() + " runs" : failed + " of " + verification.size() + " runs failed")
                    + ")", verification.stream().filter(r -> !r.passed()).findFirst().orElse(verification.getFirst()));
            List<String> demotable = new ArrayList<>();
            for (int i = 0; i < trials.size(); i++) {
                RunRecord r = record(outcomes.get(options.planPasses() + i));
                planRuns.add(r);
                listener.planRun("fallback " + trials.get(i) + " returning ENOSYS", r);
                if (r.passed()) {
                    demotable.add(trials.get(i));
                }
            }
            if (allPassed) {
                if (demotable.isEmpty()) {
                    return plan(implement, candidates, action, fallbacks, true, repairs, planRuns, verification);
                }
                for (String f : demotable) {
                    implement.remove(f);
                    int nr = table.require(f).number();
                    candidates.add(new SyscallResult(nr, f, 0, SyscallVerdict.STUB_ONLY, null, null));
                    action.put(nr, Mode.STUB);
                    repairs.add(f + ": a fallback the plan survives returning ENOSYS; stub it");
                }
                candidates.sort(java.util.Comparator.comparingInt(SyscallResult::number));
                continue; // verify the plan with the demoted fallbacks
            }
            List<String> unplanned = unplanned(trace, candidates, implement, launch);
            if (!unplanned.isEmpty() && fallbackRounds++ < MAX_CLOSURE_ROUNDS) {
                implement.addAll(unplanned);
                fallbacks.addAll(unplanned);
                repairs.add(String.join(", ", unplanned) + ": called only under the plan (fallbacks); implement "
                        + (unplanned.size() == 1 ? "it" : "them"));
                listener.message("plan: " + repairs.getLast());
                continue;
            }
            int culprit = firstFailingPrefix(pool, candidates, action, implement, timed, planRuns) - 1;
            if (culprit < 0) {
                repairs.add("the workload fails when every syscall outside the used set returns ENOSYS, even with"
                        + " nothing stubbed or faked, and no other call was seen to blame");
                return plan(implement, candidates, action, fallbacks, false, repairs, planRuns, List.of());
            }
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
        throw new ExplorationException("the shim plan could not be repaired (it still fails after every culprit"
                + " found was moved); the workload looks flaky");
    }

    /** Syscalls a traced run called that the plan does not name (the launch's exec aside). */
    private static List<String> unplanned(TraceResult trace, List<SyscallResult> candidates, List<String> implement,
                                          Map<Integer, Long> launch) {
        List<String> unplanned = new ArrayList<>();
        if (trace == null) {
            return unplanned;
        }
        java.util.Set<String> planned = new java.util.HashSet<>(implement);
        candidates.forEach(c -> planned.add(c.name()));
        for (TraceResult.SyscallUse u : trace.syscalls()) {
            long own = u.calls() - launch.getOrDefault(u.number(), 0L);
            if (own > 0 && !planned.contains(u.name())) {
                unplanned.add(u.name());
            }
        }
        return unplanned;
    }

    private static final int MAX_CLOSURE_ROUNDS = 4;

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

    /**
     * The closed-world filter: everything in {@code implement} allowed (and the launch's execve),
     * the first {@code prefix} candidates stubbed or faked, the other candidates allowed, every
     * other syscall ENOSYS. With the whole list as prefix it is the plan as an OS would run it.
     */
    private SeccompFilter closedWorld(List<SyscallResult> candidates, Map<Integer, Mode> action, List<String> implement,
                                      int prefix) {
        SeccompFilter.Builder b = SeccompFilter.builder(SeccompAction.STUB);
        java.util.Set<Integer> allowed = new java.util.TreeSet<>();
        implement.forEach(n -> allowed.add(table.require(n).number()));
        // the loader execs the program under the filter; an OS starts it without execve
        int execve = table.require("execve").number();
        if (candidates.stream().noneMatch(c -> c.number() == execve)) {
            allowed.add(execve);
        }
        for (int i = prefix; i < candidates.size(); i++) {
            allowed.add(candidates.get(i).number());
        }
        allowed.forEach(nr -> b.rule(nr, SeccompAction.ALLOW));
        for (int i = 0; i < prefix; i++) {
            SyscallResult c = candidates.get(i);
            b.rule(c.number(), action.get(c.number()).action());
        }
        return b.build();
    }


    /**
     * The length of the shortest prefix of the candidates whose stubs and fakes make the closed
     * world fail (the whole list is known to fail); its last syscall is what breaks it. 0 if even
     * the empty prefix fails. A k-ary search: each wave tests up to {@code jobs} evenly spaced
     * prefixes at once, so 34 candidates take two waves instead of six bisection steps.
     */
    private int firstFailingPrefix(ExecutorService pool, List<SyscallResult> candidates, Map<Integer, Mode> action, List<String> implement,
                                   WorkloadRunner.Options timed, List<RunRecord> planRuns) throws InterruptedException {
        int lo = -1; // the largest prefix known to pass
        int hi = candidates.size(); // a prefix known to fail
        while (hi - lo > 1) {
            int width = Math.min(Math.max(1, options.jobs()), hi - lo - 1);
            List<Integer> points = new ArrayList<>();
            List<Callable<WorkloadOutcome>> wave = new ArrayList<>();
            for (int i = 1; i <= width; i++) {
                int prefix = lo + i * (hi - lo) / (width + 1);
                SeccompFilter filter = closedWorld(candidates, action, implement, prefix);
                points.add(prefix);
                wave.add(() -> run(timed.withFilter(filter)));
            }
            List<RunRecord> records = invokeAll(pool, wave).stream().map(Explorer::record).toList();
            planRuns.addAll(records);
            int failing = hi;
            RunRecord firstFailure = null;
            for (int i = 0; i < points.size(); i++) {
                if (!records.get(i).passed() && points.get(i) < failing) {
                    failing = points.get(i);
                    firstFailure = records.get(i);
                }
            }
            int passing = lo;
            RunRecord lastPass = null;
            for (int i = 0; i < points.size(); i++) {
                if (records.get(i).passed() && points.get(i) < failing && points.get(i) > passing) {
                    passing = points.get(i);
                    lastPass = records.get(i);
                }
            }
            // one line per wave: the boundary it found
            String label = "search (" + points.size() + (points.size() == 1 ? " run" : " runs at once") + "): ";
            if (lastPass != null) {
                listener.planRun(label + "first " + passing + " of " + candidates.size(), lastPass);
            }
            if (firstFailure != null) {
                listener.planRun(label + "first " + failing + " of " + candidates.size(), firstFailure);
            }
            lo = passing;
            hi = failing;
        }
        return hi;
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
        return RunRecord.of(o);
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
