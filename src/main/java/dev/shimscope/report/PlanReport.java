package dev.shimscope.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shimscope.model.Json;
import dev.shimscope.plan.PlanStep;
import dev.shimscope.plan.SupportCurve;
import dev.shimscope.plan.SupportPlan;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Text and JSON for {@code plan}: each planner's steps, the two cumulative curves side by side,
 * and the comparison (area under the curve, syscalls needed for 50 / 90 / 100 % of the apps).
 */
public final class PlanReport {

    private static final double[] SHARES = {0.5, 0.9, 1.0};

    private PlanReport() {
    }

    /** Which plan is better: the one with the larger area (over the same x range); null when equal. */
    public static SupportPlan winner(SupportPlan a, SupportPlan b) {
        int last = Math.max(a.curve().lastX(), b.curve().lastX());
        double da = a.curve().area(last);
        double db = b.curve().area(last);
        if (Math.abs(da - db) < 1e-12) {
            return null;
        }
        return da > db ? a : b;
    }

    public static String text(String header, SupportPlan baseline, SupportPlan better, boolean withSteps) {
        StringBuilder sb = new StringBuilder(header).append('\n');
        PlanStep start = baseline.steps().getFirst();
        sb.append("Supported as it is: ").append(start.supportedTotal()).append(" of ").append(baseline.apps())
                .append(" apps").append(start.newlySupported().isEmpty() ? "" : " (" + String.join(", ", start.newlySupported()) + ")")
                .append('\n');
        if (withSteps) {
            for (SupportPlan p : List.of(baseline, better)) {
                sb.append('\n').append(p.planner()).append(" plan (").append(p.curve().lastX()).append(" syscalls to implement, ")
                        .append(p.steps().size() - 1).append(" steps):\n");
                for (PlanStep s : p.steps().subList(1, p.steps().size())) {
                    steps(sb, s, p.apps());
                }
            }
        }
        sb.append("\nCumulative curve: apps supported after implementing N syscalls (rows where a curve rises)\n");
        TextTable curve = new TextTable("N", baseline.planner(), better.planner()).right(0, 1, 2);
        int last = Math.max(baseline.curve().lastX(), better.curve().lastX());
        for (int x = 0; x <= last; x++) {
            boolean rises = x == 0 || baseline.curve().at(x) != baseline.curve().at(x - 1)
                    || better.curve().at(x) != better.curve().at(x - 1);
            if (rises) {
                curve.row(x, baseline.curve().at(x), better.curve().at(x));
            }
        }
        sb.append(curve.render());
        sb.append('\n').append(summary(baseline, better));
        return sb.toString();
    }

    /** The comparison table and the verdict line. */
    public static String summary(SupportPlan baseline, SupportPlan better) {
        int last = Math.max(baseline.curve().lastX(), better.curve().lastX());
        TextTable t = new TextTable("planner", "area", "N for 50%", "N for 90%", "N for 100%").right(1, 2, 3, 4);
        for (SupportPlan p : List.of(baseline, better)) {
            t.row(p.planner(), String.format(Locale.ROOT, "%.4f", p.curve().area(last)),
                    p.curve().syscallsFor(SHARES[0]), p.curve().syscallsFor(SHARES[1]), p.curve().syscallsFor(SHARES[2]));
        }
        StringBuilder sb = new StringBuilder(t.render());
        SupportPlan w = winner(baseline, better);
        String dominance = better.curve().dominates(baseline.curve())
                ? better.planner() + " supports at least as many apps as " + baseline.planner() + " at every N"
                : better.planner() + " is below " + baseline.planner() + " at some N";
        if (w == null) {
            sb.append("tie: both curves have the same area; ").append(dominance).append('\n');
        } else {
            sb.append("winner: ").append(w.planner()).append(" (larger area under the curve); ").append(dominance).append('\n');
        }
        return sb.toString();
    }

    private static void steps(StringBuilder sb, PlanStep s, int apps) {
        sb.append(String.format(Locale.ROOT, "  %3d. %s: %d/%d apps after %d syscalls", s.number(), s.target(),
                s.supportedTotal(), apps, s.implementedTotal()));
        if (s.newlySupported().size() > 1 || !s.newlySupported().contains(s.target())) {
            sb.append(" (now supported: ").append(String.join(", ", s.newlySupported())).append(')');
        }
        sb.append('\n');
        line(sb, "implement", s.implement());
        line(sb, "fake", s.fake());
        line(sb, "stub", s.stub());
    }

    private static void line(StringBuilder sb, String label, Collection<String> names) {
        if (!names.isEmpty()) {
            sb.append("       ").append(label).append(": ").append(String.join(", ", names)).append('\n');
        }
    }

    public static String json(String workload, String os, SupportPlan baseline, SupportPlan better) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("workload", workload);
        root.put("os", os);
        root.put("apps", baseline.apps());
        int last = Math.max(baseline.curve().lastX(), better.curve().lastX());
        ArrayNode plans = root.putArray("plans");
        for (SupportPlan p : List.of(baseline, better)) {
            ObjectNode o = plans.addObject();
            o.put("planner", p.planner());
            o.put("area", p.curve().area(last));
            for (double share : SHARES) {
                o.put("syscalls_for_" + (int) Math.round(share * 100) + "_percent", p.curve().syscallsFor(share));
            }
            ArrayNode curve = o.putArray("curve");
            for (int v : p.curve().values()) {
                curve.add(v);
            }
            ArrayNode steps = o.putArray("steps");
            for (PlanStep s : p.steps()) {
                ObjectNode so = steps.addObject();
                so.put("step", s.number());
                if (s.target() != null) {
                    so.put("target", s.target());
                }
                strings(so.putArray("implement"), s.implement());
                strings(so.putArray("fake"), s.fake());
                strings(so.putArray("stub"), s.stub());
                strings(so.putArray("now_supported"), s.newlySupported());
                so.put("implemented_total", s.implementedTotal());
                so.put("supported_total", s.supportedTotal());
            }
        }
        SupportPlan w = winner(baseline, better);
        root.put("winner", w == null ? "tie" : w.planner());
        root.put("better_dominates_baseline", better.curve().dominates(baseline.curve()));
        return Json.write(root);
    }

    private static void strings(ArrayNode a, Collection<String> values) {
        values.forEach(a::add);
    }

    /** The curve as CSV (x, then one column per plan), for plotting elsewhere. */
    public static String curveCsv(SupportPlan... plans) {
        StringBuilder sb = new StringBuilder("syscalls_implemented");
        int last = 0;
        for (SupportPlan p : plans) {
            sb.append(',').append(p.planner());
            last = Math.max(last, p.curve().lastX());
        }
        sb.append('\n');
        for (int x = 0; x <= last; x++) {
            sb.append(x);
            for (SupportPlan p : plans) {
                SupportCurve c = p.curve();
                sb.append(',').append(c.at(x));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
