package dev.shimscope.workload;

import dev.shimscope.sandbox.Sandbox;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves a catalog entry's success check: its baseline passes, and it fails when the application
 * is broken, both when its binary is replaced by /bin/false and when the workload is cut short.
 */
final class CatalogChecks {

    static final Catalog CATALOG = new Catalog(Path.of("catalog").toAbsolutePath());

    private CatalogChecks() {
    }

    static WorkloadSpec load(String name) {
        WorkloadSpec spec = CATALOG.find(name).orElseThrow(() -> new AssertionError("no catalog entry " + name)).load();
        assertThat(Packages.missing(spec.packages()))
                .as("Debian packages of %s (install them with tools/install-deps.sh test)", name).isEmpty();
        Preparation.ensurePrepared(spec, new java.io.PrintWriter(OutputStream.nullOutputStream()));
        return spec;
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
