package dev.shimscope.plan;

import dev.shimscope.model.OsDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Orders the work of making an OS run a set of applications. A plan is an order of the
 * applications; each step takes the next application that is not supported yet and makes the
 * smallest change that supports it without breaking the ones already supported
 * ({@link ShimState#changeFor}). Subclasses decide the order; this class turns it into steps and
 * the cumulative curve (apps supported against syscalls implemented beyond the OS's list).
 */
public abstract class SupportPlanner {

    /** The planner's name in output. */
    public abstract String name();

    /**
     * The apps to take, by index into {@link ShimState#apps()}, starting from {@code initial}
     * (which must not be modified). Apps that are supported when their turn comes are passed over.
     */
    protected abstract List<Integer> order(ShimState initial);

    public final SupportPlan plan(List<AppNeeds> apps, OsDescription os) {
        Set<String> base = os == null ? Set.of() : os.implemented();
        return plan(new ShimState(apps, base), os == null ? "none" : os.name());
    }

    /** Plans from a given starting state (left unchanged). */
    final SupportPlan plan(ShimState initial, String osName) {
        return replay(initial, order(initial.copy()), osName);
    }

    private SupportPlan replay(ShimState initial, List<Integer> order, String osName) {
        ShimState state = initial.copy();
        List<PlanStep> steps = new ArrayList<>();
        steps.add(new PlanStep(0, null, new TreeSet<>(), new TreeSet<>(), new TreeSet<>(), state.supportedApps(),
                0, state.supportedCount()));
        for (int a : order) {
            if (state.isSupported(a)) {
                continue;
            }
            ShimState.Change change = state.changeFor(a);
            List<Integer> added = state.apply(a);
            steps.add(new PlanStep(steps.size(), state.apps().get(a).app(), change.implement(), change.fake(),
                    change.stub(), state.names(added), state.addedImplementations(), state.supportedCount()));
        }
        if (!state.unsupported().isEmpty()) {
            throw new IllegalStateException(name() + " planner left apps unsupported: " + state.names(state.unsupported()));
        }
        int[] xs = new int[steps.size()];
        int[] ys = new int[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            xs[i] = steps.get(i).implementedTotal();
            ys[i] = steps.get(i).supportedTotal();
        }
        int n = initial.apps().size();
        return new SupportPlan(name(), osName, n, steps, SupportCurve.ofSteps(n, xs, ys));
    }
}
