package dev.shimscope.emulate;

import dev.shimscope.explore.RunRecord;
import dev.shimscope.sandbox.SeccompAction;
import dev.shimscope.sandbox.SeccompFilter;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.trace.TraceResult;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * by passing runs with exactly it added: "implement these N to run this workload on X".
 *
 * <p>execve is always allowed: the filter is loaded before the program is executed, and an OS
 * starts an application without it. An application that calls execve itself is noted.
 */
public final class Emulator {

    private static final int EXHAUSTIVE_BUDGET = 64;
    private static final int MAX_RETRACES = 5;

    private final WorkloadRunner runner;
    private final SyscallTable table;
    private final int jobs;
    private final int verifyRuns;
    private final Consumer<String> log;
    private final AtomicInteger runs = new AtomicInteger();

    /** {@link Emulation#minimalProof} when the set to implement was not searched for. */
    public static final String NOT_SEARCHED = "not searched";

    public Emulator(WorkloadRunner runner, SyscallTable table, int jobs, int verifyRuns, Consumer<String> log) {
        this.runner = runner;
        this.table = table;
        this.jobs = jobs;
        this.verifyRuns = verifyRuns;
        this.log = log;
    }

    public Emulation emulate(String os, Set<Integer> supported, boolean fakeByDefault) throws InterruptedException {
        return emulate(os, supported, fakeByDefault, true);
    }

    /**
     * @param findSet on FAIL, search for the smallest set to implement (false: report PASS/FAIL
     *                and the hits from one run, as a quick survey over many OSes does)
     */
    public Emulation emulate(String os, Set<Integer> supported, boolean fakeByDefault, boolean findSet)
            throws InterruptedException {
        long t0 = System.nanoTime();
        runner.check();
        SeccompAction otherwise = fakeByDefault ? SeccompAction.FAKE : SeccompAction.STUB;
        int execve = table.require("execve").number();
        Set<Integer> base = new TreeSet<>(supported);
        List<String> notes = new ArrayList<>();
        if (base.add(execve)) {
            notes.add("execve is allowed although " + os + " lacks it: the launch of the program needs it");
        }
        WorkloadOutcome first = run(base, Set.of(), otherwise, true);
        List<Emulation.Hit> hits = hits(first.trace(), supported);
        hits.stream().filter(h -> h.number() == execve).findFirst().ifPresent(h -> notes.add(
                "the application called execve " + h.calls() + " times itself; those calls were not emulated"));
        log.accept(os + ": " + (first.passed() ? "PASS" : "FAIL (" + first.failure() + ")") + ", "
                + hits.size() + " unsupported syscalls called");
        if (first.passed()) {
            return new Emulation(os, stubOrFake(otherwise), true, null, hits,
                    List.of(), List.of(), "none needed", true, List.of(), notes, runs.get(), elapsed(t0));
        }
        if (!findSet) {
            return new Emulation(os, stubOrFake(otherwise), false, first.failure(), hits, null, List.of(),
                    NOT_SEARCHED, false, List.of(), notes, runs.get(), elapsed(t0));
        }
        // 1. allowing every hit must make it pass; a failure can hide later calls, so trace again
        Set<Integer> candidates = new TreeSet<>();
        hits.forEach(h -> candidates.add(h.number()));
        boolean allPass = false;
        for (int i = 0; i <= MAX_RETRACES; i++) {
            WorkloadOutcome o = run(base, candidates, otherwise, true);
            if (o.passed()) {
                allPass = true;
                break;
            }
            Set<Integer> more = new TreeSet<>();
            hits(o.trace(), supported).forEach(h -> more.add(h.number()));
            more.removeAll(candidates);
            if (more.isEmpty()) {
                break;
            }
            log.accept("allowing the " + candidates.size() + " hit syscalls uncovered " + more.size() + " more");
            candidates.addAll(more);
            if (!hits.stream().map(Emulation.Hit::number).toList().containsAll(more)) {
                hits = merge(hits, hits(o.trace(), supported));
            }
        }
        if (!allPass) {
            return new Emulation(os, stubOrFake(otherwise), false, first.failure(), hits, null, List.of(),
                    "not found", false, List.of(),
                    add(notes, "allowing every unsupported syscall it called still fails: the failure has another cause"),
                    runs.get(), elapsed(t0));
        }
        // 2. single syscalls, K at a time
        List<Integer> list = new ArrayList<>(candidates);
        List<Boolean> alone = parallel(list.stream().<Callable<Boolean>>map(c -> () -> run(base, Set.of(c), otherwise, false).passed()).toList());
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
            minimal = reduce(base, list, otherwise);
            proof = "1-minimal";
            Set<Integer> smaller = exhaustive(base, list, minimal.size(), otherwise);
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
                (Callable<WorkloadOutcome>) () -> run(base, chosen, otherwise, false)));
        List<RunRecord> records = checks.stream().map(RunRecord::of).toList();
        boolean verified = records.stream().allMatch(RunRecord::passed);
        List<String> alternatives = singles.size() > 1
                ? singles.subList(1, singles.size()).stream().map(table::name).toList() : List.of();
        return new Emulation(os, stubOrFake(otherwise), false, first.failure(), hits, names(minimal), alternatives,
                proof, verified, records, notes, runs.get(), elapsed(t0));
    }

    /** Drops candidates one at a time while the rest still passes. */
    private Set<Integer> reduce(Set<Integer> base, List<Integer> candidates, SeccompAction otherwise)
            throws InterruptedException {
        Set<Integer> kept = new LinkedHashSet<>(candidates);
        for (Integer c : candidates) {
            Set<Integer> without = new LinkedHashSet<>(kept);
            without.remove(c);
            if (run(base, without, otherwise, false).passed()) {
                kept = without;
            }
        }
        return new TreeSet<>(kept);
    }

    /** Searches sets smaller than {@code size} when there are few enough; null if none passes. */
    private Set<Integer> exhaustive(Set<Integer> base, List<Integer> candidates, int size, SeccompAction otherwise)
            throws InterruptedException {
        for (int k = 2; k < size; k++) {
            if (!binomialsWithin(candidates.size(), k)) {
                return null;
            }
            List<Set<Integer>> combos = new ArrayList<>();
            combinations(candidates, k, 0, new ArrayList<>(), combos);
            List<Boolean> passes = parallel(combos.stream().<Callable<Boolean>>map(c -> () -> run(base, c, otherwise, false).passed()).toList());
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

    private WorkloadOutcome run(Set<Integer> base, Collection<Integer> extra, SeccompAction otherwise, boolean trace)
            throws InterruptedException {
        Set<Integer> allowed = new TreeSet<>(base);
        allowed.addAll(extra);
        runs.incrementAndGet();
        return runner.run(WorkloadRunner.Options.filtered(SeccompFilter.allowOnly(allowed, otherwise)).withTrace(trace));
    }

    /** The syscalls the traced application called that the OS does not support. */
    private List<Emulation.Hit> hits(TraceResult trace, Set<Integer> supported) {
        List<Emulation.Hit> hits = new ArrayList<>();
        if (trace == null) {
            return hits;
        }
        for (TraceResult.SyscallUse u : trace.syscalls()) {
            long own = u.calls() - trace.launchCalls().getOrDefault(u.number(), 0L);
            if (!supported.contains(u.number()) && own > 0) {
                hits.add(new Emulation.Hit(u.number(), u.name(), own, u.failures(), new TreeMap<>(u.args())));
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
        ExecutorService p = Executors.newFixedThreadPool(jobs, Thread.ofVirtual().factory());
        try {
            List<T> out = new ArrayList<>();
            for (Future<T> f : p.invokeAll(tasks)) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
            return out;
        } finally {
            p.shutdownNow();
        }
    }

    private List<String> names(Set<Integer> numbers) {
        return numbers.stream().sorted().map(table::name).toList();
    }

    private static String stubOrFake(SeccompAction a) {
        return a == SeccompAction.STUB ? "stub" : "fake";
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
