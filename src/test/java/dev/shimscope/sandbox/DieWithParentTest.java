package dev.shimscope.sandbox;

import dev.shimscope.testing.Fixtures;
import dev.shimscope.testing.Procs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the JVM that started a run dies, the run dies with it: a separate JVM runs
 * {@code shimscope trace} of a process that blocks forever, is killed by its pid, and afterwards
 * no process carrying the run's unique token is left on the host.
 */
class DieWithParentTest {

    @ParameterizedTest(name = "JVM ended by {0}")
    @ValueSource(strings = {"SIGKILL", "SIGTERM", "SIGINT to the process group (Ctrl-C)"})
    void runsDieWithTheJvm(String signal) throws Exception {
        Path probe = Fixtures.gcc("probe");
        String token = Procs.token();
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        // the killed JVM cannot delete its work directory: give it one that this test deletes
        Path tmp = Files.createDirectories(Path.of("target/die-with-parent", UUID.randomUUID().toString()).toAbsolutePath());
        // setsid: a process group of its own, as a shell gives a command (Ctrl-C goes to the group)
        Process jvm = new ProcessBuilder("setsid", java.toString(), "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), "dev.shimscope.cli.Main",
                "trace", "--timeout", "120", "--", probe.toString(), "pause", token)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            // besides the JVM's own command line, strace and the probe inside the sandbox carry the token
            assertThat(Procs.awaitToken(token, 30_000, jvm.pid())).as("the traced run started").isTrue();
            switch (signal) {
                case "SIGKILL" -> jvm.destroyForcibly();
                case "SIGTERM" -> jvm.destroy();
                default -> {
                    Process intr = new ProcessBuilder("kill", "-INT", "--", "-" + jvm.pid()).start();
                    assertThat(intr.waitFor()).isZero();
                }
            }
            jvm.waitFor();
            // --die-with-parent delivers its SIGKILL when the JVM's thread is gone: give it a moment
            assertThat(Procs.awaitNoToken(token, 10_000)).as("sandbox processes left after the JVM died").isEmpty();
        } finally {
            jvm.destroyForcibly();
            jvm.waitFor();
            Sandbox.deleteTree(tmp);
        }
    }
}
