package dev.shimscope.sandbox;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One sandboxed run: its directories on the host while it lasts ({@link #out()} holds what the
 * run wrote to {@link Sandbox#OUT_DIR}, {@link #scratch()} its scratch directory) and, once it
 * ended, its {@link RunResult}. Closing it deletes the files.
 */
public final class Run implements AutoCloseable {

    private final Sandbox sandbox;
    private final RunSpec spec;
    private final Path dir;
    private final Path scratch;
    private final Path control;
    private final Path out;
    private final Path cgroup;
    private RunResult result;

    Run(Sandbox sandbox, RunSpec spec, Path dir, Path scratch, Path control, Path out, Path cgroup) {
        this.sandbox = sandbox;
        this.spec = spec;
        this.dir = dir;
        this.scratch = scratch;
        this.control = control;
        this.out = out;
        this.cgroup = cgroup;
    }

    /** The run's cgroup (v2), or null if the machine gives none (see {@link RunCgroups}). */
    Path cgroup() {
        return cgroup;
    }

    void execute() throws InterruptedException {
        long start = System.nanoTime();
        Process p;
        try {
            p = sandbox.start(this);
        } catch (IOException e) {
            throw new SandboxException("cannot start the sandbox: " + e.getMessage(), e);
        }
        boolean timedOut = false;
        try {
            if (!p.waitFor(spec.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                timedOut = true;
                Sandbox.kill(p);
            }
            p.waitFor();
            Sandbox.awaitNamespaceEnd(dir.resolve(Sandbox.INFO_FILE));
        } catch (InterruptedException e) {
            try {
                Sandbox.kill(p);
                Sandbox.awaitNamespaceEnd(dir.resolve(Sandbox.INFO_FILE));
            } catch (InterruptedException again) {
                p.destroyForcibly();
            }
            Sandbox.finished(p);
            if (cgroup != null) {
                RunCgroups.removeGroup(cgroup);
            }
            throw e;
        }
        Sandbox.finished(p);
        long cpu = -1;
        long stall = -1;
        if (cgroup != null) {
            cpu = RunCgroups.cpuMillis(cgroup);
            stall = RunCgroups.stallMillis(cgroup);
            RunCgroups.removeGroup(cgroup);
        }
        if (Sandbox.isShuttingDown()) {
            // killed by our own shutdown (Ctrl-C, SIGTERM): its outcome says nothing about the
            // application, so no caller may record or report it
            throw new InterruptedException("the run was ended by the tool's shutdown");
        }
        int exit = p.exitValue();
        int signal = 0;
        long rss = -1;
        long[] rusage = null;
        String untrusted = null;
        try {
            rusage = Sandbox.readRusage(out.resolve(".rusage"));
        } catch (RunOutput.UntrustedOutputException e) {
            untrusted = e.getMessage();
        }
        if (rusage != null) {
            exit = (int) rusage[0];
            signal = (int) rusage[1];
            rss = rusage[2];
        } else if (timedOut) {
            signal = 9;
        } else if (exit > 128) {
            signal = exit - 128;
            exit = 0;
        }
        result = new RunResult(exit, signal, Sandbox.elapsed(start), rss,
                Sandbox.tail(dir.resolve("stdout")), Sandbox.tail(dir.resolve("stderr")), timedOut, untrusted, cpu, stall);
    }

    public RunSpec spec() {
        return spec;
    }

    /** How the run ended; null before it ended. */
    public RunResult result() {
        return result;
    }

    /** The run's scratch directory (the same path inside and outside the sandbox). */
    public Path scratch() {
        return scratch;
    }

    /** The host directory mounted writable at {@link Sandbox#OUT_DIR}. */
    public Path out() {
        return out;
    }

    /** The host directory mounted read-only at {@link Sandbox#CONTROL_DIR}. */
    public Path control() {
        return control;
    }

    /** The run's own directory: stdout and stderr files, writable copies, the above. */
    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        if (!sandbox.keepRunDirs()) {
            Sandbox.deleteTree(dir);
        }
    }
}
