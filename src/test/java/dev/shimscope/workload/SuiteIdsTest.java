package dev.shimscope.workload;

import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A suite whose spec names its test ids is those tests: a run without a selection gives its
 * command exactly those ids, even when the command alone would run more (redis-suite-core runs
 * 13 of the suite's 82 units with redis-suite's script).
 */
class SuiteIdsTest {

    @Test
    void aRunWithoutASelectionRunsTheSpecsIdsOnly(@TempDir Path dir) throws Exception {
        Fixtures.script(dir.resolve("run-all.sh"), """
                #!/bin/sh
                # alone, this command knows three tests
                for t in ${SHIMSCOPE_TESTS:-a b c}; do echo "ok $t"; done
                """);
        Path spec = dir.resolve("ids.yaml");
        Files.writeString(spec, """
                app: fixture-ids
                workload: tests
                kind: suite
                binary: /bin/sh
                tests:
                  ids: [a, b]
                  passed: '^ok (?<test>\\S+)$'
                test:
                  command: [./run-all.sh]
                  timeout: 20s
                """);
        WorkloadRunner runner = new WorkloadRunner(Sandbox.create(), WorkloadSpecs.load(spec), null);
        WorkloadOutcome all = runner.run(WorkloadRunner.Options.plain());
        assertThat(all.passed()).as(all.failure()).isTrue();
        assertThat(all.passedTests()).containsExactlyInAnyOrder("a", "b");
        assertThat(all.testOutputTail()).doesNotContain("ok c");

        WorkloadOutcome one = runner.run(WorkloadRunner.Options.plain().withTests(java.util.List.of("b")));
        assertThat(one.passedTests()).containsExactly("b");
    }
}
