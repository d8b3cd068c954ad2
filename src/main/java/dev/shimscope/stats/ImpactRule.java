package dev.shimscope.stats;

import dev.shimscope.model.Comparison;
import dev.shimscope.model.Measure;
import dev.shimscope.model.RunRecord;
import org.apache.commons.math3.distribution.TDistribution;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rule that says when runs differ from the baseline by more than the baseline's own variation
 * explains. Values are compared on a log scale (costs are multiplicative: twice the memory is
 * twice, whatever the app's size), so the result is a ratio of geometric means with a Student-t
 * interval: {@code exp(d ± t(df, 1 - a/2) * s * sqrt(1/k + 1/n))}, where {@code d} is the
 * difference of the mean logs of the {@code k} runs and the {@code n} baseline runs, and {@code s}
 * a {@link Spread}: the pooled standard deviation of the logs within the groups that show
 * run-to-run variation (the baseline, the runs, and other runs made in the same conditions), with
 * {@code df} its degrees of freedom. {@code s} is never taken below 1 % (no two runs agree better than that, however few
 * show it) nor below half a unit of the measure's resolution (one descriptor of eleven). A
 * difference is an impact when the interval excludes 1 and the ratio is at least 5 % away from 1:
 * smaller changes are below what a rebuild or another kernel changes. Student's t comes from Apache
 * Commons Math.
 */
public final class ImpactRule {

    /** The family-wise error rate of the confirmed impacts (Bonferroni over the comparisons made). */
    public static final double ALPHA = 0.05;
    /** The error rate of one screening comparison (runs in parallel against the parallel baseline). */
    public static final double SCREEN_ALPHA = 0.01;
    /** The smallest change reported, either way. */
    public static final double MIN_EFFECT = 0.05;
    /** The smallest run-to-run variation assumed, as a share of the value. */
    public static final double CV_FLOOR = 0.01;

    /** The rule in one paragraph, for reports. */
    public static final String DESCRIPTION = "ratio of geometric means (runs / baseline) with a Student-t interval on"
            + " the logs (pooled within-group variation, at least 1 %); an impact when the interval excludes 1 and"
            + " the ratio is at least 5 % away from it; screened at 99 % per comparison against control runs of the"
            + " baseline made among the experiments (spread: theirs, or the experiments' robust spread if larger), then"
            + " confirmed by up to 3 rounds of runs alone, each after a baseline run alone, at 95 % family-wise"
            + " (Bonferroni over comparisons and rounds)";

    private ImpactRule() {
    }

    /** The values of the passing runs on a measure (runs that did not measure it are left out). */
    public static double[] values(List<RunRecord> runs, Measure m) {
        return runs.stream().filter(RunRecord::passed).mapToDouble(m::of).filter(v -> !Double.isNaN(v)).toArray();
    }

    /**
     * How much runs vary from one to the next, as the standard deviation of their logs, with the
     * degrees of freedom of the estimate (0: unknown).
     */
    public record Spread(double sd, int df) {

        /** The pooled within-group deviation of the logs of these groups (groups of one add nothing). */
        public static Spread pooled(List<double[]> groups) {
            double ss = 0;
            int df = 0;
            for (double[] g : groups) {
                if (g.length < 2) {
                    continue;
                }
                double mean = meanLog(g);
                for (double v : g) {
                    ss += (Math.log(v) - mean) * (Math.log(v) - mean);
                }
                df += g.length - 1;
            }
            return new Spread(df == 0 ? 0 : Math.sqrt(ss / df), df);
        }

        /**
         * A robust deviation of the logs of many values most of which share one level (1.4826 times
         * the median absolute deviation: an experiment that changes nothing varies like a run),
         * or 0 for fewer than five values.
         */
        public static double robust(double[] values) {
            if (values.length < 5) {
                return 0;
            }
            double[] logs = Arrays.stream(values).map(Math::log).sorted().toArray();
            double median = median(logs);
            double[] dev = Arrays.stream(logs).map(x -> Math.abs(x - median)).sorted().toArray();
            return 1.4826 * median(dev);
        }

        /** This spread, its deviation at least {@code sd}. */
        public Spread atLeast(double sd) {
            return new Spread(Math.max(this.sd, sd), df);
        }

        private static double median(double[] sorted) {
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }

    /**
     * Compares {@code runs} with {@code baseline}; null when either has no value.
     *
     * @param spread     how much runs made in these conditions vary ({@link Spread#pooled} over
     *                   the groups that show it; the baseline and the runs among them)
     * @param confidence the two-sided level of the interval (0.99, or 1 - ALPHA / comparisons)
     */
    public static Comparison compare(Measure m, String name, boolean higherIsBetter, double[] baseline, double[] runs,
                                     Spread spread, double confidence) {
        if (baseline.length == 0 || runs.length == 0) {
            return null;
        }
        double mb = meanLog(baseline);
        double mr = meanLog(runs);
        double d = mr - mb;
        double ratio = Math.exp(d);
        if (spread.df() == 0) {
            return new Comparison(m, name, higherIsBetter, Math.exp(mb), Math.exp(mr), ratio, Double.NaN, Double.NaN,
                    baseline.length, runs.length, false);
        }
        double floor = Math.max(CV_FLOOR, 0.5 * m.resolution() / Math.exp(mb));
        double s = Math.max(spread.sd(), floor);
        double t = new TDistribution(null, spread.df()).inverseCumulativeProbability(1 - (1 - confidence) / 2);
        double h = t * s * Math.sqrt(1.0 / runs.length + 1.0 / baseline.length);
        boolean significant = Math.abs(d) > h && Math.abs(d) >= Math.log(1 + MIN_EFFECT);
        return new Comparison(m, name, higherIsBetter, Math.exp(mb), Math.exp(mr), ratio, Math.exp(d - h),
                Math.exp(d + h), baseline.length, runs.length, significant);
    }

    /** True when a ratio is within the smallest change reported: no more runs could make it an impact. */
    public static boolean negligible(double ratio) {
        return Math.abs(Math.log(ratio)) < Math.log(1 + MIN_EFFECT);
    }

    /**
     * What {@code runs} cost against {@code baseline}, made alternately in the same conditions (one
     * of each in turn, alone): one comparison per measure (the spec's metric when {@code metricName}
     * is given), at 95 % over them all, the spread pooled within both and within {@code extra}
     * (other runs of these conditions, per measure).
     */
    public static List<Comparison> costs(List<RunRecord> baseline, List<RunRecord> runs, String metricName,
                                         boolean metricHigherIsBetter,
                                         java.util.function.Function<Measure, List<double[]>> extra) {
        List<Measure> measures = new ArrayList<>(List.of(Measure.TIME, Measure.CPU, Measure.MEMORY, Measure.FDS));
        if (metricName != null) {
            measures.add(Measure.METRIC);
        }
        List<Comparison> out = new ArrayList<>();
        for (Measure m : measures) {
            double[] b = values(baseline, m);
            double[] r = values(runs, m);
            List<double[]> groups = new ArrayList<>(groups(b, r));
            groups.addAll(extra.apply(m));
            Comparison c = compare(m, m == Measure.METRIC ? metricName : m.id(), m == Measure.METRIC && metricHigherIsBetter,
                    b, r, Spread.pooled(groups), 1 - ALPHA / measures.size());
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    /** Groups without the empty ones, for {@link #compare}'s spread. */
    public static List<double[]> groups(double[]... groups) {
        List<double[]> out = new ArrayList<>();
        for (double[] g : groups) {
            if (g != null && g.length > 0) {
                out.add(g);
            }
        }
        return out;
    }

    private static double meanLog(double[] values) {
        return Arrays.stream(values).map(Math::log).average().orElse(Double.NaN);
    }
}
