package dev.shimscope.explore;

import dev.shimscope.testing.Fixtures;
import dev.shimscope.workload.WorkloadSpec;
import dev.shimscope.workload.WorkloadSpecs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes suite specs that run one static musl C fixture, copied beside the spec. */
final class FixtureSpecs {

    private FixtureSpecs() {
    }

    static WorkloadSpec suite(Path dir, String fixture) throws IOException {
        Path binary = Fixtures.compile("musl-gcc", fixture, fixture + "-musl", "-static");
        Files.copy(binary, dir.resolve(fixture), StandardCopyOption.REPLACE_EXISTING);
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, """
                app: fixture-%s
                workload: run
                kind: suite
                binary: ./%s
                test:
                  command: [./%s]
                  timeout: 20s
                """.formatted(fixture, fixture, fixture));
        return WorkloadSpecs.load(spec);
    }
}
