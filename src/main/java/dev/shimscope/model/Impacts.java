package dev.shimscope.model;

import dev.shimscope.syscall.Syscall;

import java.util.List;
import java.util.SortedMap;

/**
 * What stubs and fakes cost one workload: the impacts confirmed with the machine to itself (each a
 * syscall, a treatment and the {@link Comparison} that shows it, largest first), the plan's cost
 * (the verified plan run alone against the baseline alone, one comparison per measure; empty when
 * the plan was not verified or not measured), the syscalls that work both ways whose two treatments
 * cost differently, with the cheaper ({@code choices}: advice; the plan stubs what works both ways
 * whatever was measured, so that it depends on verdicts and closed-world runs only), and how the rule was applied
 * ({@code screened}: experiments whose runs in parallel lay outside the baseline's variation;
 * {@code confirmed}: of those, the ones run again alone; {@code aloneRuns}: runs that took, the
 * plan's cost included, and {@code aloneMillis} their wall time in all: what the analysis cost).
 */
public record Impacts(List<Impact> impacts, List<Comparison> planCost, SortedMap<Syscall, Treatment> choices,
                      int screened, int confirmed, int aloneRuns, long aloneMillis, String rule) {

    public Impacts {
        impacts = List.copyOf(impacts);
        planCost = List.copyOf(planCost);
        choices = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(choices));
    }

    /** Nothing measured. */
    public static Impacts none(String rule) {
        return new Impacts(List.of(), List.of(), new java.util.TreeMap<>(), 0, 0, 0, 0, rule);
    }
}
