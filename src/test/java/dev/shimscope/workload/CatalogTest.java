package dev.shimscope.workload;

import dev.shimscope.testing.Fixtures;
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
    void shipsSixAppsAndSixTestSuitesNamedAfterTheirFiles() {
        List<String> names = CATALOG.entries().stream().map(Catalog.Entry::name).toList();
        assertThat(names).contains("redis", "nginx", "memcached", "haproxy", "sqlite3", "python3",
                "redis-suite", "nginx-suite", "memcached-suite", "sqlite3-suite", "haproxy-suite", "python3-regrtest");
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
        for (String name : List.of("redis-suite", "nginx-suite", "memcached-suite", "sqlite3-suite", "haproxy-suite",
                "python3-regrtest", "sqlite3", "python3")) {
            WorkloadSpec spec = CATALOG.find(name).orElseThrow().load();
            assertThat(spec.only()).as(name).isNotNull();
        }
    }

    @Test
    void theFiveApplicationsHaveSuitesMadeOfTestsThatFilterTheApplication() {
        for (String app : List.of("redis", "nginx", "memcached", "sqlite3", "haproxy")) {
            WorkloadSpec spec = CATALOG.find(app + "-suite").orElseThrow(() -> new AssertionError(app + "-suite")).load();
            assertThat(spec.kind()).as(app).isEqualTo(WorkloadKind.SUITE);
            assertThat(spec.tests()).as(app).isNotNull();
            assertThat(spec.tests().list()).as(app + ": tests listed by a command").isNotNull();
            assertThat(spec.only()).as(app).isEqualTo(spec.binary());
            assertThat(spec.prepare()).as(app).isNotNull();
            assertThat(spec.test().command().shell()).as(app).isEqualTo("./run-suite.sh");
        }
    }

    @Test
    void theCopiesOfAptSourceAreTheSame() throws Exception {
        List<Path> copies;
        try (var files = Files.walk(Path.of("catalog"))) {
            copies = files.filter(p -> p.getFileName().toString().equals("apt-source.sh")).sorted().toList();
        }
        assertThat(copies).extracting(p -> p.getParent().getFileName().toString())
                .containsExactly("haproxy", "memcached", "redis", "sqlite3");
        String first = Files.readString(copies.getFirst());
        for (Path p : copies) {
            assertThat(Files.readString(p)).as("%s equals %s", p, copies.getFirst()).isEqualTo(first);
        }
    }

    @Test
    void installDepsInstallsThePackagesOfEveryEntry() throws Exception {
        String script = Files.readString(Path.of("tools/install-deps.sh"));
        java.util.Set<String> listed = new java.util.HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^(?:run|test)_pkgs=\"([^\"]*)\"").matcher(script);
        while (m.find()) {
            listed.addAll(List.of(m.group(1).trim().split("\\s+")));
        }
        for (Catalog.Entry e : CATALOG.entries()) {
            assertThat(listed).as("tools/install-deps.sh has the packages of %s", e.name()).containsAll(e.load().packages());
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
        Fixtures.script(dir.resolve("prep.sh"), """
                #!/bin/sh
                mkdir -p "$SHIMSCOPE_CACHE" && echo "prepared in $SPEC_DIR" >> "$SHIMSCOPE_CACHE/stamp"
                """);
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
