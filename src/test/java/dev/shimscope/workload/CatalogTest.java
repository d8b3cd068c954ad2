package dev.shimscope.workload;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shipped catalog's entries and names, the files a spec uses, packages and preparation. */
class CatalogTest {

    private static final Catalog CATALOG = CatalogChecks.CATALOG;

    @Test
    void shipsSixAppsAndTwoTestSuitesNamedAfterTheirFiles() {
        List<String> names = CATALOG.entries().stream().map(Catalog.Entry::name).toList();
        assertThat(names).contains("redis", "nginx", "memcached", "haproxy", "sqlite3", "python3",
                "redis-suite", "python3-regrtest");
        for (Catalog.Entry e : CATALOG.entries()) {
            WorkloadSpec spec = e.load(); // every shipped spec is valid
            assertThat(spec.packages()).as(e.name()).isNotEmpty();
            assertThat(spec.binary()).as(e.name()).isNotNull();
        }
        assertThat(CATALOG.find("redis-suite").orElseThrow().load().kind()).isEqualTo(WorkloadKind.SUITE);
        assertThat(CATALOG.find("sqlite3").orElseThrow().file().getFileName()).hasToString("workload.yaml");
    }

    @Test
    void suitesFilterOnlyTheApplicationBinary() {
        for (String name : List.of("redis-suite", "python3-regrtest", "sqlite3", "python3")) {
            WorkloadSpec spec = CATALOG.find(name).orElseThrow().load();
            assertThat(spec.only()).as(name).isNotNull();
        }
    }

    @Test
    void namedFilesFollowsScriptsToTheFilesTheyName() {
        WorkloadSpec sqlite = CATALOG.find("sqlite3").orElseThrow().load();
        assertThat(WorkloadSpecs.namedFiles(sqlite)).extracting(p -> p.getFileName().toString())
                .containsExactly("run.sh", "workload.sql", "expected.txt");
        WorkloadSpec nginx = CATALOG.find("nginx").orElseThrow().load();
        assertThat(WorkloadSpecs.namedFiles(nginx)).extracting(p -> p.getFileName().toString())
                .containsExactly("nginx.conf", "paced.lua");
    }

    @Test
    void missingPackagesAreThoseNotInstalled() {
        assertThat(Packages.missing(List.of("bash", "coreutils"))).isEmpty();
        assertThat(Packages.missing(List.of("bash", "shimscope-no-such-package")))
                .containsExactly("shimscope-no-such-package");
        assertThat(Packages.installCommand(List.of("nginx", "wrk"), false)).isEqualTo("sudo apt-get install -y nginx wrk");
    }

    @Test
    void prepareRunsOnTheHostWithTheCacheDirectoryAndFailsWithItsLastLine(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache");
        Files.writeString(dir.resolve("prep.sh"), """
                #!/bin/sh
                mkdir -p "$SHIMSCOPE_CACHE" && echo "prepared in $SPEC_DIR" >> "$SHIMSCOPE_CACHE/stamp"
                """);
        dir.resolve("prep.sh").toFile().setExecutable(true);
        Path specFile = dir.resolve("spec.yaml");
        Files.writeString(specFile, """
                app: prep
                workload: run
                kind: suite
                prepare: ./prep.sh
                test:
                  command: cat "$SHIMSCOPE_CACHE/stamp"
                """);
        WorkloadSpec spec = WorkloadSpecs.load(specFile);
        assertThat(spec.prepare()).hasToString("./prep.sh");
        Preparation.ensurePrepared(spec, cache, new java.io.PrintWriter(new ByteArrayOutputStream(), true));
        assertThat(Files.readString(cache.resolve("stamp"))).isEqualTo("prepared in " + dir.toRealPath() + "\n");

        Files.writeString(specFile, Files.readString(specFile).replace("./prep.sh", "echo no network; exit 3"));
        WorkloadSpec failing = WorkloadSpecs.load(specFile);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertThatThrownBy(() -> Preparation.ensurePrepared(failing, cache, new java.io.PrintWriter(log, true)))
                .hasMessage("spec " + specFile + ": prepare (echo no network; exit 3): failed with status 3: no network");
        assertThat(log.toString(StandardCharsets.UTF_8)).isEqualTo("no network\n");
    }
}
