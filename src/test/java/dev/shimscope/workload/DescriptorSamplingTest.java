package dev.shimscope.workload;

import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The highest number of open descriptors is a measure of the application, not of how long its
 * run took: a burst of descriptors early in a short test is seen in every run, fast or slow (it
 * was sampled every 100 ms, so redis's 30 client connections counted in a slow run and not in a
 * fast one: 39 against 9, and impacts that were none).
 */
class DescriptorSamplingTest {

    @Test
    void aShortBurstOfDescriptorsEarlyInATestIsSeenInEveryRun(@TempDir Path dir) throws Exception {
        // 30 descriptors for 60 ms right at the start, then 200 ms with the usual three
        Fixtures.script(dir.resolve("burst.sh"), """
                #!/bin/bash
                for i in $(seq 10 39); do eval "exec $i</dev/null"; done
                read -r -t 0.06 <> <(:) || true
                for i in $(seq 10 39); do eval "exec $i<&-"; done
                read -r -t 0.2 <> <(:) || true
                echo done
                """);
        Path spec = dir.resolve("burst.yaml");
        Files.writeString(spec, """
                app: fixture-burst
                workload: run
                kind: suite
                binary: /bin/bash
                test:
                  command: [./burst.sh]
                  timeout: 20s
                  expect: done
                """);
        WorkloadRunner runner = new WorkloadRunner(Sandbox.create(), WorkloadSpecs.load(spec), null);
        for (int i = 0; i < 5; i++) {
            WorkloadOutcome o = runner.run(WorkloadRunner.Options.plain());
            assertThat(o.passed()).as(o.failure()).isTrue();
            assertThat(o.measures().openFds()).as("run %d", i + 1).isGreaterThanOrEqualTo(30);
        }
    }
}
