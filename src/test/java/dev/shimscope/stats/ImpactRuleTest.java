package dev.shimscope.stats;

import dev.shimscope.model.Comparison;
import dev.shimscope.model.Measure;
import dev.shimscope.stats.ImpactRule.Spread;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The impact rule on numbers worked out by hand. */
class ImpactRuleTest {

    private static Comparison compare(Measure m, double[] baseline, double[] runs, double confidence) {
        return ImpactRule.compare(m, m.id(), false, baseline, runs, Spread.pooled(ImpactRule.groups(baseline, runs)),
                confidence);
    }

    @Test
    void aRatioOfGeometricMeansWithAStudentTInterval() {
        double[] b = {100, 110, 90, 100};
        double[] r = {150};
        Comparison c = compare(Measure.TIME, b, r, 0.95);
        double gb = Math.exp((Math.log(100) * 2 + Math.log(110) + Math.log(90)) / 4);
        assertThat(c.baseline()).isCloseTo(gb, within(1e-9));
        assertThat(c.ratio()).isCloseTo(150 / gb, within(1e-9));
        // s of the logs of b (3 degrees of freedom), t(3, 0.975) = 3.182, sqrt(1/1 + 1/4)
        double mean = Math.log(gb);
        double ss = 0;
        for (double v : b) {
            ss += (Math.log(v) - mean) * (Math.log(v) - mean);
        }
        double h = 3.182446 * Math.sqrt(ss / 3) * Math.sqrt(1.25);
        assertThat(c.low()).isCloseTo(c.ratio() * Math.exp(-h), within(1e-4));
        assertThat(c.high()).isCloseTo(c.ratio() * Math.exp(h), within(1e-4));
        assertThat(c.significant()).isTrue();
        assertThat(c.worse()).isTrue();
        assertThat(compare(Measure.TIME, b, new double[] {112}, 0.95).significant()).isFalse();
    }

    @Test
    void smallChangesAndChangesWithinTheResolutionAreNotImpacts() {
        // a baseline that never varies: the 1 % floor, and half a descriptor of eleven
        double[] b = {11, 11, 11, 11, 11, 11};
        assertThat(compare(Measure.FDS, b, new double[] {12}, 0.99).significant()).isFalse();
        assertThat(compare(Measure.FDS, b, new double[] {16}, 0.99).significant()).isTrue();
        double[] mem = {10000, 10000, 10000, 10000};
        // certain, but under 5 %
        assertThat(compare(Measure.MEMORY, mem, new double[] {10400}, 0.99).significant()).isFalse();
        assertThat(compare(Measure.MEMORY, mem, new double[] {10800}, 0.99).significant()).isTrue();
        assertThat(ImpactRule.negligible(1.04)).isTrue();
        assertThat(ImpactRule.negligible(0.94)).isFalse();
    }

    @Test
    void withoutAnyRepeatedMeasureNothingIsAnImpact() {
        Comparison c = compare(Measure.CPU, new double[] {100}, new double[] {300}, 0.95);
        assertThat(c.significant()).isFalse();
        assertThat(c.low()).isNaN();
        assertThat(ImpactRule.compare(Measure.CPU, "cpu", false, new double[0], new double[] {1}, new Spread(0.1, 3), 0.95))
                .isNull();
    }

    @Test
    void theRobustSpreadIgnoresTheFewThatDiffer() {
        double[] many = {100, 101, 99, 100, 102, 98, 100, 1000, 5};
        double robust = Spread.robust(many);
        assertThat(robust).isLessThan(0.03).isGreaterThan(0.005);
        assertThat(Spread.robust(new double[] {1, 2, 3})).isZero();
        assertThat(Spread.pooled(List.of(new double[] {1}, new double[] {2})).df()).isZero();
        assertThat(new Spread(0.01, 4).atLeast(0.05).sd()).isEqualTo(0.05);
    }

    @Test
    void higherIsBetterTurnsAFallIntoACost() {
        double[] b = {1000, 1010, 990, 1000};
        Comparison c = ImpactRule.compare(Measure.METRIC, "requests/s", true, b, new double[] {500},
                Spread.pooled(List.of(b)), 0.95);
        assertThat(c.worse()).isTrue();
        assertThat(c.describe()).startsWith("requests/s −50 %");
        assertThat(Comparison.formatRatio(7.97)).isEqualTo("×7.97");
    }
}
