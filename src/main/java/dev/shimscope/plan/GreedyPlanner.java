package dev.shimscope.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * Loupe's support plan, the baseline: repeatedly take the application that needs the fewest
 * syscalls that are not implemented yet (counting its "required" syscalls, as Loupe does; ties by
 * name). The chosen app's change is then made in full, including the implementations that
 * stub/fake conflicts force, which Loupe's own plan leaves out.
 */
public final class GreedyPlanner extends SupportPlanner {

    @Override
    public String name() {
        return "greedy";
    }

    @Override
    protected List<Integer> order(ShimState state) {
        List<Integer> order = new ArrayList<>();
        List<Integer> unsupported = state.unsupported();
        while (!unsupported.isEmpty()) {
            int best = -1;
            int bestCost = Integer.MAX_VALUE;
            for (int a : unsupported) {
                int cost = state.missingImplementations(a);
                if (cost < bestCost || (cost == bestCost && name(state, a).compareTo(name(state, best)) < 0)) {
                    best = a;
                    bestCost = cost;
                }
            }
            order.add(best);
            state.apply(best);
            unsupported = state.unsupported();
        }
        return order;
    }

    private static String name(ShimState state, int a) {
        return state.apps().get(a).app();
    }
}
