package dev.shimscope.explore;

import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.args.ArgumentValue;

import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the traced run saw below the syscalls: the selecting argument values of multiplexed
 * syscalls (one per value, or per bit of a flag argument) and the files the application named.
 *
 * @param values per syscall, its values and how many calls had each
 * @param paths  per path as named (relative and per-run names left out), its calls and failures
 * @param tests  for a suite made of tests: per path, the tests whose traces named it (empty otherwise)
 */
public record FeatureUse(SortedMap<Syscall, SortedMap<ArgumentValue, Long>> values, SortedMap<String, PathSeen> paths,
                         SortedMap<String, SortedSet<String>> tests) {

    /** One path: as the run named it (the reported name may be folded), calls naming it, and how many failed. */
    public record PathSeen(String named, long calls, long failed) {
        PathSeen plus(PathSeen o) {
            return new PathSeen(named, calls + o.calls, failed + o.failed);
        }

        /** The larger counts of two traces of the same run. */
        PathSeen most(PathSeen o) {
            return new PathSeen(named, Math.max(calls, o.calls), Math.max(failed, o.failed));
        }
    }

    public FeatureUse {
        TreeMap<Syscall, SortedMap<ArgumentValue, Long>> v = new TreeMap<>();
        values.forEach((s, m) -> v.put(s, Collections.unmodifiableSortedMap(new TreeMap<>(m))));
        values = Collections.unmodifiableSortedMap(v);
        paths = Collections.unmodifiableSortedMap(new TreeMap<>(paths));
        TreeMap<String, SortedSet<String>> t = new TreeMap<>();
        tests.forEach((p, s) -> t.put(p, Collections.unmodifiableSortedSet(new TreeSet<>(s))));
        tests = Collections.unmodifiableSortedMap(t);
    }

    public static FeatureUse none() {
        return new FeatureUse(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
    }

    /**
     * What either of two traces of the same workload saw, each count the larger of the two (a
     * count stays that of one run).
     */
    FeatureUse either(FeatureUse o) {
        return merged(o, Math::max, PathSeen::most, null);
    }

    /** Both uses together (two tests' traces). */
    FeatureUse plus(FeatureUse o, String test) {
        return merged(o, Long::sum, PathSeen::plus, test);
    }

    /** This use and {@code o}'s, counts and paths seen in both combined as given; {@code o}'s paths noted for {@code test}. */
    private FeatureUse merged(FeatureUse o, java.util.function.BinaryOperator<Long> counts,
                              java.util.function.BinaryOperator<PathSeen> seen, String test) {
        TreeMap<Syscall, SortedMap<ArgumentValue, Long>> v = new TreeMap<>();
        values.forEach((s, m) -> v.put(s, new TreeMap<>(m)));
        o.values.forEach((s, m) -> m.forEach((a, n) -> v.computeIfAbsent(s, k -> new TreeMap<>()).merge(a, n, counts)));
        TreeMap<String, PathSeen> p = new TreeMap<>(paths);
        o.paths.forEach((k, s) -> p.merge(k, s, seen));
        TreeMap<String, SortedSet<String>> t = new TreeMap<>();
        tests.forEach((k, s) -> t.put(k, new TreeSet<>(s)));
        if (test != null) {
            o.paths.keySet().forEach(k -> t.computeIfAbsent(k, x -> new TreeSet<>()).add(test));
        }
        return new FeatureUse(v, p, t);
    }
}
