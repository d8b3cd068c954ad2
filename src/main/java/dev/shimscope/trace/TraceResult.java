package dev.shimscope.trace;

import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.syscall.args.ArgumentValue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What a traced run used, kept per executable so that it can be narrowed to one binary
 * ({@link #restrictTo}). For every syscall: calls (counted on entry, so a call that never
 * returned before the process was killed counts), failures by errno, which executables made
 * it, and the values of the arguments that select what a multiplexed call does.
 */
public final class TraceResult {

    /**
     * Usage of one syscall; {@code unfinished} counts the calls that never returned in the trace
     * (still blocked when the run ended), {@code args} maps an argument label to value to count.
     */
    public record SyscallUse(
            @com.fasterxml.jackson.annotation.JsonIgnore Syscall syscall,
            long calls,
            long unfinished,
            long failures,
            long zeroReturns,
            SortedMap<String, Long> errors,
            SortedSet<String> executables,
            SortedMap<String, SortedMap<String, Long>> args,
            @com.fasterxml.jackson.annotation.JsonIgnore SortedMap<ArgumentValue, Long> values) {

        /** True when every call that returned returned 0 (and at least one did). */
        public boolean alwaysZero() {
            return zeroReturns > 0 && zeroReturns == calls - unfinished;
        }

        @com.fasterxml.jackson.annotation.JsonProperty("number")
        public int number() {
            return syscall.number();
        }

        @com.fasterxml.jackson.annotation.JsonProperty("name")
        public String name() {
            return syscall.name();
        }
    }

    /** A file path the run tried to open: how often it worked and how often it failed. */
    public record PathUse(String path, long opened, long failed, SortedSet<String> executables) {
    }

    /** Mutable counters of one syscall in one executable. */
    static final class Stats {
        long calls;
        long unfinished;
        long failures;
        long zeroReturns;
        final TreeMap<String, Long> errors = new TreeMap<>();
        final TreeMap<String, SortedMap<String, Long>> args = new TreeMap<>();
        final TreeMap<ArgumentValue, Long> values = new TreeMap<>();

        void add(Stats o) {
            o.values.forEach((k, v) -> values.merge(k, v, Long::sum));
            calls += o.calls;
            unfinished += o.unfinished;
            failures += o.failures;
            zeroReturns += o.zeroReturns;
            o.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
            o.args.forEach((label, values) -> {
                SortedMap<String, Long> mine = args.computeIfAbsent(label, k -> new TreeMap<>());
                values.forEach((k, v) -> mine.merge(k, v, Long::sum));
            });
        }
    }

    /** Everything one executable did. */
    static final class ExeUsage {
        final TreeMap<Integer, Stats> syscalls = new TreeMap<>();
        final TreeMap<String, long[]> paths = new TreeMap<>();
        long processes;

        void add(ExeUsage o) {
            o.syscalls.forEach((nr, s) -> syscalls.computeIfAbsent(nr, k -> new Stats()).add(s));
            o.paths.forEach((p, c) -> {
                long[] mine = paths.computeIfAbsent(p, k -> new long[2]);
                mine[0] += c[0];
                mine[1] += c[1];
            });
            processes += o.processes;
        }
    }

    /**
     * Where calls were made: the executable, and the executables it ran under (the earlier phases
     * of its process and its forking ancestors), so that narrowing to one binary can keep what ran
     * under that binary's seccomp filter.
     */
    record Lineage(String exe, SortedSet<String> under) implements Comparable<Lineage> {
        @Override
        public int compareTo(Lineage o) {
            int c = exe.compareTo(o.exe);
            return c != 0 ? c : String.join("\u0000", under).compareTo(String.join("\u0000", o.under));
        }
    }

    private final SyscallTable table;
    private final Map<Lineage, ExeUsage> byLineage;
    private final Map<String, ExeUsage> byExe;
    private final SortedMap<String, Long> signals;
    private final String launchExecutable;
    private final long lines;
    private final List<String> unparsed;
    private final int totalProcesses;
    private final Map<Integer, Long> launchCalls;

    TraceResult(SyscallTable table, Map<Lineage, ExeUsage> byLineage, SortedMap<String, Long> signals,
                String launchExecutable, long lines, List<String> unparsed, int totalProcesses,
                Map<Integer, Long> launchCalls) {
        this.totalProcesses = totalProcesses;
        this.launchCalls = Map.copyOf(launchCalls);
        this.table = table;
        this.byLineage = Collections.unmodifiableMap(new TreeMap<>(byLineage));
        TreeMap<String, ExeUsage> merged = new TreeMap<>();
        byLineage.forEach((l, u) -> merged.computeIfAbsent(l.exe(), k -> new ExeUsage()).add(u));
        this.byExe = Collections.unmodifiableMap(merged);
        this.signals = Collections.unmodifiableSortedMap(signals);
        this.launchExecutable = launchExecutable;
        this.lines = lines;
        this.unparsed = List.copyOf(unparsed);
    }

    /**
     * The same trace narrowed to the executables that {@code keep} accepts and to what ran under
     * them (their children, and what they exec'd: a filter on the binary holds there too, so its
     * calls are part of what the binary needs).
     */
    public TraceResult restrictTo(Predicate<String> keep) {
        Map<Lineage, ExeUsage> kept = new TreeMap<>();
        byLineage.forEach((l, u) -> {
            if (keep.test(l.exe()) || l.under().stream().anyMatch(keep)) {
                kept.put(l, u);
            }
        });
        boolean launchKept = kept.keySet().stream().anyMatch(l -> l.exe().equals(launchExecutable));
        return new TraceResult(table, kept, new TreeMap<>(signals), launchExecutable, lines, unparsed,
                (int) kept.values().stream().mapToLong(u -> u.processes).sum(),
                launchKept ? launchCalls : Map.of());
    }

    /** Every syscall used, by number. */
    public List<SyscallUse> syscalls() {
        TreeMap<Integer, Stats> merged = new TreeMap<>();
        TreeMap<Integer, SortedSet<String>> exes = new TreeMap<>();
        byExe.forEach((exe, u) -> u.syscalls.forEach((nr, s) -> {
            merged.computeIfAbsent(nr, k -> new Stats()).add(s);
            exes.computeIfAbsent(nr, k -> new TreeSet<>()).add(exe);
        }));
        List<SyscallUse> out = new ArrayList<>();
        merged.forEach((nr, s) -> out.add(new SyscallUse(table.byNumber(nr), s.calls, s.unfinished, s.failures, s.zeroReturns,
                Collections.unmodifiableSortedMap(s.errors), Collections.unmodifiableSortedSet(exes.get(nr)),
                Collections.unmodifiableSortedMap(s.args), Collections.unmodifiableSortedMap(s.values))));
        return out;
    }

    /**
     * The syscalls the application made itself, by number: the calls that only started the traced
     * program ({@link #launchCalls}) taken off, and a syscall left out when nothing remains (the
     * launch's execve, typically). {@code calls} is then the application's own count.
     */
    public List<SyscallUse> applicationSyscalls() {
        List<SyscallUse> out = new ArrayList<>();
        for (SyscallUse u : syscalls()) {
            long own = u.calls() - launchCalls.getOrDefault(u.number(), 0L);
            if (own > 0) {
                out.add(own == u.calls() ? u : new SyscallUse(u.syscall(), own, u.unfinished(), u.failures(),
                        Math.min(u.zeroReturns(), own), u.errors(), u.executables(), u.args(), u.values()));
            }
        }
        return out;
    }

    /** The numbers of the syscalls used. */
    public SortedSet<Integer> usedNumbers() {
        TreeSet<Integer> s = new TreeSet<>();
        byExe.values().forEach(u -> s.addAll(u.syscalls.keySet()));
        return s;
    }

    /** The usage of one syscall, if it was used. */
    public java.util.Optional<SyscallUse> use(int number) {
        return syscalls().stream().filter(u -> u.number() == number).findFirst();
    }

    /** Paths passed to open, openat, openat2, creat, the stat family, access and readlink. */
    public List<PathUse> paths() {
        TreeMap<String, long[]> merged = new TreeMap<>();
        TreeMap<String, SortedSet<String>> exes = new TreeMap<>();
        byExe.forEach((exe, u) -> u.paths.forEach((p, c) -> {
            long[] m = merged.computeIfAbsent(p, k -> new long[2]);
            m[0] += c[0];
            m[1] += c[1];
            exes.computeIfAbsent(p, k -> new TreeSet<>()).add(exe);
        }));
        List<PathUse> out = new ArrayList<>();
        merged.forEach((p, c) -> out.add(new PathUse(p, c[0], c[1], exes.get(p))));
        return out;
    }

    /** The executables whose processes made calls (paths as passed to execve). */
    public Set<String> executables() {
        return new LinkedHashSet<>(byExe.keySet());
    }

    /** Processes and threads traced (after {@link #restrictTo}: those that ran a kept executable). */
    public long processes() {
        return totalProcesses;
    }

    /** Processes and threads that ran each executable. */
    public SortedMap<String, Long> processesByExecutable() {
        TreeMap<String, Long> m = new TreeMap<>();
        byExe.forEach((exe, u) -> m.put(exe, u.processes));
        return m;
    }

    /** Signals delivered to traced processes, by name. */
    public SortedMap<String, Long> signals() {
        return signals;
    }

    /**
     * The calls that started the traced program (the tracer's child executing it): counted with
     * the program, but the application never made them itself. By syscall number.
     */
    public Map<Integer, Long> launchCalls() {
        return launchCalls;
    }

    /** The program the run started (the first execve of the first process), or null. */
    public String launchExecutable() {
        return launchExecutable;
    }

    /** Lines of strace output read. */
    public long lines() {
        return lines;
    }

    /** Lines that looked like syscalls but could not be parsed (at most a few, for diagnosis). */
    public List<String> unparsed() {
        return unparsed;
    }

    public SyscallTable table() {
        return table;
    }
}
