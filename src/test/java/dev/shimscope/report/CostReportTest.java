package dev.shimscope.report;

import dev.shimscope.model.Comparison;
import dev.shimscope.model.Impact;
import dev.shimscope.model.Impacts;
import dev.shimscope.model.Measure;
import dev.shimscope.model.Treatment;
import dev.shimscope.model.Verdict;
import dev.shimscope.store.Profile;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.workload.WorkloadKind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Stored impacts as {@code db show} and the HTML report show them. */
class CostReportTest {

    private static final SyscallTable T = SyscallTable.x86_64();

    private static Profile profile() {
        Comparison fds = new Comparison(Measure.FDS, "fds", false, 39, 652, 16.7, 15.6, 18.0, 2, 1, true);
        Comparison rps = new Comparison(Measure.METRIC, "requests/s", true, 9000, 1080, 0.12, 0.06, 0.27, 2, 2, true);
        Comparison mem = new Comparison(Measure.MEMORY, "memory", false, 13000, 13100, 1.01, 0.97, 1.05, 3, 3, false);
        Impacts im = new Impacts(List.of(new Impact(T.require("close"), Treatment.FAKE, fds),
                new Impact(T.require("futex"), Treatment.FAKE, rps)), List.of(fds, rps, mem),
                new TreeMap<>(Map.of(T.require("madvise"), Treatment.FAKE)), 4, 4, 11, 5300, "rule");
        return Profile.newRun("redis", WorkloadKind.BENCHMARK, "redis-benchmark",
                Map.of("close", Verdict.FAKE_ONLY, "futex", Verdict.FAKE_ONLY, "madvise", Verdict.BOTH)).withImpacts(im);
    }

    @Test
    void dbShowListsTheImpactsAndThePlansCost(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var store = dev.shimscope.store.ResultStore.openOrCreate(dir.resolve("db"));
        store.save(profile());
        var snapshot = store.read();
        Profile p = snapshot.latest().getFirst();
        String text = StoreReport.show(List.of(p), snapshot);
        assertThat(text).contains("impacts (against the baseline, confirmed alone):", "close faked: fds ×16.7 [×15.6, ×18.0]",
                "futex faked: requests/s −88 % [−94 %, −73 %]", "madvise works both ways and its stub costs more: an OS may fake it (the plan stubs it, the rule)",
                "the plan's cost: fds ×16.7 [×15.6, ×18.0], requests/s −88 %");
        assertThat(StoreReport.showJson(List.of(p))).contains("\"impacts\"", "\"planCost\"");
    }

    @Test
    void theHtmlReportHasACostTablePerWorkload() {
        String html = HtmlReport.costSection(List.of(profile()));
        assertThat(html).contains("<h2 id=\"costs\">", "<h3>redis benchmark-redis-benchmark</h3>", "<td>close</td><td>fake</td>",
                "<b>the plan</b>", HtmlReport.WORSE_COLOUR, "madvise faked");
        assertThat(HtmlReport.costSection(List.of())).contains("No workload has measured impacts");
    }

    @Test
    void aCostWithoutSignificantChangeSaysSo() {
        Comparison same = new Comparison(Measure.TIME, "time", false, 300, 303, 1.01, 0.9, 1.1, 3, 3, false);
        assertThat(ExploreReport.costText(List.of(same))).isEqualTo("no measurable change (time +1 %)");
    }
}
