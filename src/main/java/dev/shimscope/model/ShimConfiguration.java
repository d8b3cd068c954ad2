package dev.shimscope.model;

import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.args.ArgumentValue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a run (or an OS) does with every syscall: a {@link Treatment} for each syscall it names,
 * {@code otherwise} for all the rest, and, below the syscall, rules for single argument values
 * that take precedence. The product of this tool is one of these: an experiment is the open world
 * (everything implemented) with one syscall stubbed or faked; a verified shim plan is a closed
 * world (everything ENOSYS) with the plan's syscalls implemented, stubbed and faked; an emulated
 * OS is its support list. It is compiled to a seccomp filter in one place
 * ({@code sandbox.SeccompFilters}) and to an OCI profile in one place ({@code report.SeccompProfile}).
 *
 * @param treatments    the treatment of each named syscall, by number
 * @param argumentRules rules for one argument value of a syscall, checked before its treatment
 * @param otherwise     the treatment of every syscall not named: {@link Treatment#IMPLEMENT} (the
 *                      real kernel) or a stub (an OS that knows only what is named)
 */
public record ShimConfiguration(SortedMap<Syscall, Treatment> treatments, List<ArgumentRule> argumentRules,
                                Treatment otherwise, List<PathRule> pathRules) {

    /**
     * One argument value of one syscall treated apart, e.g. only {@code prctl(PR_SET_KEEPCAPS, ...)}
     * faked: the calls that have the value (every match of it holds) get {@code treatment}.
     */
    public record ArgumentRule(Syscall syscall, ArgumentValue value, Treatment treatment) {
    }

    /**
     * One file as the run sees it: missing (every call naming it fails with ENOENT) or empty (an
     * empty file in its place). A seccomp filter cannot match strings: these are applied by the
     * run itself (strace's path filter with fault injection, or a bind mount of an empty file).
     */
    public record PathRule(String path, PathTreatment treatment) {
    }

    /** What a path rule does. */
    public enum PathTreatment {
        MISSING, EMPTY;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ShimConfiguration(SortedMap<Syscall, Treatment> treatments, List<ArgumentRule> argumentRules, Treatment otherwise) {
        this(treatments, argumentRules, otherwise, List.of());
    }

    public ShimConfiguration {
        treatments = Collections.unmodifiableSortedMap(new TreeMap<>(treatments));
        argumentRules = List.copyOf(argumentRules);
        pathRules = List.copyOf(pathRules);
        if (otherwise.kind() == Treatment.Kind.FAKE) {
            // a fake default is legal (emulate --default fake) but has no errno; nothing to check
            otherwise = Treatment.FAKE;
        }
    }

    /** The real kernel with the given syscalls treated otherwise (an experiment). */
    public static ShimConfiguration openWorld(Map<Syscall, Treatment> treatments) {
        return new ShimConfiguration(new TreeMap<>(treatments), List.of(), Treatment.IMPLEMENT);
    }

    /** Only the given syscalls as given; every other syscall gets {@code otherwise} (an OS). */
    public static ShimConfiguration closedWorld(Map<Syscall, Treatment> treatments, Treatment otherwise) {
        return new ShimConfiguration(new TreeMap<>(treatments), List.of(), otherwise);
    }

    /** What the configuration does with {@code s} (argument rules aside). */
    public Treatment treatmentOf(Syscall s) {
        return treatments.getOrDefault(s, otherwise);
    }

    /** The same configuration with {@code s} treated as {@code t}. */
    public ShimConfiguration with(Syscall s, Treatment t) {
        TreeMap<Syscall, Treatment> m = new TreeMap<>(treatments);
        m.put(s, t);
        return new ShimConfiguration(m, argumentRules, otherwise, pathRules);
    }

    /** The same configuration with an argument rule added (checked before those it has). */
    public ShimConfiguration with(ArgumentRule rule) {
        List<ArgumentRule> rules = new ArrayList<>();
        rules.add(rule);
        rules.addAll(argumentRules);
        return new ShimConfiguration(treatments, rules, otherwise, pathRules);
    }

    /** The same configuration with a path rule added. */
    public ShimConfiguration with(PathRule rule) {
        List<PathRule> rules = new ArrayList<>(pathRules);
        rules.add(rule);
        return new ShimConfiguration(treatments, argumentRules, otherwise, rules);
    }

    /** The syscalls named with treatment kind {@code k}, by number. */
    public List<Syscall> named(Treatment.Kind k) {
        return treatments.entrySet().stream().filter(e -> e.getValue().kind() == k).map(Map.Entry::getKey).toList();
    }

    /**
     * The same configuration without the entries that say what {@code otherwise} says: two
     * configurations that make the kernel do the same thing are then equal.
     */
    public ShimConfiguration normalized() {
        TreeMap<Syscall, Treatment> m = new TreeMap<>();
        treatments.forEach((s, t) -> {
            if (!t.equals(otherwise)) {
                m.put(s, t);
            }
        });
        return new ShimConfiguration(m, argumentRules, otherwise, pathRules);
    }

    /** True when every syscall not named goes to the real kernel. */
    public boolean isOpenWorld() {
        return otherwise.kind() == Treatment.Kind.IMPLEMENT;
    }
}
