package dev.shimscope.model;

/**
 * Runs compared with baseline runs on one {@link Measure}: the geometric means of both, their
 * ratio (runs / baseline) and its confidence interval, how many runs each side had, and whether
 * the difference is an impact by {@code stats.ImpactRule} (the interval excludes 1 and the ratio
 * is at least 5 % away from it). {@code name} is the measure's name for reports (the spec's metric
 * has its own, "requests/s"); {@code higherIsBetter} says which way is better (only the spec's
 * metric can say higher). An interval is NaN where the runs could not be compared (too few).
 */
public record Comparison(Measure measure, String name, boolean higherIsBetter, double baseline, double value,
                         double ratio, double low, double high, int baselineRuns, int runs, boolean significant) {

    /** True for a significant change for the worse (slower, more memory, fewer requests ...). */
    public boolean worse() {
        return significant && (higherIsBetter ? ratio < 1 : ratio > 1);
    }

    /** True for a significant change for the better. */
    public boolean better() {
        return significant && !worse();
    }

    /** How far from "no change" the ratio is, either way (for ordering impacts by size). */
    public double size() {
        return Math.abs(Math.log(ratio));
    }

    /** "memory ×1.19 [1.12, 1.27]", "requests/s −34 % [−41, −26]". */
    public String describe() {
        return name + " " + formatRatio(ratio) + (Double.isNaN(low) ? "" : " [" + formatRatio(low) + ", "
                + formatRatio(high) + "]");
    }

    /** A ratio as people read it: "+17 %", "−25 %", "×7.97" from twofold on. */
    public static String formatRatio(double r) {
        if (Double.isNaN(r)) {
            return "?";
        }
        if (r >= 2) {
            return String.format(java.util.Locale.ROOT, "×%.3g", r);
        }
        double pct = (r - 1) * 100;
        return String.format(java.util.Locale.ROOT, "%s%.0f %%", pct >= 0 ? "+" : "−", Math.abs(pct));
    }
}
