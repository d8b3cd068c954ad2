package dev.shimscope.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Finds host processes by a unique token in their command line, by reading {@code /proc}. Tests
 * put the token into the argv of what they start inside a sandbox (whose pids the host does not
 * know) and check afterwards that nothing with it survived. Reading only: tests never kill by name.
 */
public final class Procs {

    private Procs() {
    }

    /** A token no other process has in its command line. */
    public static String token() {
        return "shimscope-token-" + UUID.randomUUID();
    }

    /** Host pids of live (non-zombie) processes whose command line contains {@code token}. */
    public static List<Long> withToken(String token) {
        List<Long> found = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : dirs) {
                long pid = Long.parseLong(dir.getFileName().toString());
                if (pid == self) {
                    continue;
                }
                try {
                    // a zombie has an empty command line: it is dead, only not reaped yet
                    String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains(token)) {
                        found.add(pid);
                    }
                } catch (IOException e) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return found;
    }

    /** Waits up to {@code millis} for a process with the token to appear; true if one did. */
    public static boolean awaitToken(String token, long millis) throws InterruptedException {
        return awaitToken(token, millis, -1);
    }

    /** Like {@link #awaitToken(String, long)}, ignoring the process {@code except} (e.g. the launcher itself). */
    public static boolean awaitToken(String token, long millis, long except) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (withToken(token).stream().anyMatch(pid -> pid != except)) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    /** Waits up to {@code millis} until no process has the token; returns the ones left. */
    public static List<Long> awaitNoToken(String token, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        List<Long> left = withToken(token);
        while (!left.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(10);
            left = withToken(token);
        }
        return left;
    }
}
