package dev.shimscope.explore;

import dev.shimscope.testing.Fixtures;
import dev.shimscope.workload.WorkloadSpec;
import dev.shimscope.workload.WorkloadSpecs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes suite specs that run one static musl C fixture, copied beside the spec. */
public final class FixtureSpecs {

    private FixtureSpecs() {
    }

    /** The static musl build of {@code src/test/c/FIXTURE.c}, copied into {@code dir} as {@code FIXTURE}. */
    private static void copyFixture(Path dir, String fixture) throws IOException {
        Path binary = Fixtures.compile("musl-gcc", fixture, fixture + "-musl", "-static");
        Files.copy(binary, dir.resolve(fixture), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * A suite made of tests: the {@code units} fixture run once per test id, filtered as the
     * fixture binary only (the shell that runs the tests is not the application).
     */
    public static WorkloadSpec units(Path dir) throws IOException {
        return units(dir, "20s");
    }

    /** As {@link #units(Path)} with another test time limit. */
    public static WorkloadSpec units(Path dir, String timeout) throws IOException {
        copyFixture(dir, "units");
        Fixtures.script(dir.resolve("run-units.sh"), """
                #!/bin/sh
                for t in ${SHIMSCOPE_TESTS:-uname parent either plain}; do
                  if ./units "$t"; then echo "ok $t"; else echo "not ok $t"; fi
                done
                """);
        Path spec = dir.resolve("units.yaml");
        Files.writeString(spec, """
                app: fixture-units
                workload: tests
                kind: suite
                binary: ./units
                only: ./units
                tests:
                  ids: [uname, parent, either, plain]
                  passed: '^ok (?<test>\\S+)$'
                  failed: '^not ok (?<test>\\S+)$'
                test:
                  command: [./run-units.sh]
                  timeout: %s
                """.formatted(timeout));
        return WorkloadSpecs.load(spec);
    }

    /**
     * The {@code features} fixture (prctl options and files with known needs) as a suite of one
     * run, with {@code args} after the program.
     */
    public static WorkloadSpec features(Path dir, String... args) throws IOException {
        return runOnce(dir, "features", "20s", args);
    }

    public static WorkloadSpec suite(Path dir, String fixture) throws IOException {
        return suite(dir, fixture, "20s");
    }

    /**
     * As {@link #suite(Path, String)} with another test time limit (what a run that hangs, exit
     * stubbed under the plan, costs: the traced runs of the plan wait for it in full) and
     * {@code args} after the program.
     */
    public static WorkloadSpec suite(Path dir, String fixture, String timeout, String... args) throws IOException {
        return runOnce(dir, fixture, timeout, args);
    }

    /** The fixture run once, with {@code args} after the program. */
    private static WorkloadSpec runOnce(Path dir, String fixture, String timeout, String... args) throws IOException {
        copyFixture(dir, fixture);
        StringBuilder command = new StringBuilder("./" + fixture);
        for (String a : args) {
            command.append(", ").append(a);
        }
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, """
                app: fixture-%s
                workload: run
                kind: suite
                binary: ./%s
                test:
                  command: [%s]
                  timeout: %s
                """.formatted(fixture, fixture, command, timeout));
        return WorkloadSpecs.load(spec);
    }

    /**
     * A benchmark whose server is the fixture (ready when it prints "ready", stopped by SIGTERM)
     * and whose client waits a moment and prints a constant score (the spec's metric).
     */
    static WorkloadSpec benchmark(Path dir, String fixture) throws IOException {
        copyFixture(dir, fixture);
        Path spec = dir.resolve("benchmark.yaml");
        Files.writeString(spec, """
                app: fixture-%s
                workload: bench
                kind: benchmark
                binary: ./%s
                server:
                  command: [./%s]
                  ready: {log: '^ready$'}
                  timeout: 10s
                metric: {name: score, regex: 'score: (?<value>\\d+)', better: higher}
                test:
                  command: [/bin/sh, -c, 'sleep 0.2; echo "score: 42"']
                  timeout: 10s
                  expect: 'score: 42'
                """.formatted(fixture, fixture, fixture));
        return WorkloadSpecs.load(spec);
    }

    /**
     * Busy loops on every core and one more, processes of the calling test: it stops them by
     * their PIDs ({@link Process#destroyForcibly}).
     */
    public static java.util.List<Process> cpuHogs() throws IOException {
        java.util.List<Process> hogs = new java.util.ArrayList<>();
        for (int i = 0; i <= Runtime.getRuntime().availableProcessors(); i++) {
            hogs.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
        }
        return hogs;
    }
}
