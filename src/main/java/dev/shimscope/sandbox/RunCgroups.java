package dev.shimscope.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A cgroup (v2) for each run, when the machine lets us make one: it tells the CPU time of all the
 * run's processes and, from the cgroup's CPU pressure, how long they waited for a CPU while they
 * were runnable. That wait is what a busy machine does to a run, and the supervisor takes it off
 * the run's time limits (a starved run is slow, not broken; see docs/explore.md). Only the
 * kernel's accounting is used: no controller is enabled, no limit is set.
 *
 * <p>The groups live in {@code shimscope-PID} below this process's own cgroup on the cgroup2
 * mount, and are removed when the run ends (and, with the whole {@code shimscope-PID} group, by
 * the next shimscope if this one was killed). Without a writable cgroup2 hierarchy (no root, a
 * container that hides it) runs simply have no such measures: CPU time and stall are -1 and
 * limits are wall-clock.
 */
final class RunCgroups {

    private final Path base;

    private RunCgroups(Path base) {
        this.base = base;
    }

    /** The group for this process's runs, or empty if none can be made here. */
    static Optional<RunCgroups> create() {
        try {
            Optional<Path> mount = cgroup2Mount();
            if (mount.isEmpty()) {
                return Optional.empty();
            }
            String own = ownCgroup();
            if (own == null) {
                return Optional.empty();
            }
            Path parent = mount.get().resolve(own.substring(1)).normalize();
            removeStale(parent);
            Path base = parent.resolve("shimscope-" + ProcessHandle.current().pid());
            Files.createDirectories(base);
            if (!Files.isRegularFile(base.resolve("cpu.pressure")) || !Files.isRegularFile(base.resolve("cpu.stat"))) {
                Files.deleteIfExists(base);
                return Optional.empty(); // no pressure accounting in this kernel
            }
            RunCgroups groups = new RunCgroups(base);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> remove(base)));
            return Optional.of(groups);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** CPU time (µs) of every run so far, finished ones included (the parent group accumulates it). */
    long cpuMicros() {
        long ms = cpuMillis(base); // the fallback if the line cannot be read below
        try {
            for (String line : Files.readAllLines(base.resolve("cpu.stat"))) {
                if (line.startsWith("usage_usec ")) {
                    return Long.parseLong(line.substring("usage_usec ".length()).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return ms < 0 ? -1 : ms * 1000;
    }

    /** A new empty group for one run. */
    Path newGroup(long runId) throws IOException {
        return Files.createDirectories(base.resolve("run-" + runId));
    }

    /** CPU time (ms) of everything that ran in the group, -1 if unreadable. */
    static long cpuMillis(Path group) {
        try {
            for (String line : Files.readAllLines(group.resolve("cpu.stat"))) {
                if (line.startsWith("usage_usec ")) {
                    return Long.parseLong(line.substring("usage_usec ".length()).strip()) / 1000;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone or unreadable
        }
        return -1;
    }

    /**
     * Time (ms) during which none of the group's runnable processes got a CPU: the "full" line of
     * its CPU pressure. ("some", a time when at least one waited, would count a run with more
     * threads than CPUs as starved while it makes progress.) -1 if unreadable.
     */
    static long stallMillis(Path group) {
        try {
            String full = Files.readAllLines(group.resolve("cpu.pressure")).stream().filter(l -> l.startsWith("full"))
                    .findFirst().orElseThrow();
            int i = full.indexOf("total=");
            return i < 0 ? -1 : Long.parseLong(full.substring(i + "total=".length()).strip()) / 1000;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Removes a run's group once its processes are gone (the kernel refuses while any is left). */
    static void removeGroup(Path group) {
        for (int i = 0; i < 50; i++) {
            try {
                Files.deleteIfExists(group);
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(2); // the last process may still be exiting
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void remove(Path base) {
        try (var runs = Files.newDirectoryStream(base, "run-*")) {
            for (Path r : runs) {
                removeGroup(r);
            }
        } catch (IOException e) {
            // already gone
        }
        removeGroup(base);
    }

    /** Groups left by shimscope processes that no longer exist. */
    private static void removeStale(Path parent) {
        try (var dirs = Files.newDirectoryStream(parent, "shimscope-*")) {
            for (Path d : dirs) {
                String pid = d.getFileName().toString().substring("shimscope-".length());
                if (pid.matches("\\d{1,18}") && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                    remove(d);
                }
            }
        } catch (IOException | RuntimeException e) {
            // nothing to clean, or not ours to clean
        }
    }

    private static Optional<Path> cgroup2Mount() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... - FSTYPE SOURCE SUPER
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] after = line.substring(dash + 3).split(" ");
            String[] before = line.substring(0, dash).split(" ");
            if (after.length > 0 && after[0].equals("cgroup2") && before.length > 4 && before[3].equals("/")) {
                Path p = Path.of(before[4].replace("\\040", " "));
                if (Files.isWritable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** This process's cgroup on the v2 hierarchy ({@code 0::/PATH}). */
    private static String ownCgroup() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            if (line.startsWith("0::/")) {
                return line.substring(3);
            }
        }
        return null;
    }
}
