package dev.shimscope.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Compiles the C fixtures in {@code src/test/c} at test time, so that tests run real
 * processes with exactly known syscall behaviour. Outputs go to {@code target/fixtures} and are
 * rebuilt when the source is newer. Runs in a sandbox see them because tests add
 * {@link #DIR} as a read-only path (the checkout may live under the sandbox's private /tmp).
 */
public final class Fixtures {

    public static final Path SOURCES = Path.of("src/test/c").toAbsolutePath();
    public static final Path DIR = Path.of("target/fixtures").toAbsolutePath();

    private Fixtures() {
    }

    /** {@code gcc -O1 NAME.c -o target/fixtures/NAME} (dynamic PIE, Debian's default). */
    public static Path gcc(String name) {
        return compile("gcc", name, name);
    }

    /**
     * Compiles with the given compiler and extra flags into {@code target/fixtures/OUTPUT}.
     * Example: {@code compile("musl-gcc", "raw", "raw-musl-static", "-static")}.
     */
    public static synchronized Path compile(String compiler, String name, String output, String... flags) {
        Path src = SOURCES.resolve(name + ".c");
        Path out = DIR.resolve(output);
        try {
            Files.createDirectories(DIR);
            if (Files.exists(out) && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(src)) >= 0) {
                return out;
            }
            List<String> cmd = new ArrayList<>(List.of(compiler, "-O1", "-Wall"));
            cmd.addAll(List.of(flags));
            cmd.addAll(List.of("-o", out.toString(), src.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("cannot compile fixture " + src + " with " + compiler + ":\n" + log);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot compile fixture " + src + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code text} to {@code file} and makes it executable: a script a test runs. */
    public static Path script(Path file, String text) {
        try {
            java.nio.file.Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (!file.toFile().setExecutable(true)) {
            throw new IllegalStateException("cannot make " + file + " executable");
        }
        return file;
    }
}
