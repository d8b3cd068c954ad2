package dev.shimscope.plan;

import java.util.List;

/** A planner's result: its steps in order and the cumulative support curve they give. */
public record SupportPlan(String planner, String os, int apps, List<PlanStep> steps, SupportCurve curve) {
    public SupportPlan {
        steps = List.copyOf(steps);
    }
}
