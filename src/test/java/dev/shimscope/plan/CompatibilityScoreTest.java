package dev.shimscope.plan;

import dev.shimscope.model.OsDescription;
import dev.shimscope.store.ResultStore;
import dev.shimscope.testing.LoupeData;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CompatibilityScoreTest {

    private static AppNeeds app(String name, Map<String, Need> needs) {
        return new AppNeeds(name, List.of("benchmark-x"), new TreeMap<>(needs));
    }

    @Test
    void definitionsOnASmallExample() {
        List<AppNeeds> apps = List.of(
                app("a", Map.of("read", Need.IMPLEMENT, "write", Need.IMPLEMENT)),
                app("b", Map.of("read", Need.IMPLEMENT, "prctl", Need.FAKE)),
                app("c", Map.of("open", Need.IMPLEMENT, "getpid", Need.STUB)));
        // weights: read 2, write 1, open 1 (fake and stub needs weigh nothing)
        assertThat(CompatibilityScore.weights(apps)).isEqualTo(Map.of("read", 2, "write", 1, "open", 1));
        OsDescription os = OsDescription.parse("mini", "mini", "read\nwrite\ngetpid\n");
        CompatibilityScore.OsScore s = CompatibilityScore.score(apps, List.of(os)).getFirst();
        assertThat(s.weight()).isEqualTo(3);
        assertThat(s.totalWeight()).isEqualTo(4);
        assertThat(s.weightedScore()).isEqualTo(0.75);
        // a: yes; b: prctl is neither implemented nor faked, so ENOSYS breaks it; c: open missing
        assertThat(s.supported()).isEqualTo(1);
        assertThat(s.withFakes()).isEqualTo(2);
        assertThat(s.missing()).containsExactly(Map.entry("open", 1));
    }

    @Test
    void gvisorRanksAboveUnikraftOnTheShippedBenchmarks() throws Exception {
        var snapshot = ResultStore.open(LoupeData.importedStore()).read();
        List<AppNeeds> apps = AppNeeds.select(snapshot, List.of("*"), WorkloadSelection.BENCH);
        List<CompatibilityScore.OsScore> scores = CompatibilityScore.score(apps,
                List.of(OsDescription.load("unikraft"), OsDescription.load("gvisor")));
        assertThat(scores).extracting(CompatibilityScore.OsScore::os).containsExactly("gvisor", "unikraft");
        assertThat(scores.get(0).weightedScore()).isGreaterThan(scores.get(1).weightedScore());
        assertThat(scores.get(0).supportedShare()).isGreaterThan(scores.get(1).supportedShare());
        assertThat(scores.get(1).weightedScore()).isCloseTo(1734.0 / 1876, within(1e-9));
    }
}
