package dev.shimscope.emulate;

import dev.shimscope.model.OsDescription;
import dev.shimscope.model.RunRecord;
import dev.shimscope.model.ShimConfiguration;
import dev.shimscope.model.Treatment;
import dev.shimscope.sandbox.SeccompFilter;
import dev.shimscope.stats.ImpactRule;
import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.trace.TraceResult;
import dev.shimscope.workload.RunScheduler;
import dev.shimscope.workload.WorkloadOutcome;
import dev.shimscope.workload.WorkloadRunner;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs a workload as if on an OS that supports only the given syscalls: a filter lets exactly
 * those through and answers every other call with -ENOSYS (or 0, for a shim that fakes), the
 * run is traced, and the syscalls the application called that the OS lacks are reported.
 *
 * <p>When the workload fails, the emulator finds which of those calls are to blame: it first
 * checks that allowing all of them makes the workload pass (tracing again if the failure hid
 * later calls), then tries each alone, K at a time; if none suffices alone, it drops calls one
 * by one while the workload keeps passing (a set from which nothing can be dropped), and, when
 * few enough combinations remain, searches smaller sets exhaustively. The final set is verified
 * by passing runs with exactly it added: "implement these N to run this workload on X". Once the
 * workload passes on the OS (as it is, or with that set), what it costs there is measured: runs on
 * the OS alone against unaltered runs alone, in turn ({@link ImpactRule}).
 *
 * <p>execve is always allowed: the filter is loaded before the program is executed, and an OS
 * starts an application without it. An application that calls execve itself is noted.
 */
public final class Emulator {

    private static final int EXHAUSTIVE_BUDGET = 64;
    private static final int MAX_RETRACES = 5;

    private final WorkloadRunner runner;
    private final SyscallTable table;
    private final RunScheduler scheduler;
    private final int verifyRuns;
    private final Consumer<EmulateEvent> listener;
    private final AtomicInteger runs = new AtomicInteger();
    /** The OS being emulated: its listed syscalls as listed, the rest {@code otherwise}. */
    private ShimConfiguration os;

    private boolean measureCost = true;

    /** This emulator without measuring what the passing OS costs (no runs alone). */
    public Emulator withoutCost() {
        measureCost = false;
        return this;
    }

    /** {@link Emulation#minimalProof} when the set to implement was not searched for. */
    public static final String NOT_SEARCHED = "not searched";

    public Emulator(WorkloadRunner runner, SyscallTable table, RunScheduler scheduler, int verifyRuns,
                    Consumer<EmulateEvent> listener) {
        this.runner = runner;
        this.table = table;
        this.scheduler = scheduler;
        this.verifyRuns = verifyRuns;
        this.listener = listener;
    }

    public Emulation emulate(OsDescription description, boolean fakeByDefault) throws InterruptedException {
        return emulate(description, fakeByDefault, true);
    }

    /**
     * @param findSet on FAIL, search for the smallest set to implement (false: report PASS/FAIL
     *                and the hits from one run, as a quick survey over many OSes does)
     */
    public Emulation emulate(OsDescription description, boolean fakeByDefault, boolean findSet)
            throws InterruptedException {
        long t0 = System.nanoTime();
        runner.check();
        String os = description.name();
        Treatment otherwise = fakeByDefault ? Treatment.FAKE : Treatment.STUB;
        Syscall execve = table.require("execve");
        ShimConfiguration listed = description.configuration(table, otherwise);
        List<String> notes = new ArrayList<>();
        if (listed.treatmentOf(execve).kind() != Treatment.Kind.IMPLEMENT) {
            notes.add("execve is allowed although " + os + " lacks it: the launch of the program needs it");
        }
        this.os = listed.with(execve, Treatment.IMPLEMENT);
        WorkloadOutcome first = run(Set.of(), true);
        List<Emulation.Hit> hits = hits(first.trace(), listed);
        hits.stream().filter(h -> h.syscall().equals(execve)).findFirst().ifPresent(h -> notes.add(
                "the application called execve " + h.calls() + " times itself; those calls were not emulated"));
        listener.accept(new EmulateEvent.Surveyed(os, first.passed(), first.failure(), hits.size()));
        if (first.passed()) {
            List<dev.shimscope.model.Comparison> cost = findSet && measureCost ? cost(Set.of()) : List.of();
            return new Emulation(os, stubOrFake(otherwise), true, null, hits,
                    List.of(), List.of(), "none needed", true, List.of(), notes, runs.get(), elapsed(t0), cost);
        }
        if (!findSet) {
            return new Emulation(os, stubOrFake(otherwise), false, first.failure(), hits, null, List.of(),
                    NOT_SEARCHED, false, List.of(), notes, runs.get(), elapsed(t0), List.of());
        }
        // 1. allowing every hit must make it pass; a failure can hide later calls, so trace again
        Set<Integer> candidates = new TreeSet<>();
        hits.forEach(h -> candidates.add(h.number()));
        boolean allPass = false;
        for (int i = 0; i <= MAX_RETRACES; i++) {
            WorkloadOutcome o = run(candidates, true);
            if (o.passed()) {
                allPass = true;
                break;
            }
            Set<Integer> more = new TreeSet<>();
            hits(o.trace(), listed).forEach(h -> more.add(h.number()));
            more.removeAll(candidates);
            if (more.isEmpty()) {
                break;
            }
            listener.accept(new EmulateEvent.MoreHits(more.size(), candidates.size() + more.size()));
            candidates.addAll(more);
            if (!hits.stream().map(Emulation.Hit::number).toList().containsAll(more)) {
                hits = merge(hits, hits(o.trace(), listed));
            }
        }
        if (!allPass) {
            return new Emulation(os, stubOrFake(otherwise), false, first.failure(), hits, null, List.of(),
                    "not found", false, List.of(),
                    add(notes, "allowing every unsupported syscall it called still fails: the failure has another cause"),
                    runs.get(), elapsed(t0), List.of());
        }
        // 2. single syscalls, K at a time
        List<Integer> list = new ArrayList<>(candidates);
        List<Boolean> alone = parallel(list.stream().<Callable<Boolean>>map(c -> () -> run(Set.of(c), false).passed()).toList());
        List<Integer> singles = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (alone.get(i)) {
                singles.add(list.get(i));
            }
        }
        Set<Integer> minimal;
        String proof;
        if (!singles.isEmpty()) {
            minimal = Set.of(singles.getFirst());
            proof = "single";
        } else {
            minimal = reduce(list);
            proof = "1-minimal";
            Set<Integer> smaller = exhaustive(list, minimal.size());
            if (smaller != null) {
                minimal = smaller;
                proof = "exhaustive";
            } else if (minimal.size() == 2 || binomialsWithin(list.size(), minimal.size() - 1)) {
                proof = "exhaustive";
            }
        }
        // 3. verify
        Set<Integer> chosen = minimal;
        List<WorkloadOutcome> checks = parallel(java.util.Collections.nCopies(verifyRuns,
                (Callable<WorkloadOutcome>) () -> run(chosen, false)));
        List<RunRecord> records = checks.stream().map(WorkloadOutcome::record).toList();
        boolean verified = records.stream().allMatch(RunRecord::passed);
        List<String> alternatives = singles.size() > 1
                ? singles.subList(1, singles.size()).stream().map(table::name).toList() : List.of();
        List<dev.shimscope.model.Comparison> cost = verified && measureCost ? cost(chosen) : List.of();
        return new Emulation(os, stubOrFake(otherwise), false, first.failure(), hits, names(minimal), alternatives,
                proof, verified, records, notes, runs.get(), elapsed(t0), cost);
    }

    /**
     * What running on the OS (with {@code extra} implemented) costs: {@code verifyRuns} rounds of
     * one unaltered run alone and one run alone on the OS, compared by {@link ImpactRule}.
     */
    private List<dev.shimscope.model.Comparison> cost(Set<Integer> extra) throws InterruptedException {
        List<RunRecord> baseline = new ArrayList<>();
        List<RunRecord> onOs = new ArrayList<>();
        for (int i = 0; i < verifyRuns; i++) {
            runs.incrementAndGet();
            baseline.add(scheduler.alone(() -> runner.run(WorkloadRunner.Options.plain())).record());
            onOs.add(scheduler.alone(() -> run(extra, false)).record());
        }
        var metric = runner.spec().metric();
        List<dev.shimscope.model.Comparison> cost = ImpactRule.costs(baseline, onOs, metric == null ? null : metric.name(),
                metric != null && metric.higherIsBetter(), m -> List.of());
        listener.accept(new EmulateEvent.CostMeasured(cost));
        return cost;
    }

    /** Drops candidates one at a time while the rest still passes. */
    private Set<Integer> reduce(List<Integer> candidates)
            throws InterruptedException {
        Set<Integer> kept = new LinkedHashSet<>(candidates);
        for (Integer c : candidates) {
            Set<Integer> without = new LinkedHashSet<>(kept);
            without.remove(c);
            if (run(without, false).passed()) {
                kept = without;
            }
        }
        return new TreeSet<>(kept);
    }

    /** Searches sets smaller than {@code size} when there are few enough; null if none passes. */
    private Set<Integer> exhaustive(List<Integer> candidates, int size)
            throws InterruptedException {
        for (int k = 2; k < size; k++) {
            if (!binomialsWithin(candidates.size(), k)) {
                return null;
            }
            List<Set<Integer>> combos = new ArrayList<>();
            combinations(candidates, k, 0, new ArrayList<>(), combos);
            List<Boolean> passes = parallel(combos.stream().<Callable<Boolean>>map(c -> () -> run(c, false).passed()).toList());
            for (int i = 0; i < combos.size(); i++) {
                if (passes.get(i)) {
                    return new TreeSet<>(combos.get(i));
                }
            }
        }
        return null;
    }

    private static boolean binomialsWithin(int n, int k) {
        long c = 1;
        for (int i = 0; i < k; i++) {
            c = c * (n - i) / (i + 1);
            if (c > EXHAUSTIVE_BUDGET) {
                return false;
            }
        }
        return true;
    }

    private static void combinations(List<Integer> items, int k, int from, List<Integer> current, List<Set<Integer>> out) {
        if (current.size() == k) {
            out.add(new TreeSet<>(current));
            return;
        }
        for (int i = from; i < items.size(); i++) {
            current.add(items.get(i));
            combinations(items, k, i + 1, current, out);
            current.removeLast();
        }
    }

    /** A run on the OS with the {@code extra} syscalls implemented as well. */
    private WorkloadOutcome run(Collection<Integer> extra, boolean trace)
            throws InterruptedException {
        ShimConfiguration c = os;
        for (int nr : extra) {
            c = c.with(table.byNumber(nr), Treatment.IMPLEMENT);
        }
        runs.incrementAndGet();
        return runner.run(WorkloadRunner.Options.filtered(SeccompFilter.of(c)).withTrace(trace));
    }

    /** The syscalls the traced application called that the OS does not implement (stubs and fakes included). */
    private List<Emulation.Hit> hits(TraceResult trace, ShimConfiguration listed) {
        List<Emulation.Hit> hits = new ArrayList<>();
        if (trace == null) {
            return hits;
        }
        for (TraceResult.SyscallUse u : trace.applicationSyscalls()) {
            if (listed.treatmentOf(u.syscall()).kind() != Treatment.Kind.IMPLEMENT) {
                hits.add(new Emulation.Hit(u.syscall(), u.calls(), u.failures(), new TreeMap<>(u.args())));
            }
        }
        return hits;
    }

    private static List<Emulation.Hit> merge(List<Emulation.Hit> a, List<Emulation.Hit> b) {
        TreeMap<Integer, Emulation.Hit> m = new TreeMap<>();
        a.forEach(h -> m.put(h.number(), h));
        b.forEach(h -> m.putIfAbsent(h.number(), h));
        return new ArrayList<>(m.values());
    }

    private <T> List<T> parallel(List<Callable<T>> tasks) throws InterruptedException {
        return scheduler.invokeAll(tasks);
    }

    private List<String> names(Set<Integer> numbers) {
        return numbers.stream().sorted().map(table::name).toList();
    }

    private static String stubOrFake(Treatment t) {
        return t.kind() == Treatment.Kind.STUB ? "stub" : "fake";
    }

    private static List<String> add(List<String> l, String s) {
        List<String> c = new ArrayList<>(l);
        c.add(s);
        return c;
    }

    private static java.time.Duration elapsed(long t0) {
        return java.time.Duration.ofNanos(System.nanoTime() - t0);
    }
}
