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
        Preparation.ensurePrepared(spec, new PrintStream(OutputStream.nullOutputStream()));
        return spec;
    }

    /**
     * @param killAfter when to cut the workload short: well before it can have finished
     */
    static void proveCheck(Sandbox sandbox, String name, Duration killAfter) throws InterruptedException {
        WorkloadSpec spec = load(name);
        WorkloadRunner runner = new WorkloadRunner(sandbox, spec, null);
        runner.check();

        WorkloadOutcome baseline = runner.run(WorkloadRunner.Options.plain());
        assertThat(baseline.passed()).as("%s baseline: %s\n%s", name, baseline.failure(), baseline.testOutputTail()).isTrue();

        WorkloadOutcome replaced = runner.run(WorkloadRunner.Options.plain().replacing(spec.binary(), Path.of("/bin/false")));
        assertThat(replaced.passed()).as("%s with %s replaced by /bin/false", name, spec.binary()).isFalse();
        // noticed by the check itself, not by waiting out a time limit
        assertThat(replaced.timeLimitHit()).as("%s with /bin/false: %s", name, replaced.failure()).isFalse();
        if (spec.kind() == WorkloadSpec.Kind.BENCHMARK) {
            assertThat(replaced.failure()).contains("before it was ready");
        } else {
            assertThat(replaced.failure()).startsWith("test exited with status");
        }

        WorkloadOutcome cut = runner.run(WorkloadRunner.Options.plain().killingAfter(killAfter));
        assertThat(cut.passed()).as("%s killed after %s", name, killAfter).isFalse();
        if (spec.kind() == WorkloadSpec.Kind.BENCHMARK) {
            assertThat(cut.failure()).isEqualTo("the server exited during the test");
        } else {
            assertThat(cut.failure()).isEqualTo("test timed out");
        }
    }
}
