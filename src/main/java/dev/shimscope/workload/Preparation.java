package dev.shimscope.workload;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a spec's {@code prepare} command: once, on the host, before any sandboxed run, with the
 * network and the real file system, e.g. to fetch and unpack an application's test suite into
 * the cache directory. A sandboxed run cannot do this (no network, the host read-only), and an
 * exploration must not repeat it in each of its runs; the runs find the prepared files through
 * {@code $SHIMSCOPE_CACHE}, read-only, and keep their state in {@code $SCRATCH}. A prepare
 * command must be idempotent and quick when there is nothing left to do.
 */
public final class Preparation {

    /** The variable that names the cache directory, on the host and inside every run. */
    public static final String CACHE_VARIABLE = "SHIMSCOPE_CACHE";
    private static final long TIMEOUT_MINUTES = 30;
    private static final int TAIL_LINES = 15;

    private Preparation() {
    }

    /** {@code $SHIMSCOPE_CACHE}, else {@code $XDG_CACHE_HOME/shimscope}, else {@code ~/.cache/shimscope}. */
    public static Path cacheDir() {
        String env = System.getenv(CACHE_VARIABLE);
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        return dev.shimscope.io.UserDirs.cacheHome().resolve("shimscope").toAbsolutePath().normalize();
    }

    /**
     * The part of the cache one application's workloads prepare into and read
     * ({@code CACHE/prepared/APP}): runs see only this directory, never the rest of the cache
     * (other applications' files, the static analysis models).
     */
    public static Path cacheDir(WorkloadSpec spec) {
        return cacheDir().resolve("prepared").resolve(spec.app());
    }

    /**
     * Runs the spec's prepare command, if it has one, in the spec's directory with
     * {@code SHIMSCOPE_CACHE} (the application's part of the cache, {@link #cacheDir(WorkloadSpec)})
     * and {@code SPEC_DIR} set; its output goes to {@code log}. A failure is an error naming the
     * spec and quoting the command's last lines.
     */
    public static void ensurePrepared(WorkloadSpec spec, PrintWriter log) {
        ensurePrepared(spec, cacheDir(spec), log);
    }

    /** As {@link #ensurePrepared(WorkloadSpec, PrintWriter)}, with the given cache directory. */
    public static void ensurePrepared(WorkloadSpec spec, Path cacheDir, PrintWriter log) {
        WorkloadSpec.Command prepare = spec.prepare();
        if (prepare == null) {
            return;
        }
        List<String> argv = prepare.isShell() ? List.of("/bin/sh", "-c", prepare.shell()) : prepare.argv();
        try {
            java.nio.file.Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new IllegalStateException("spec " + spec.file() + ": cannot create the cache directory " + cacheDir
                    + ": " + e.getMessage() + " (set SHIMSCOPE_CACHE to a writable directory)", e);
        }
        ProcessBuilder pb = new ProcessBuilder(argv).directory(spec.dir().toFile()).redirectErrorStream(true);
        pb.environment().put(CACHE_VARIABLE, cacheDir.toString());
        pb.environment().put("SPEC_DIR", spec.dir().toString());
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        String where = "spec " + spec.file() + ": prepare (" + prepare + ")";
        Deque<String> tail = new ArrayDeque<>();
        try {
            Process p = pb.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    log.println(line);
                    log.flush();
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
            }
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(where + ": did not end within " + TIMEOUT_MINUTES + " minutes");
            }
            if (p.exitValue() != 0) {
                List<String> lines = new ArrayList<>(tail);
                String last = lines.isEmpty() ? "no output" : lines.getLast();
                throw new IllegalStateException(where + ": failed with status " + p.exitValue() + ": " + last);
            }
        } catch (IOException e) {
            throw new IllegalStateException(where + ": cannot run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(where + ": interrupted", e);
        }
    }
}
