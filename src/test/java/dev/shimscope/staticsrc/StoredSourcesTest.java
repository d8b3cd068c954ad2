package dev.shimscope.staticsrc;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shimscope.model.Verdict;
import dev.shimscope.store.Profile;
import dev.shimscope.store.ResultStore;
import dev.shimscope.store.StoredRun;
import dev.shimscope.testing.Cli;
import dev.shimscope.workload.WorkloadKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source-level set lands beside the dynamic results: the newest run of each workload then
 * carries used, verdicts and static_sources, {@code db show} lists the set and what the traced
 * run used beyond it; an app the store does not know gets static-only runs. And the command's
 * errors: one line, non-zero, nothing written.
 */
class StoredSourcesTest {

    @TempDir
    Path tmp;

    private static ObjectNode provenance() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("source", "demo 1.0-1");
        return o;
    }

    @Test
    void newestRunOfEveryWorkloadCarriesTheDynamicDataAndTheSet() throws Exception {
        Path db = tmp.resolve("db");
        ResultStore store = ResultStore.openOrCreate(db);
        Profile bench = Profile.newRun("demo", WorkloadKind.BENCHMARK, "load", Map.of("read", Verdict.REQUIRED,
                "prctl", Verdict.FAKE_ONLY, "rseq", Verdict.BOTH)).withStaticBinary(Set.of("read", "prctl", "rseq", "openat"));
        store.save(bench);
        store.save(Profile.newRun("demo", WorkloadKind.SUITE, "tests", Map.of("read", Verdict.REQUIRED)));

        List<StoredRun> stored = StoredSources.save(store, "demo", Set.of("read", "prctl", "write"), provenance());

        assertThat(stored).hasSize(2);
        Profile newest = store.read().latest("demo", "benchmark-load").orElseThrow();
        assertThat(newest.runId()).isNotEqualTo(bench.runId());
        assertThat(newest.used()).containsExactly("prctl", "read", "rseq");
        assertThat(newest.verdicts()).containsEntry("prctl", Verdict.FAKE_ONLY);
        assertThat(newest.staticBinary()).containsExactly("openat", "prctl", "read", "rseq");
        assertThat(newest.staticSources()).containsExactly("prctl", "read", "write");
        assertThat(newest.details().path("static_sources").path("repeats_run").asText()).isEqualTo(bench.runId());
        assertThat(Files.readAllLines(db.resolve(newest.relativeDir()).resolve("data/static_sources.csv")))
                .contains("# syscall, used", "1,Y", "157,Y", "334,N");

        Cli.Outcome show = Cli.run("db", "show", "demo", "--workload", "bench", "--db", db.toString());
        assertThat(show.status()).as(show.err()).isZero();
        assertThat(show.out()).contains("static sources (3)")
                .contains("used but not in static sources (source-level misses) (1):\n    rseq");
    }

    @Test
    void anAppWithoutRunsGetsStaticOnlyRuns() throws Exception {
        ResultStore store = ResultStore.openOrCreate(tmp.resolve("db"));
        List<StoredRun> stored = StoredSources.save(store, "no-catalog-entry", Set.of("read"), provenance());
        assertThat(stored).singleElement().satisfies(r -> {
            assertThat(r.profile().workloadDir()).isEqualTo("benchmark-static");
            assertThat(r.profile().hasDynamic()).isFalse();
            assertThat(r.profile().staticSources()).containsExactly("read");
        });
    }

    @Test
    void anAppDebianHasNoSourceForIsOneLineAndWritesNothing() {
        Path db = tmp.resolve("db");
        Path csv = tmp.resolve("out.csv");
        Cli.Outcome o = Cli.run("static", "--sources", "shimscope-no-such-app", "--db", db.toString(), "--csv", csv.toString());
        assertThat(o.status()).isNotZero();
        assertThat(o.errorLines()).singleElement().asString()
                .contains("Debian ships no source package 'shimscope-no-such-app'").contains("recipes: haproxy, memcached");
        assertThat(db).doesNotExist();
        assertThat(csv).doesNotExist();
    }

    @Test
    void binaryAndSourcesTogetherAreRefused() {
        Cli.Outcome o = Cli.run("static", "--sources", "redis", "/usr/bin/redis-server", "--db", tmp.resolve("db").toString());
        assertThat(o.status()).isNotZero();
        assertThat(o.errorLines()).singleElement().asString().contains("give either BINARY or --sources APP");
    }
}
