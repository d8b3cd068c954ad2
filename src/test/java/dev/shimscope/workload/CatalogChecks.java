package dev.shimscope.workload;

import dev.shimscope.sandbox.Sandbox;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves a catalog entry's success check: its baseline passes, and it fails when the application
 * is broken, both when its binary is replaced by /bin/false and when the workload is cut short.
 */
final class CatalogChecks {

    static final Catalog CATALOG = new Catalog(Path.of("catalog").toAbsolutePath());

    private CatalogChecks() {
    }

    /**
     * Entries whose suite is not packaged: the variable their prepare step reads the suite's
     * location from, and the snapshot of it that a shared checkout may hold beside the
     * project ({@code ../shared/suites/FILE}, the pinned snapshots of this project's machines).
     */
    private static final Map<String, Map.Entry<String, String>> SNAPSHOTS = Map.of(
            "nginx-suite", Map.entry("SHIMSCOPE_NGINX_TESTS", "nginx-tests.tar.gz"),
            "haproxy-suite", Map.entry("SHIMSCOPE_VTEST", "vtest2.tar.gz"));

    static WorkloadSpec load(String name) {
        WorkloadSpec spec = CATALOG.find(name).orElseThrow(() -> new AssertionError("no catalog entry " + name)).load();
        assertThat(Packages.missing(spec.packages()))
                .as("Debian packages of %s (install them with tools/install-deps.sh test)", name).isEmpty();
        if (SNAPSHOTS.containsKey(name)) {
            prepareFromSnapshot(name, spec);
        }
        Preparation.ensurePrepared(spec, new java.io.PrintWriter(OutputStream.nullOutputStream()));
        return spec;
    }

    /**
     * Runs the prepare step of an entry whose suite is not packaged with the variable that names
     * the suite: the caller's, else the shared snapshot when there is one. With neither, an entry
     * prepared before still runs; one that is not is skipped with its prepare step's message.
     */
    private static void prepareFromSnapshot(String name, WorkloadSpec spec) {
        String variable = SNAPSHOTS.get(name).getKey();
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            Path shared = Path.of("").toAbsolutePath().getParent().resolve("shared/suites").resolve(SNAPSHOTS.get(name).getValue());
            value = Files.isRegularFile(shared) ? shared.toString() : null;
        }
        WorkloadSpec.Command prepare = spec.prepare();
        List<String> argv = prepare.isShell() ? List.of("/bin/sh", "-c", prepare.shell()) : prepare.argv();
        ProcessBuilder pb = new ProcessBuilder(argv).directory(spec.dir().toFile()).redirectErrorStream(true);
        pb.environment().put(Preparation.CACHE_VARIABLE, Preparation.cacheDir(spec).toString());
        pb.environment().put("SPEC_DIR", spec.dir().toString());
        if (value != null) {
            pb.environment().put(variable, value);
        } else {
            pb.environment().remove(variable);
        }
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        String output;
        int status;
        try {
            Files.createDirectories(Preparation.cacheDir(spec));
            Process p = pb.start();
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(name + ": prepare did not end within 30 minutes");
            }
            status = p.exitValue();
        } catch (IOException e) {
            throw new AssertionError(name + ": cannot run prepare: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(name + ": interrupted", e);
        }
        String last = output.strip().isEmpty() ? "no output" : output.strip().lines().reduce((a, b) -> b).orElseThrow();
        if (status != 0 && value == null) {
            Assumptions.abort(name + " skipped: set " + variable + " (" + last + ")");
        }
        assertThat(status).as("%s: prepare with %s=%s: %s", name, variable, value, output).isZero();
    }

    /**
     * Runs a few of a suite's tests, as an exploration reruns them: the selection passes (each
     * selected test reports a pass), and fails with the application binary replaced by /bin/false
     * (every selected test failed, noticed by the suite itself, not by a time limit). The suite
     * lists at least {@code minTests} tests, the selection among them.
     */
    static void proveSelection(Sandbox sandbox, String name, List<String> selection, int minTests) throws InterruptedException {
        WorkloadSpec spec = load(name);
        assertThat(spec.tests()).as("%s is made of tests", name).isNotNull();
        WorkloadRunner runner = new WorkloadRunner(sandbox, spec, null);
        runner.check();
        List<String> ids = runner.listTests();
        assertThat(ids).as("%s: the tests it lists", name).hasSizeGreaterThanOrEqualTo(minTests).containsAll(selection);

        WorkloadRunner.Options only = WorkloadRunner.Options.plain().withTests(selection);
        WorkloadOutcome ok = runner.run(only);
        assertThat(ok.passed()).as("%s %s: %s\n%s", name, selection, ok.failure(), ok.testOutputTail()).isTrue();
        assertThat(ok.passedTests()).as("%s: tests that reported a pass", name).containsAll(selection);

        WorkloadOutcome replaced = runner.run(only.replacing(spec.binary(), Path.of("/bin/false")));
        assertThat(replaced.passed()).as("%s %s with %s replaced by /bin/false", name, selection, spec.binary()).isFalse();
        assertThat(replaced.timeLimitHit()).as("%s with /bin/false: %s", name, replaced.failure()).isFalse();
        assertThat(replaced.failedTests()).as("%s with /bin/false: %s", name, replaced.failure())
                .containsExactlyInAnyOrderElementsOf(selection);
        assertThat(replaced.passedTests()).as("%s with /bin/false", name).doesNotContainAnyElementsOf(selection);
    }

    /**
     * Runs the entry four times: as it is (must pass), with its binary replaced by /bin/false,
     * as it is again, and cut short at a quarter of the faster baseline's test time (both broken
     * runs must fail).
     */
    static void proveCheck(Sandbox sandbox, String name) throws InterruptedException {
        WorkloadSpec spec = load(name);
        WorkloadRunner runner = new WorkloadRunner(sandbox, spec, null);
        runner.check();

        WorkloadOutcome baseline = runner.run(WorkloadRunner.Options.plain());
        assertThat(baseline.passed()).as("%s baseline: %s\n%s", name, baseline.failure(), baseline.testOutputTail()).isTrue();

        WorkloadOutcome replaced = runner.run(WorkloadRunner.Options.plain().replacing(spec.binary(), Path.of("/bin/false")));
        assertThat(replaced.passed()).as("%s with %s replaced by /bin/false", name, spec.binary()).isFalse();
        // noticed by the check itself, not by waiting out a time limit
        assertThat(replaced.timeLimitHit()).as("%s with /bin/false: %s", name, replaced.failure()).isFalse();
        if (spec.kind() == WorkloadKind.BENCHMARK) {
            assertThat(replaced.failure()).contains("before it was ready");
        } else {
            assertThat(replaced.failure()).startsWith("test exited with status");
        }

        // A quarter of its normal length cuts it short on a machine of any speed. Normal is the
        // faster of two passing runs: the first one on a fresh machine reads everything from disk
        // (python3: 1.2-1.6 s cold, 0.7 s warm), and a quarter of a cold run may be a whole warm one.
        WorkloadOutcome warm = runner.run(WorkloadRunner.Options.plain());
        assertThat(warm.passed()).as("%s second baseline: %s\n%s", name, warm.failure(), warm.testOutputTail()).isTrue();
        long normal = Math.min(baseline.testMillis(), warm.testMillis());
        Duration killAfter = Duration.ofMillis(Math.max(5, normal / 4));
        WorkloadOutcome cut = runner.run(WorkloadRunner.Options.plain().killingAfter(killAfter));
        assertThat(cut.passed()).as("%s killed after %s", name, killAfter).isFalse();
        if (spec.kind() == WorkloadKind.BENCHMARK) {
            // the supervisor sees the server die, or the client sees it first and fails by itself
            assertThat(cut.failure()).matches("the server exited during the test|test exited with status [1-9].*"
                    + "|test output (does not match expect|matches reject).*");
        } else {
            assertThat(cut.failure()).startsWith("the test did not end within ").endsWith(" ms (the test limit)");
            assertThat(cut.timeLimitHit()).isTrue();
        }
    }
}
