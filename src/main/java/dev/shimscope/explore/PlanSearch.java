package dev.shimscope.explore;

import dev.shimscope.explore.ExploreEvent.WaveKind;
import dev.shimscope.model.Repair;
import dev.shimscope.model.RunRecord;
import dev.shimscope.model.ShimConfiguration;
import dev.shimscope.model.ShimPlan;
import dev.shimscope.model.Treatment;
import dev.shimscope.model.Verdict;
import dev.shimscope.sandbox.SeccompFilter;
import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.trace.TraceResult;
import dev.shimscope.workload.RunScheduler;
import dev.shimscope.workload.WorkloadOutcome;
import dev.shimscope.workload.WorkloadRunner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * Turns an exploration's verdicts into a shim plan that is verified the way an OS would run it,
 * canonical and minimal.
 *
 * <p><b>Start.</b> Required and flaky syscalls are implemented; the others are candidates: stub
 * only and both are stubbed (a stub needs no code at all), fake only is faked. Measured costs do not
 * steer the plan: they are statistics of a moment's runs, the plan is a function of the verdicts
 * and of the closed-world runs ({@link ImpactAnalysis} reports where a fake would cost less).
 *
 * <p><b>Rounds.</b> Each round runs the plan in the closed world (every syscall the plan does not
 * name returns ENOSYS) {@code passes} times, with limits {@value TimeLimits#PLAN_FACTOR} times the
 * experiments' (a plan that is merely slow is an impact, not a failure), plus one traced run with
 * the spec's own limits (strace is slow: this run only shows which calls the application makes
 * under the plan; its pass or failure verifies nothing), plus the trials of each syscall a repair
 * made costlier that has not been tried against this plan: one a repair implemented is tried
 * returning ENOSYS and, unless its fake failed its experiment, returning 0; one a conflict moved
 * from stub to fake is tried returning ENOSYS. Then:
 * <ul>
 *   <li>calls the traced run made outside the plan are fallbacks the application took because of
 *       a stub (clone3 stubbed: glibc uses clone). If the plan failed, they are implemented; if it
 *       passed, they are stubs already (they returned ENOSYS) and are listed as such;</li>
 *   <li>if the plan passed, every syscall with a passing trial takes the cheapest that passed
 *       (stub before fake) and the next round verifies the plan so; if nothing changed, the plan
 *       is verified;</li>
 *   <li>if the plan failed only by time limits, it is run again with longer limits before
 *       anything is blamed;</li>
 *   <li>if it failed otherwise with no new fallback, two candidates conflict: a search over
 *       prefixes of the candidates in syscall-number order finds the shortest failing prefix (up
 *       to K prefixes at once; a failing point is confirmed by a second run before it counts, and
 *       does not count below a longer prefix that passed); its last candidate is faked if it is
 *       stubbed and works both ways, else implemented.</li>
 * </ul>
 *
 * <p><b>Canonical.</b> Every choice follows a fixed order (syscall numbers) and a fixed rule (stub
 * before fake, the last candidate of the shortest failing prefix), so the same verdicts and the
 * same run outcomes give the same plan. <b>Minimal.</b> The plan is finished only when every
 * syscall that a repair made costlier has been tried with each cheaper treatment against the final
 * plan and failed, each with the run that proved it ({@link Repair#proof()}); so a repair that an
 * intermittent failure or a later repair made unnecessary does not stay in the plan, and plans
 * that took different repairs on the way end alike.
 */
final class PlanSearch {

    /** Runs a workload once (the explorer counts runs). */
    @FunctionalInterface
    interface Runs {
        WorkloadOutcome run(WorkloadRunner.Options o) throws InterruptedException;
    }

    private final WorkloadRunner runner;
    private final SyscallTable table;
    private final RunScheduler scheduler;
    private final ExploreListener listener;
    private final int passes;
    private final TimeLimits planLimits;
    private final TimeLimits longerLimits;
    private final TimeLimits traceLimits;
    /** A trial asks what an experiment asks (does it work with this one syscall ENOSYS?): the same limits. */
    private final TimeLimits trialLimits;
    private final Runs runs;
    private final Syscall launch;
    /** What every run of the plan starts from (for a suite made of tests: all explored tests). */
    private final WorkloadRunner.Options base;

    // the plan being built
    private final SortedMap<Syscall, Treatment> candidates = new TreeMap<>();
    private final SortedSet<Syscall> implement = new TreeSet<>();
    private final SortedSet<Syscall> fallbacks = new TreeSet<>();
    private final Map<Syscall, Verdict> verdicts = new HashMap<>();
    private final List<Repair> repairs = new ArrayList<>();
    /** Syscalls a repair implemented, with the closed world they last failed a trial in (null: untried). */
    private final Map<Syscall, ShimConfiguration> repaired = new TreeMap<>();
    /** Candidates that conflicted once: not demoted again. */
    private final Set<Syscall> conflicted = new TreeSet<>();
    /** Syscalls whose repair was undone once: blamed again, they keep the repair (no loop). */
    private final Set<Syscall> undone = new TreeSet<>();
    private final List<RunRecord> allRuns = new ArrayList<>();
    /** What the last passing wave's trials made cheaper (the plan it passed with, changed by them). */
    private final List<Repair> lastDemotions = new ArrayList<>();
    private int round;
    private int flakyRounds;
    /** Rounds in which the whole plan failed and then passed again before it counts as flaky. */
    private static final int MAX_FLAKY_ROUNDS = 2;

    PlanSearch(WorkloadRunner runner, SyscallTable table, RunScheduler scheduler, ExploreListener listener, int passes,
               TimeLimits experimentLimits, TimeLimits traceLimits, Runs runs, WorkloadRunner.Options base) {
        this.runner = runner;
        this.table = table;
        this.scheduler = scheduler;
        this.listener = listener;
        this.passes = passes;
        this.planLimits = experimentLimits.times(TimeLimits.PLAN_FACTOR, runner.spec());
        this.longerLimits = experimentLimits.times(3 * TimeLimits.PLAN_FACTOR, runner.spec());
        this.traceLimits = traceLimits;
        this.trialLimits = experimentLimits;
        this.runs = runs;
        this.launch = table.require("execve");
        this.base = base;
    }

    /** The most rounds before the plan is given up as not verifiable (each round changes the plan). */
    private int maxRounds() {
        return candidates.size() + implement.size() + 8;
    }

    PlanOutcome search(List<SyscallResult> results, Map<Integer, Long> launchCalls) throws InterruptedException {
        for (SyscallResult v : results) {
            verdicts.put(v.syscall(), v.verdict());
            switch (v.verdict()) {
                case REQUIRED, FLAKY -> implement.add(v.syscall());
                case STUB_ONLY -> candidates.put(v.syscall(), Treatment.STUB);
                // between equals the stub: it needs no code at all
                case BOTH -> candidates.put(v.syscall(), Treatment.STUB);
                case FAKE_ONLY -> candidates.put(v.syscall(), Treatment.FAKE);
            }
        }
        listener.on(new ExploreEvent.PhaseStarted(ExploreEvent.Phase.PLAN, passes + 1));
        ShimConfiguration traced = null; // the configuration the last traced run saw
        int max = maxRounds();
        for (round = 1; round <= max; round++) {
            ShimConfiguration plan = closedWorld(candidates.size());
            boolean traceNow = !plan.equals(traced);
            // a syscall a repair made costlier is tried cheaper in the next wave; those tried
            // against an earlier plan are tried again once the plan passes (below)
            List<Syscall> fresh = repaired.entrySet().stream().filter(e -> e.getValue() == null).map(Map.Entry::getKey).toList();
            List<Trial> freshTrials = trialsOf(fresh);
            // the trials that follow a passing wave when it demotes nothing (those tried against an
            // earlier plan), run in the same wave when they fit in the runs the machine allows
            // beside it: their results are used exactly where they would have been run (below), or
            // not at all, so the plan does not depend on whether they fitted
            List<Trial> ahead = trialsOf(triedAgainstAnotherPlan(plan));
            if (passes + (traceNow ? 1 : 0) + freshTrials.size() + ahead.size() > scheduler.currentLimit()) {
                ahead = List.of();
            }
            Wave wave = wave(plan, traceNow, freshTrials, ahead);
            if (traceNow) {
                traced = plan;
            }
            List<Syscall> unplanned = unplanned(wave.trace(), launchCalls);
            List<Syscall> newFallbacks = unplanned.stream().filter(s -> !implement.contains(s)).toList();
            if (!wave.passed() && newFallbacks.isEmpty() && wave.onlyTimeLimits()) {
                // slow is not broken: before anything is blamed, the same plan with longer limits
                wave = wave.withVerification(verify(plan, longerLimits, WaveKind.VERIFY_LONGER));
            }
            if (wave.passed()) {
                lastDemotions.clear();
                // calls outside the plan returned ENOSYS and the plan still passed: they are stubs
                for (Syscall s : unplanned) {
                    fallbacks.add(s);
                    candidates.put(s, Treatment.STUB);
                    repair(new Repair(s, Repair.Cause.FALLBACK_STUBBED, null, Treatment.STUB, wave.traceRecord()));
                }
                boolean demoted = demote(plan, freshTrials, wave.trialRecords());
                if (!demoted) {
                    // minimal: every repair tried against this, the final plan
                    List<Trial> stale = trialsOf(triedAgainstAnotherPlan(plan));
                    if (!stale.isEmpty()) {
                        List<RunRecord> records;
                        if (stale.equals(ahead)) {
                            records = wave.aheadRecords();
                            announce(stale, records);
                        } else {
                            records = trials(plan, stale);
                        }
                        demoted = demote(plan, stale, records);
                    }
                }
                if (!demoted) {
                    return outcome(true, wave.verification());
                }
                continue; // verify the plan without them
            }
            if (lastDemotions.size() == 1) {
                // the plan passed before this one syscall was made cheaper (its single trial run
                // passed) and fails now: the change is the cause, or the trial's pass was luck.
                // It gets its repair back for good; the plan that passed is verified again. (With
                // several made cheaper at once, the conflict search below finds which.)
                Repair d = lastDemotions.removeFirst();
                Syscall s = d.syscall();
                if (d.from().kind() == Treatment.Kind.IMPLEMENT) {
                    candidates.remove(s);
                    implement.add(s);
                } else {
                    candidates.put(s, d.from());
                }
                repair(new Repair(s, Repair.Cause.RESTORED, d.to(), d.from(), wave.firstFailure()));
                continue;
            }
            lastDemotions.clear();
            for (Syscall s : fresh) {
                repaired.put(s, plan); // a failing plan proves nothing about them: tried again once it passes
            }
            if (!newFallbacks.isEmpty()) {
                for (Syscall s : newFallbacks) {
                    fallbacks.add(s);
                    implement.add(s);
                    repaired.put(s, null);
                    repair(new Repair(s, Repair.Cause.FALLBACK, null, Treatment.IMPLEMENT, wave.firstFailure()));
                }
                continue;
            }
            Conflict c = firstFailingPrefix();
            if (c == null) {
                return outcome(false, wave.verification());
            }
            if (c.culprit() == null) {
                flakyRounds++;
                if (flakyRounds > MAX_FLAKY_ROUNDS) {
                    return outcome(false, wave.verification());
                }
                for (Syscall s : fresh) {
                    repaired.put(s, null); // the same plan again: they must be tried once it passes
                }
                continue; // verify the same plan again
            }
            Syscall culprit = c.culprit();
            Treatment before = candidates.get(culprit);
            if (before.kind() == Treatment.Kind.STUB && verdicts.getOrDefault(culprit, Verdict.STUB_ONLY) == Verdict.BOTH
                    && !conflicted.contains(culprit)) {
                candidates.put(culprit, Treatment.FAKE);
                retryUnlessUndoneBefore(culprit);
                repair(new Repair(culprit, Repair.Cause.CONFLICT, before, Treatment.FAKE, c.proof()));
            } else {
                candidates.remove(culprit);
                implement.add(culprit);
                retryUnlessUndoneBefore(culprit);
                repair(new Repair(culprit, Repair.Cause.CONFLICT, before, Treatment.IMPLEMENT, c.proof()));
            }
            conflicted.add(culprit);
        }
        return outcome(false, List.of());
    }

    /**
     * A syscall a repair made costlier, with a cheaper treatment to try against the plan: one that
     * a repair implemented is tried stubbed, then faked (unless faking it failed its experiment);
     * one that a conflict moved from stub to fake is tried stubbed.
     */
    private record Trial(Syscall syscall, Treatment treatment) {
        WaveKind kind() {
            return treatment.kind() == Treatment.Kind.STUB ? WaveKind.TRIAL : WaveKind.TRIAL_FAKE;
        }
    }

    /** Syscalls a repair made costlier whose last trial ran against another plan than {@code plan}. */
    private List<Syscall> triedAgainstAnotherPlan(ShimConfiguration plan) {
        return repaired.entrySet().stream().filter(e -> e.getValue() != null && !plan.equals(e.getValue()))
                .map(Map.Entry::getKey).toList();
    }

    /** The trials of {@code syscalls}, cheapest first for each (stub before fake). */
    private List<Trial> trialsOf(List<Syscall> syscalls) {
        List<Trial> out = new ArrayList<>();
        for (Syscall s : syscalls) {
            out.add(new Trial(s, Treatment.STUB));
            Verdict v = verdicts.get(s); // none for a fallback: its fake is as open as its stub
            if (implement.contains(s) && v != Verdict.STUB_ONLY) {
                out.add(new Trial(s, Treatment.FAKE));
            }
        }
        return out;
    }

    /**
     * Gives each syscall of {@code tried} the cheapest of its trials against {@code plan} that
     * passed; the others are marked as tried against it. True if any changed.
     */
    private boolean demote(ShimConfiguration plan, List<Trial> tried, List<RunRecord> records) {
        boolean any = false;
        Set<Syscall> done = new TreeSet<>();
        for (int i = 0; i < tried.size(); i++) {
            Trial t = tried.get(i);
            RunRecord r = records.get(i);
            if (done.contains(t.syscall())) {
                continue; // a cheaper trial of it passed
            }
            if (r.passed()) {
                any = true;
                done.add(t.syscall());
                Syscall s = t.syscall();
                Treatment from = implement.contains(s) ? Treatment.IMPLEMENT : candidates.get(s);
                repaired.remove(s);
                implement.remove(s);
                candidates.put(s, t.treatment());
                undone.add(s);
                boolean stubbedFallback = fallbacks.contains(s) && t.treatment().kind() == Treatment.Kind.STUB;
                Repair made = new Repair(s, stubbedFallback ? Repair.Cause.FALLBACK_STUBBED : Repair.Cause.NOT_NEEDED,
                        from, t.treatment(), r);
                repair(made);
                lastDemotions.add(made);
            } else {
                repaired.put(t.syscall(), plan);
            }
        }
        return any;
    }

    /** One run each of the plan with one syscall of each trial changed as it says (experiment limits). */
    private List<RunRecord> trials(ShimConfiguration plan, List<Trial> trials) throws InterruptedException {
        List<Callable<WorkloadOutcome>> tasks = new ArrayList<>();
        trials.forEach(t -> tasks.add(trialRun(plan, t)));
        List<RunRecord> records = scheduler.invokeAll(tasks).stream().map(WorkloadOutcome::record).toList();
        allRuns.addAll(records);
        announce(trials, records);
        return records;
    }

    /** The run of {@code plan} with the trial's syscall changed as it says, at the experiments' limits. */
    private Callable<WorkloadOutcome> trialRun(ShimConfiguration plan, Trial t) {
        SeccompFilter filter = SeccompFilter.of(plan.with(t.syscall(), t.treatment()));
        return () -> runs.run(trialLimits.apply(base.withFilter(filter)));
    }

    /** Tells the listener each trial's run. */
    private void announce(List<Trial> trials, List<RunRecord> records) {
        for (int i = 0; i < trials.size(); i++) {
            listener.on(new ExploreEvent.PlanWave(round, maxRounds(), trials.get(i).kind(), trials.get(i).syscall(),
                    candidates.size(), candidates.size(), List.of(records.get(i))));
        }
    }

    /** Tries {@code s} again with a cheaper treatment in the next wave, unless that was undone once already. */
    private void retryUnlessUndoneBefore(Syscall s) {
        if (!undone.contains(s)) {
            repaired.put(s, null);
        }
    }

    private void repair(Repair r) {
        repairs.add(r);
        listener.on(new ExploreEvent.PlanRepaired(r));
    }

    private PlanOutcome outcome(boolean verified, List<RunRecord> verification) {
        SortedSet<Syscall> stub = new TreeSet<>();
        SortedSet<Syscall> fake = new TreeSet<>();
        candidates.forEach((s, t) -> (t.kind() == Treatment.Kind.STUB ? stub : fake).add(s));
        ShimPlan plan = new ShimPlan(implement, stub, fake, fallbacks, verified, verified ? passes : 0, repairs);
        return new PlanOutcome(plan, allRuns, verification, round);
    }

    // ---- waves ----

    /** What one wave of runs showed. */
    private record Wave(List<RunRecord> verification, WorkloadOutcome tracedOutcome, List<RunRecord> trialRecords,
                        List<RunRecord> aheadRecords) {
        boolean passed() {
            return verification.stream().allMatch(RunRecord::passed);
        }

        boolean onlyTimeLimits() {
            return verification.stream().filter(r -> !r.passed()).allMatch(RunRecord::timeLimit);
        }

        TraceResult trace() {
            return tracedOutcome == null ? null : tracedOutcome.trace();
        }

        RunRecord traceRecord() {
            return tracedOutcome == null ? null : tracedOutcome.record();
        }

        RunRecord firstFailure() {
            return verification.stream().filter(r -> !r.passed()).findFirst()
                    .orElse(tracedOutcome != null ? tracedOutcome.record() : null);
        }

        Wave withVerification(List<RunRecord> v) {
            return new Wave(v, tracedOutcome, trialRecords, aheadRecords);
        }
    }

    /**
     * The plan's verification runs, its traced run (if wanted), the trials and the trials run
     * ahead, all at once; those run ahead are told to the listener only where they are used.
     */
    private Wave wave(ShimConfiguration plan, boolean trace, List<Trial> trials, List<Trial> ahead)
            throws InterruptedException {
        SeccompFilter filter = SeccompFilter.of(plan);
        List<Callable<WorkloadOutcome>> tasks = new ArrayList<>();
        for (int i = 0; i < passes; i++) {
            tasks.add(() -> runs.run(planLimits.apply(base.withFilter(filter))));
        }
        if (trace) {
            tasks.add(() -> runs.run(traceLimits.apply(base.withFilter(filter).withTrace(true))));
        }
        trials.forEach(t -> tasks.add(trialRun(plan, t)));
        ahead.forEach(t -> tasks.add(trialRun(plan, t)));
        List<WorkloadOutcome> outcomes = scheduler.invokeAll(tasks);
        List<RunRecord> verification = outcomes.subList(0, passes).stream().map(WorkloadOutcome::record).toList();
        WorkloadOutcome traced = trace ? outcomes.get(passes) : null;
        int first = passes + (trace ? 1 : 0);
        List<RunRecord> trialRecords = outcomes.subList(first, first + trials.size()).stream()
                .map(WorkloadOutcome::record).toList();
        List<RunRecord> aheadRecords = outcomes.subList(first + trials.size(), outcomes.size()).stream()
                .map(WorkloadOutcome::record).toList();
        allRuns.addAll(verification);
        allRuns.addAll(trialRecords);
        allRuns.addAll(aheadRecords);
        int maxRounds = maxRounds();
        listener.on(new ExploreEvent.PlanWave(round, maxRounds, WaveKind.VERIFY, null, candidates.size(), candidates.size(),
                verification));
        if (traced != null) {
            allRuns.add(traced.record());
            listener.on(new ExploreEvent.PlanWave(round, maxRounds, WaveKind.TRACE, null, candidates.size(),
                    candidates.size(), List.of(traced.record())));
        }
        announce(trials, trialRecords);
        return new Wave(verification, traced, trialRecords, aheadRecords);
    }

    private List<RunRecord> verify(ShimConfiguration plan, TimeLimits limits, WaveKind kind) throws InterruptedException {
        SeccompFilter filter = SeccompFilter.of(plan);
        List<Callable<WorkloadOutcome>> tasks = new ArrayList<>();
        for (int i = 0; i < passes; i++) {
            tasks.add(() -> runs.run(limits.apply(base.withFilter(filter))));
        }
        List<RunRecord> records = scheduler.invokeAll(tasks).stream().map(WorkloadOutcome::record).toList();
        allRuns.addAll(records);
        listener.on(new ExploreEvent.PlanWave(round, maxRounds(), kind, null, candidates.size(), candidates.size(), records));
        return records;
    }

    /**
     * The plan as an OS would run it, with only the first {@code prefix} candidates stubbed or
     * faked and the others allowed: implemented syscalls allowed, the launch's execve allowed,
     * every syscall the plan does not name ENOSYS.
     */
    private ShimConfiguration closedWorld(int prefix) {
        Map<Syscall, Treatment> m = new TreeMap<>();
        implement.forEach(s -> m.put(s, Treatment.IMPLEMENT));
        int i = 0;
        for (Map.Entry<Syscall, Treatment> c : candidates.entrySet()) {
            m.put(c.getKey(), i++ < prefix ? c.getValue() : Treatment.IMPLEMENT);
        }
        // the loader execs the program under the filter; an OS starts it without execve
        m.putIfAbsent(launch, Treatment.IMPLEMENT);
        return ShimConfiguration.closedWorld(m, Treatment.STUB).normalized();
    }

    /** Syscalls a traced run made that the plan does not name (the launch's exec aside). */
    private List<Syscall> unplanned(TraceResult trace, Map<Integer, Long> launchCalls) {
        List<Syscall> out = new ArrayList<>();
        if (trace == null) {
            return out;
        }
        for (TraceResult.SyscallUse u : trace.syscalls()) {
            long own = u.calls() - launchCalls.getOrDefault(u.number(), 0L);
            if (own > 0 && !implement.contains(u.syscall()) && !candidates.containsKey(u.syscall())) {
                out.add(u.syscall());
            }
        }
        return out;
    }

    // ---- the search for a conflict ----

    private record Conflict(Syscall culprit, RunRecord proof) {
    }

    /**
     * The candidate whose addition makes the closed world fail: the last of the shortest failing
     * prefix of the candidates (the whole list is known to fail). A k-ary search: each wave tests
     * up to K evenly spaced prefixes at once, so 34 candidates take two waves instead of six
     * bisection steps. A failing point is run once more before it counts, so that one unlucky run
     * does not blame an innocent candidate; and a failing point below a longer prefix that passed
     * does not count at all (the failure came and went with the same candidates in place: it blames
     * none of them). Null if even the empty prefix fails (the closed world
     * itself breaks the workload, and no call outside the plan was seen to blame).
     */
    private Conflict firstFailingPrefix() throws InterruptedException {
        List<Syscall> order = new ArrayList<>(candidates.keySet());
        int lo = -1; // the largest prefix known to pass
        int hi = order.size(); // a prefix known to fail
        RunRecord proof = null;
        while (hi - lo > 1) {
            int width = Math.min(Math.max(1, scheduler.maxJobs()), hi - lo - 1);
            List<Integer> points = new ArrayList<>();
            List<Callable<WorkloadOutcome>> tasks = new ArrayList<>();
            for (int i = 1; i <= width; i++) {
                int prefix = lo + i * (hi - lo) / (width + 1);
                SeccompFilter filter = SeccompFilter.of(closedWorld(prefix));
                points.add(prefix);
                tasks.add(() -> runs.run(planLimits.apply(base.withFilter(filter))));
            }
            List<RunRecord> records = new ArrayList<>(scheduler.invokeAll(tasks).stream().map(WorkloadOutcome::record).toList());
            allRuns.addAll(records);
            // a failing point must fail twice; its second run goes with the other confirmations
            List<Integer> failing = new ArrayList<>();
            for (int i = 0; i < points.size(); i++) {
                if (!records.get(i).passed()) {
                    failing.add(i);
                }
            }
            if (!failing.isEmpty()) {
                List<Callable<WorkloadOutcome>> again = new ArrayList<>();
                for (int i : failing) {
                    SeccompFilter filter = SeccompFilter.of(closedWorld(points.get(i)));
                    again.add(() -> runs.run(planLimits.apply(base.withFilter(filter))));
                }
                List<RunRecord> second = scheduler.invokeAll(again).stream().map(WorkloadOutcome::record).toList();
                allRuns.addAll(second);
                for (int j = 0; j < failing.size(); j++) {
                    if (second.get(j).passed()) {
                        records.set(failing.get(j), second.get(j)); // one pass of two: not a failing point
                    }
                }
            }
            // the longest passing prefix: a failure below it is contradicted (that prefix's candidates
            // are all in it), so it came and went without a cause among them and blames nobody
            int newLo = lo;
            for (int i = 0; i < points.size(); i++) {
                if (records.get(i).passed() && points.get(i) > newLo) {
                    newLo = points.get(i);
                }
            }
            int newHi = hi;
            RunRecord failure = null;
            for (int i = 0; i < points.size(); i++) {
                if (!records.get(i).passed() && points.get(i) > newLo && points.get(i) < newHi) {
                    newHi = points.get(i);
                    failure = records.get(i);
                }
            }
            for (int i = 0; i < points.size(); i++) {
                int p = points.get(i);
                listener.on(new ExploreEvent.PlanWave(round, maxRounds(), WaveKind.SEARCH, p > 0 ? order.get(p - 1) : null,
                        p, order.size(), List.of(records.get(i))));
            }
            if (failure != null) {
                proof = failure;
            }
            lo = newLo;
            hi = newHi;
        }
        if (hi == 0) {
            return null;
        }
        if (hi == order.size()) {
            // every shorter prefix passed: the only evidence against the last candidate is the
            // verification wave; the whole plan must fail twice more before the last one is blamed
            SeccompFilter filter = SeccompFilter.of(closedWorld(hi));
            List<Callable<WorkloadOutcome>> again = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                again.add(() -> runs.run(planLimits.apply(base.withFilter(filter))));
            }
            List<RunRecord> records = scheduler.invokeAll(again).stream().map(WorkloadOutcome::record).toList();
            allRuns.addAll(records);
            listener.on(new ExploreEvent.PlanWave(round, maxRounds(), WaveKind.SEARCH, order.get(hi - 1), hi, order.size(),
                    records));
            if (records.stream().anyMatch(RunRecord::passed)) {
                return new Conflict(null, null); // the plan fails now and then, not because of one candidate
            }
            proof = records.getFirst();
        }
        return new Conflict(order.get(hi - 1), proof);
    }
}
