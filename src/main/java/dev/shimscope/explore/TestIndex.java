package dev.shimscope.explore;

import dev.shimscope.syscall.Syscall;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which test of a suite made of tests called which syscalls, and how long each took alone: the
 * basis of test-impact selection. Each test was traced alone, so a syscall is attributed exactly
 * to the tests whose runs made it; what the suite's runner does for every test (its set-up, a
 * server every test uses) shows up in every test's trace and so selects every test. An
 * experiment on a syscall runs only the tests that called it: a test that never calls it cannot
 * be changed by its filter, which never fires there.
 *
 * @param tests    the tests explored, in the suite's order
 * @param used     per test, the numbers of the syscalls its traced run made
 * @param millis   per test, its effective duration alone (untraced)
 * @param excluded tests left out, with the reason (they failed alone, or when traced)
 */
public record TestIndex(List<String> tests, Map<String, SortedSet<Integer>> used, Map<String, Long> millis,
                        SortedMap<String, String> excluded) {

    public TestIndex {
        tests = List.copyOf(tests);
        Map<String, SortedSet<Integer>> u = new LinkedHashMap<>();
        used.forEach((t, s) -> u.put(t, Collections.unmodifiableSortedSet(new TreeSet<>(s))));
        used = Collections.unmodifiableMap(u);
        millis = Map.copyOf(millis);
        excluded = Collections.unmodifiableSortedMap(new TreeMap<>(excluded));
    }

    /** The tests whose traces contain {@code s}, in suite order. */
    public List<String> selectionFor(Syscall s) {
        List<String> out = new ArrayList<>();
        for (String t : tests) {
            if (used.getOrDefault(t, Collections.emptySortedSet()).contains(s.number())) {
                out.add(t);
            }
        }
        return out;
    }

    /** The summed alone-durations of {@code selection} (ms). */
    public long millisOf(List<String> selection) {
        return selection.stream().mapToLong(t -> millis.getOrDefault(t, 0L)).sum();
    }

    /** A time limit for a run of {@code selection}: twice its summed durations plus a second, within {@code max}. */
    public Duration limitFor(List<String> selection, Duration max) {
        Duration d = Duration.ofMillis(Math.max(1000, 2 * millisOf(selection) + 1000));
        return d.compareTo(max) < 0 ? d : max;
    }

    /** The selection of every explored test: null (the whole suite) when none is excluded. */
    public List<String> all() {
        return excluded.isEmpty() ? null : tests;
    }

    /** Syscall numbers used by at least one explored test. */
    public Set<Integer> usedByAny() {
        Set<Integer> out = new TreeSet<>();
        tests.forEach(t -> out.addAll(used.getOrDefault(t, Collections.emptySortedSet())));
        return out;
    }
}
