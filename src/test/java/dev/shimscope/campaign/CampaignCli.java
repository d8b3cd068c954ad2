package dev.shimscope.campaign;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code shimscope} as a process of its own, as a user does, with an environment of the
 * test's choosing ({@code SLURM_CONF} of the test cluster, a {@code PATH} without Slurm, a cache
 * directory): a campaign's tasks are processes too, and they inherit it.
 */
final class CampaignCli {

    record Outcome(int status, String out, String err) {
        List<String> errorLines() {
            return err.lines().toList();
        }
    }

    private CampaignCli() {
    }

    static Process start(Map<String, String> env, Path out, Path err, String... args) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "dev.shimscope.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        return pb.start();
    }

    static Outcome run(Map<String, String> env, Path workDir, String... args) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        Process p = start(env, out, err, args);
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroy();
            p.waitFor(90, TimeUnit.SECONDS);
            throw new AssertionError("shimscope " + String.join(" ", args) + " did not end within 15 minutes");
        }
        return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
