package dev.shimscope.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The better planner. At each step it takes, among the applications that are not supported yet,
 * the one whose change implements the fewest syscalls (counting the implementations that
 * stub/fake conflicts force, which the greedy baseline does not see); among equally cheap ones,
 * the one whose change supports the most applications at once; then the one whose syscalls the
 * remaining applications need most (each syscall weighted by how many of them still need it
 * implemented: what it unlocks); then by name.
 *
 * <p>It never does worse than the greedy baseline, on any data: it computes the greedy curve
 * first and only takes a step that keeps its own curve at or above that curve at every number
 * of implemented syscalls, backtracking when a choice leads to a point from which no step can.
 * When the search runs out of its budget, it starts again from the greedy plan's state at the
 * point where it got stuck (the greedy prefix is on the bound by definition) and searches the
 * rest; in the worst case the result is the greedy plan itself.
 */
public final class UnlockPlanner extends SupportPlanner {

    /** Search steps per attempt before starting again further along the greedy plan. */
    private static final int BUDGET = 2_000;

    private int greedyPrefixSteps;

    @Override
    public String name() {
        return "unlock";
    }

    /** How many steps of the last plan were taken over from the greedy plan (0 when none). */
    public int greedyPrefixSteps() {
        return greedyPrefixSteps;
    }

    @Override
    protected List<Integer> order(ShimState initial) {
        SupportPlan greedy = new GreedyPlanner().plan(initial, "");
        List<PlanStep> greedySteps = greedy.steps().subList(1, greedy.steps().size());
        int prefix = 0;
        while (true) {
            ShimState state = initial.copy();
            List<Integer> path = new ArrayList<>();
            for (PlanStep s : greedySteps.subList(0, prefix)) {
                int a = indexOf(initial, s.target());
                state.apply(a);
                path.add(a);
            }
            Search search = new Search(greedy.curve());
            if (search.run(state, path)) {
                greedyPrefixSteps = prefix;
                return path;
            }
            // start again from the greedy plan's state past the point where the search got stuck
            int next = prefix + 1;
            while (next < greedySteps.size() && greedySteps.get(next - 1).implementedTotal() < search.stuckAt) {
                next++;
            }
            if (next >= greedySteps.size()) {
                greedyPrefixSteps = greedySteps.size();
                List<Integer> order = new ArrayList<>();
                greedySteps.forEach(s -> order.add(indexOf(initial, s.target())));
                return order;
            }
            prefix = next;
        }
    }

    private static int indexOf(ShimState state, String app) {
        for (int i = 0; i < state.apps().size(); i++) {
            if (state.apps().get(i).app().equals(app)) {
                return i;
            }
        }
        throw new IllegalStateException("no app " + app);
    }

    private record Candidate(int app, String name, int cost, int gain, long unlock) {
    }

    private static final Comparator<Candidate> PREFERENCE = Comparator
            .comparingInt(Candidate::cost)
            .thenComparing(Comparator.comparingInt(Candidate::gain).reversed())
            .thenComparing(Comparator.comparingLong(Candidate::unlock).reversed())
            .thenComparing(Candidate::name);

    /** One depth-first search under the bound, with a budget. */
    private static final class Search {
        private final SupportCurve bound;
        private int explored;
        /** The largest number of implemented syscalls at which the search hit a dead end. */
        int stuckAt;

        Search(SupportCurve bound) {
            this.bound = bound;
        }

        boolean run(ShimState state, List<Integer> path) {
            try {
                return search(state, path);
            } catch (BudgetExceeded e) {
                return false;
            }
        }

        private boolean search(ShimState state, List<Integer> path) {
            List<Integer> unsupported = state.unsupported();
            if (unsupported.isEmpty()) {
                return true;
            }
            int x0 = state.addedImplementations();
            if (++explored > BUDGET) {
                stuckAt = Math.max(stuckAt, x0);
                throw new BudgetExceeded();
            }
            int y0 = state.supportedCount();
            // candidates by cost; gain and unlock weight (quadratic in the apps) only for the tiers tried
            TreeMap<Integer, List<Integer>> byCost = new TreeMap<>();
            for (int a : unsupported) {
                byCost.computeIfAbsent(state.cost(a), k -> new ArrayList<>()).add(a);
            }
            int[] demand = null;
            for (Map.Entry<Integer, List<Integer>> tier : byCost.entrySet()) {
                int cost = tier.getKey();
                // the curve stays at y0 from x0 until this step is done at x0 + cost, so y0 must reach
                // the bound up to there; a step that implements nothing leaves x0 open for more steps
                if (cost > 0 && y0 < bound.at(x0 + cost - 1)) {
                    break;      // costlier tiers reach even further: none of them can be taken
                }
                if (demand == null) {
                    demand = state.implementDemand();
                }
                List<Candidate> candidates = new ArrayList<>();
                for (int a : tier.getValue()) {
                    candidates.add(new Candidate(a, state.apps().get(a).app(), cost, state.gain(a),
                            state.unlockWeight(a, demand)));
                }
                candidates.sort(PREFERENCE);
                for (Candidate c : candidates) {
                    ShimState next = state.copy();
                    next.apply(c.app());
                    path.add(c.app());
                    if (search(next, path)) {
                        return true;
                    }
                    path.removeLast();
                }
            }
            stuckAt = Math.max(stuckAt, x0);
            return false;
        }
    }

    private static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded() {
            super(null, null, false, false);
        }
    }
}
