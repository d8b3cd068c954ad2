package dev.shimscope.store;

import dev.shimscope.model.Verdict;
import dev.shimscope.testing.LoupeData;
import dev.shimscope.workload.WorkloadKind;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoupeImportTest {

    @TempDir
    Path tmp;

    @Test
    void theShippedDatabaseImportsCompletely() throws Exception {
        StoreSnapshot s = ResultStore.open(LoupeData.importedStore()).read();
        assertThat(s.latestByApp()).hasSize(116);
        assertThat(s.runs()).hasSize(125);
        assertThat(s.ignored()).isEmpty();
        assertThat(s.runs()).allSatisfy(r -> {
            assertThat(r.profile().imported()).isTrue();
            assertThat(r.profile().toolVersion()).isEqualTo("loupe");
            assertThat(r.profile().hasDynamic()).isTrue();
        });
        assertThat(s.runs().stream().filter(r -> r.profile().staticBinary() != null)).hasSize(105);
        assertThat(s.runs().stream().filter(r -> r.profile().staticSources() != null)).hasSize(9);
        assertThat(s.runs().stream().filter(r -> r.profile().kind() == WorkloadKind.SUITE)
                .map(r -> r.profile().app()).distinct()).hasSize(11);
        // Loupe's bare "suite" directory is the suite without a name
        assertThat(s.latest("redis", "suite")).hasValueSatisfying(p -> assertThat(p.workload()).isEmpty());
        // the CSVs are copied byte for byte
        Path run = LoupeData.importedStore().resolve("zstd/benchmark-zstd-test/681378c3d2bcff7057e7ce8d7914c951/data");
        for (String f : List.of("dyn.csv", "static_binary.csv")) {
            assertThat(Files.readAllBytes(run.resolve(f))).isEqualTo(Files.readAllBytes(
                    LoupeData.DB.resolve("zstd/benchmark-zstd-test/681378c3d2bcff7057e7ce8d7914c951/data").resolve(f)));
        }
    }

    @Test
    void stubAndFakeAreLabelledByTheCsvColumnsNotAsLoupesReaderSwapsThem() throws Exception {
        // nginx/benchmark-wrk dyn.csv: "288,Y,N,Y,N" (accept4 works stubbed), "72,Y,Y,N,N" (fcntl works faked)
        Path csv;
        try (Stream<Path> runs = Files.list(LoupeData.DB.resolve("nginx/benchmark-wrk"))) {
            csv = runs.findFirst().orElseThrow().resolve("data/dyn.csv");
        }
        assertThat(Files.readAllLines(csv)).contains("288,Y,N,Y,N", "72,Y,Y,N,N");
        Profile nginx = ResultStore.open(LoupeData.importedStore()).read().latest("nginx", "benchmark-wrk").orElseThrow();
        assertThat(nginx.verdicts()).containsEntry("accept4", Verdict.STUB_ONLY)
                .containsEntry("fcntl", Verdict.FAKE_ONLY);
    }

    @Test
    void ofTwoRunsOfOneWorkloadTheHashedRunWinsOverLoupesOlderImportedOne() throws Exception {
        StoreSnapshot s = ResultStore.open(LoupeData.importedStore()).read();
        List<StoredRun> nginxSuite = s.runsOf("nginx").stream()
                .filter(r -> r.profile().workloadDir().equals("suite-nginx-tests")).toList();
        assertThat(nginxSuite).extracting(r -> r.profile().runId())
                .containsExactly("c7d2ac9eca329a756e7690251213b81f", "imported");
        assertThat(s.latest("nginx", "suite-nginx-tests").orElseThrow().runId()).isEqualTo("c7d2ac9eca329a756e7690251213b81f");
        // two hashed runs: the choice does not depend on file times, only on the recorded time and the id
        assertThat(s.latest("lua", "benchmark-lua-test").orElseThrow().runId()).isEqualTo("656835c7d071a93357c732822bc0ce5d");
    }

    @Test
    void importingAgainChangesNothing() throws Exception {
        ResultStore store = ResultStore.openOrCreate(tmp.resolve("db"));
        ImportResult first = store.importLoupe(LoupeData.DB);
        assertThat(first.added()).isEqualTo(125);
        assertThat(first.apps()).isEqualTo(116);
        assertThat(first.notes()).singleElement().asString()
                .isEqualTo("h2o/benchmark-h2o/imported: ignored the stub/fake columns of syscalls marked unused: "
                        + "access, getsockopt, clock_nanosleep");
        String head = store.head();
        ImportResult again = store.importLoupe(LoupeData.DB);
        assertThat(again.added()).isZero();
        assertThat(again.unchanged()).isEqualTo(125);
        assertThat(again.commit()).isNull();
        assertThat(store.head()).isEqualTo(head);
        try (Git git = Git.open(tmp.resolve("db").toFile())) {
            assertThat(git.log().call()).hasSize(2);
            assertThat(git.log().setMaxCount(1).call().iterator().next().getShortMessage())
                    .startsWith("Import 125 runs of 116 apps from Loupe database " + LoupeData.DB);
        }
    }

    @Test
    void runsWithMissingCsvsAreImportedOrSkippedWithAReason() throws Exception {
        Path loupe = tmp.resolve("loupe");
        Files.createDirectories(loupe.resolve("app1/benchmark-x/aaaa/data"));
        Files.writeString(loupe.resolve("app1/benchmark-x/aaaa/data/dyn.csv"), "0,Y,N,N,N\n");
        Files.createDirectories(loupe.resolve("app1/suite/imported/data"));     // static results only
        Files.writeString(loupe.resolve("app1/suite/imported/data/static_binary.csv"), "# syscall, used\n0,Y\n1,Y\n");
        Files.createDirectories(loupe.resolve("app2/benchmark-y/bbbb/data"));   // nothing at all
        Files.writeString(loupe.resolve("app2/benchmark-y/bbbb/cmd.txt"), "loupe generate");
        Files.writeString(loupe.resolve("README.md"), "ignored");
        Files.createDirectories(loupe.resolve(".git"));
        ResultStore store = ResultStore.openOrCreate(tmp.resolve("db"));
        ImportResult r = store.importLoupe(loupe);
        assertThat(r.added()).isEqualTo(2);
        assertThat(r.skipped()).containsExactly("app2/benchmark-y/bbbb: no data/dyn.csv, static_binary.csv or static_sources.csv");
        Profile staticOnly = store.read().latest("app1", "suite").orElseThrow();
        assertThat(staticOnly.hasDynamic()).isFalse();
        assertThat(staticOnly.staticBinary()).containsExactly("read", "write");
    }

    @Test
    void aDirectoryThatIsNotAWorkloadIsAnError() throws Exception {
        Path loupe = tmp.resolve("loupe");
        Files.createDirectories(loupe.resolve("app1/results/aaaa/data"));
        Files.writeString(loupe.resolve("app1/results/aaaa/data/dyn.csv"), "0,Y,N,N,N\n");
        ResultStore store = ResultStore.openOrCreate(tmp.resolve("db"));
        assertThatThrownBy(() -> store.importLoupe(loupe))
                .hasMessage("Loupe database " + loupe + ": app1/results is not a workload directory "
                        + "(expected benchmark-NAME, suite or suite-NAME)");
        assertThatThrownBy(() -> store.importLoupe(tmp.resolve("nowhere"))).hasMessageContaining("nowhere");
        Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> store.importLoupe(tmp.resolve("empty"))).hasMessageContaining("holds no Loupe results");
        assertThat(Arrays.asList(tmp.resolve("db").toFile().list())).containsExactlyInAnyOrder(".git", ".gitignore",
                ResultStore.MARKER, ".lock");
    }
}
