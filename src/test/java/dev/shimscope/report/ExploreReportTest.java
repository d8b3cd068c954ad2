package dev.shimscope.report;

import dev.shimscope.model.RunRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExploreReportTest {

    private static RunRecord passed(long millis) {
        return new RunRecord(true, null, millis, 10, millis - 20, 10);
    }

    @Test
    void baselineStatsGiveTheSpreadOfTheRuns() {
        // 600, 700, 800: mean 700, sample standard deviation 100
        assertThat(ExploreReport.baselineStats(List.of(passed(600), passed(800), passed(700))))
                .containsEntry("runs", 3L).containsEntry("minMillis", 600L).containsEntry("maxMillis", 800L)
                .containsEntry("meanMillis", 700L).containsEntry("stddevMillis", 100L);
        assertThat(ExploreReport.baselineStats(List.of(passed(500)))).containsEntry("stddevMillis", 0L);
    }
}
