package dev.shimscope.explore;

import dev.shimscope.model.RunRecord;
import dev.shimscope.model.ShimPlan;

import java.util.List;

/**
 * The plan phase's result: the shim plan, every run of the phase, the runs that verified the
 * final plan, and how many rounds it took.
 */
public record PlanOutcome(ShimPlan plan, List<RunRecord> runs, List<RunRecord> verification, int rounds) {
    public PlanOutcome {
        runs = List.copyOf(runs);
        verification = List.copyOf(verification);
    }
}
