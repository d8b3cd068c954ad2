package dev.shimscope.explore;

import dev.shimscope.model.Comparison;
import dev.shimscope.model.Impact;
import dev.shimscope.model.Impacts;
import dev.shimscope.model.Measure;
import dev.shimscope.model.RunRecord;
import dev.shimscope.model.Treatment;
import dev.shimscope.model.Verdict;
import dev.shimscope.sandbox.SeccompFilter;
import dev.shimscope.stats.ImpactRule.Spread;
import dev.shimscope.stats.ImpactRule;
import dev.shimscope.syscall.Syscall;
import dev.shimscope.workload.RunScheduler;
import dev.shimscope.workload.WorkloadOutcome;
import dev.shimscope.workload.WorkloadRunner;
import dev.shimscope.workload.WorkloadSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * What the stubs and fakes of a finished set of experiments cost, and what the verified plan
 * costs, by {@link ImpactRule}; reported to the listener as {@link ExploreEvent.ImpactsConfirmed}
 * and {@link ExploreEvent.PlanCostMeasured}.
 *
 * <p><b>Controls.</b> Among the experiments' runs, at their concurrency and under the machine's load
 * of that moment, run a few unaltered runs of the workload ({@link #controlTasks}): the baseline the
 * experiments are screened against. (The exploration's first baseline runs K at once beside the
 * trace, for the time limits: it is slower than the experiments that follow it.)
 *
 * <p><b>Screening</b> (no run): every passing experiment is compared on each {@link Measure} with the
 * controls at 99 % per comparison; the spread is the controls' or, if larger, the experiments' own
 * robust spread (most experiments change nothing). <b>Confirmation</b>: the experiments that lie
 * outside, the largest first and at most {@code maxCandidates}, are run again with the machine to
 * themselves: up to {@value #CONFIRM_ROUNDS} rounds, each one baseline run alone followed by one run
 * alone of each candidate still open (so a machine that got busier meanwhile weighs on both sides
 * alike). Only the measures flagged at screening are tested, at 95 % family-wise (over the
 * comparisons and the rounds); after each round a measure is confirmed, dropped (its ratio is within
 * 5 %), or left open for the next round. Those runs decide: a busy machine or a CPU-hungry
 * neighbour among the parallel runs is not reported as an impact. <b>Cheaper</b>: of a syscall that
 * works both stubbed and faked, the treatment with fewer confirmed costs (changes for the worse),
 * where they differ: advice for the OS developer, not a change of the plan (the plan stubs what
 * works both ways, whatever a moment's runs measured). <b>Plan cost</b>: R rounds of one baseline run
 * alone and one run alone of the verified plan in its closed world.
 */
final class ImpactAnalysis {

    /** The most rounds of runs alone that confirm a screened experiment. */
    static final int CONFIRM_ROUNDS = 3;

    /** Runs a workload once (the explorer counts runs). */
    @FunctionalInterface
    interface Runs {
        WorkloadOutcome run(WorkloadRunner.Options o) throws InterruptedException;
    }

    private final WorkloadSpec spec;
    private final RunScheduler scheduler;
    private final ExploreListener listener;
    private final Runs runs;
    private final List<RunRecord> baseline;
    private final List<RunRecord> controls = java.util.Collections.synchronizedList(new ArrayList<>());
    private final int maxCandidates;
    private final List<Measure> measures = new ArrayList<>();
    /** Every baseline run made alone so far (their variation is the machine's, to itself). */
    private final List<List<RunRecord>> aloneBaselines = new ArrayList<>();
    private List<Impact> impacts = List.of();
    private SortedMap<Syscall, Treatment> choices = new TreeMap<>();
    private List<Comparison> planCost = List.of();
    private int screened;
    private int confirmed;
    private int aloneRuns;
    private long aloneNanos;

    /**
     * @param baseline      the exploration's baseline runs (the screening's reference when there are
     *                      fewer than three passing controls, as after a resume with nothing left)
     * @param maxCandidates the most experiments confirmed alone (the largest screened impacts first)
     */
    ImpactAnalysis(WorkloadSpec spec, RunScheduler scheduler, ExploreListener listener, Runs runs,
                   List<RunRecord> baseline, int maxCandidates) {
        this.spec = spec;
        this.scheduler = scheduler;
        this.listener = listener;
        this.runs = runs;
        this.baseline = List.copyOf(baseline);
        this.maxCandidates = maxCandidates;
        measures.addAll(List.of(Measure.TIME, Measure.CPU, Measure.MEMORY, Measure.FDS));
        if (spec.metric() != null) {
            measures.add(Measure.METRIC);
        }
    }

    /**
     * {@code count} unaltered runs to put among the experiments' tasks (they run at the experiments'
     * concurrency); their records become the screening's reference. A failed control is left out.
     */
    <T> List<Callable<T>> controlTasks(int count, WorkloadRunner.Options timed) {
        List<Callable<T>> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tasks.add(() -> {
                controls.add(runs.run(timed).record());
                return null;
            });
        }
        return tasks;
    }

    /** Inserts {@code extra} evenly among {@code tasks}. */
    static <T> List<Callable<T>> interleave(List<Callable<T>> tasks, List<Callable<T>> extra) {
        List<Callable<T>> out = new ArrayList<>();
        int every = Math.max(1, tasks.size() / (extra.size() + 1));
        int next = 0;
        for (int i = 0; i < tasks.size(); i++) {
            if (next < extra.size() && i == (next + 1) * every) {
                out.add(extra.get(next++));
            }
            out.add(tasks.get(i));
        }
        out.addAll(extra.subList(next, extra.size()));
        return out;
    }

    private String name(Measure m) {
        return m == Measure.METRIC ? spec.metric().name() : m.id();
    }

    private boolean higherIsBetter(Measure m) {
        return m == Measure.METRIC && spec.metric().higherIsBetter();
    }

    /** An experiment that lay outside the baseline, with the measures it did so on. */
    private record Candidate(ExperimentResult result, List<Measure> flagged, double size) {
    }

    /** The screening's reference: the passing controls, or the baseline if fewer than three passed. */
    private List<RunRecord> reference() {
        List<RunRecord> passing;
        synchronized (controls) {
            passing = controls.stream().filter(RunRecord::passed).toList();
        }
        return passing.size() >= 3 ? passing : baseline;
    }

    /**
     * Screens the experiments, confirms the largest alone and notes, of syscalls that work both
     * ways, those whose two treatments cost differently with the cheaper one ({@link #result}).
     *
     * @param timed the experiments' run options (their time limits)
     */
    void experiments(List<SyscallResult> verdicts, WorkloadRunner.Options timed)
            throws InterruptedException {
        List<ExperimentResult> all = new ArrayList<>();
        verdicts.forEach(v -> all.addAll(List.of(v.stub(), v.fake())));
        List<RunRecord> reference = reference();
        Map<Measure, Spread> spread = new LinkedHashMap<>();
        for (Measure m : measures) {
            double[] bulk = all.stream().map(ImpactAnalysis::passingRuns).filter(r -> !r.isEmpty())
                    .mapToDouble(r -> m.of(r.getFirst())).filter(v -> !Double.isNaN(v)).toArray();
            spread.put(m, Spread.pooled(ImpactRule.groups(ImpactRule.values(reference, m))).atLeast(Spread.robust(bulk)));
        }
        List<Candidate> candidates = new ArrayList<>();
        for (ExperimentResult r : all) {
            Candidate c = screen(r, reference, spread);
            if (c != null) {
                candidates.add(c);
            }
        }
        screened = candidates.size();
        // the largest first; in syscall order among equals, so the same data chooses the same way
        candidates.sort(Comparator.comparingDouble((Candidate c) -> -c.size())
                .thenComparing(c -> c.result().experiment().key()));
        List<Candidate> chosen = candidates.subList(0, Math.min(maxCandidates, candidates.size()));
        confirmed = chosen.size();
        impacts = chosen.isEmpty() ? List.of() : confirm(chosen, timed);
        choices = choices(verdicts);
        listener.on(new ExploreEvent.ImpactsConfirmed(impacts, screened, confirmed));
    }

    private static List<RunRecord> passingRuns(ExperimentResult r) {
        List<RunRecord> all = new ArrayList<>(r.runs());
        all.addAll(r.confirmation());
        return all.stream().filter(RunRecord::passed).toList();
    }

    /** The measures on which the experiment's passing runs lie outside the reference's variation. */
    private Candidate screen(ExperimentResult r, List<RunRecord> reference, Map<Measure, Spread> spread) {
        List<RunRecord> passing = passingRuns(r);
        List<Measure> flagged = new ArrayList<>();
        double size = 0;
        for (Measure m : measures) {
            Comparison c = ImpactRule.compare(m, name(m), higherIsBetter(m), ImpactRule.values(reference, m),
                    ImpactRule.values(passing, m), spread.get(m), 1 - ImpactRule.SCREEN_ALPHA);
            if (c != null && c.significant()) {
                flagged.add(m);
                size = Math.max(size, c.size());
            }
        }
        return flagged.isEmpty() ? null : new Candidate(r, flagged, size);
    }

    /** Rounds alone: a baseline run, then each candidate with a measure still open; the impacts that stood. */
    private List<Impact> confirm(List<Candidate> chosen, WorkloadRunner.Options timed) throws InterruptedException {
        listener.on(new ExploreEvent.PhaseStarted(ExploreEvent.Phase.IMPACT, 1 + chosen.size()));
        int comparisons = chosen.stream().mapToInt(c -> c.flagged().size()).sum();
        double confidence = 1 - ImpactRule.ALPHA / (comparisons * CONFIRM_ROUNDS);
        List<RunRecord> base = new ArrayList<>();
        aloneBaselines.add(base);
        Map<Candidate, List<RunRecord>> alone = new LinkedHashMap<>();
        Map<Candidate, List<Measure>> open = new LinkedHashMap<>();
        for (Candidate c : chosen) {
            alone.put(c, new ArrayList<>());
            open.put(c, new ArrayList<>(c.flagged()));
        }
        List<Impact> found = new ArrayList<>();
        for (int round = 1; round <= CONFIRM_ROUNDS && open.values().stream().anyMatch(l -> !l.isEmpty()); round++) {
            base.add(alone(timed));
            for (Candidate c : chosen) {
                if (open.get(c).isEmpty()) {
                    continue;
                }
                WorkloadRunner.Options o = timed.withFilter(SeccompFilter.of(c.result().experiment().configuration()));
                alone.get(c).add(alone(c.result().tests() == null ? o : o.withTests(c.result().tests())));
            }
            for (Candidate c : chosen) {
                for (var it = open.get(c).iterator(); it.hasNext(); ) {
                    Measure m = it.next();
                    Comparison cmp = ImpactRule.compare(m, name(m), higherIsBetter(m), ImpactRule.values(base, m),
                            ImpactRule.values(alone.get(c), m), spread(m, new ArrayList<>(alone.values())), confidence);
                    if (cmp == null) {
                        it.remove(); // it failed alone: nothing to compare
                    } else if (cmp.significant()) {
                        found.add(new Impact(c.result().experiment().syscall(), c.result().experiment().treatment(), cmp));
                        it.remove();
                    } else if (ImpactRule.negligible(cmp.ratio())) {
                        it.remove();
                    }
                }
            }
        }
        found.sort(Comparator.comparingDouble((Impact x) -> -x.comparison().size())
                .thenComparing(x -> x.syscall().number()).thenComparing(x -> x.treatment().id()));
        return List.copyOf(found);
    }

    private RunRecord alone(WorkloadRunner.Options o) throws InterruptedException {
        aloneRuns++;
        long t0 = System.nanoTime();
        try {
            return scheduler.alone(() -> runs.run(o)).record();
        } finally {
            aloneNanos += System.nanoTime() - t0; // waiting for the others to end included
        }
    }

    /**
     * How much runs alone vary: pooled within the baseline runs alone so far and the given runs
     * alone, and within the controls and the first baseline (runs in parallel vary more: including
     * them errs towards reporting less, and gives the estimate degrees of freedom from the start).
     */
    private Spread spread(Measure m, List<List<RunRecord>> others) {
        List<double[]> groups = new ArrayList<>();
        groups.add(ImpactRule.values(baseline, m));
        synchronized (controls) {
            groups.add(ImpactRule.values(controls, m));
        }
        aloneBaselines.forEach(g -> groups.add(ImpactRule.values(g, m)));
        others.forEach(g -> groups.add(ImpactRule.values(g, m)));
        return Spread.pooled(ImpactRule.groups(groups.toArray(double[][]::new)));
    }

    /** The groups of {@link #spread} but the given runs: the first baseline, the controls, the baselines alone. */
    private List<double[]> others(Measure m) {
        List<double[]> groups = new ArrayList<>();
        groups.add(ImpactRule.values(baseline, m));
        synchronized (controls) {
            groups.add(ImpactRule.values(controls, m));
        }
        aloneBaselines.stream().filter(g -> !g.isEmpty()).forEach(g -> groups.add(ImpactRule.values(g, m)));
        return ImpactRule.groups(groups.toArray(double[][]::new));
    }

    /** For each syscall that works both ways and whose two treatments cost differently: the cheaper one. */
    private SortedMap<Syscall, Treatment> choices(List<SyscallResult> verdicts) {
        SortedMap<Syscall, Treatment> out = new TreeMap<>();
        for (SyscallResult v : verdicts) {
            if (v.verdict() != Verdict.BOTH) {
                continue;
            }
            long stub = costs(v.syscall(), Treatment.Kind.STUB);
            long fake = costs(v.syscall(), Treatment.Kind.FAKE);
            if (stub != fake) {
                out.put(v.syscall(), stub > fake ? Treatment.FAKE : Treatment.STUB);
            }
        }
        return out;
    }

    private long costs(Syscall s, Treatment.Kind kind) {
        return impacts.stream().filter(i -> i.syscall().equals(s) && i.treatment().kind() == kind
                && i.comparison().worse()).count();
    }

    /**
     * The plan's cost: {@code rounds} rounds of one baseline run alone and one run alone of the plan
     * ({@code plan}: its closed-world options), compared on every measure at 95 % over them all.
     *
     * @param base the baseline's options for these runs (a suite made of tests: all explored tests)
     */
    List<Comparison> planCost(WorkloadRunner.Options base, WorkloadRunner.Options plan, int rounds)
            throws InterruptedException {
        listener.on(new ExploreEvent.PhaseStarted(ExploreEvent.Phase.COST, 2 * rounds));
        List<RunRecord> baseAlone = new ArrayList<>();
        List<RunRecord> planAlone = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            baseAlone.add(alone(base));
            planAlone.add(alone(plan));
        }
        // the spread: within these runs, the earlier baselines alone, the controls and the first baseline
        List<Comparison> out = ImpactRule.costs(baseAlone, planAlone, spec.metric() == null ? null : spec.metric().name(),
                spec.metric() != null && spec.metric().higherIsBetter(), this::others);
        planCost = List.copyOf(out);
        listener.on(new ExploreEvent.PlanCostMeasured(planCost));
        return planCost;
    }

    /** The controls made so far (unaltered runs among the experiments). */
    List<RunRecord> controls() {
        synchronized (controls) {
            return List.copyOf(controls);
        }
    }

    /** What was found (call after {@link #experiments} and, if the plan was verified, {@link #planCost}). */
    Impacts result() {
        return new Impacts(impacts, planCost, choices, screened, confirmed, aloneRuns, aloneNanos / 1_000_000,
                ImpactRule.DESCRIPTION);
    }
}
