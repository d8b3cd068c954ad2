package dev.shimscope.trace;

import dev.shimscope.sandbox.Commands;
import dev.shimscope.sandbox.HostTools;
import dev.shimscope.sandbox.Run;
import dev.shimscope.sandbox.RunSpec;
import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.syscall.SyscallTable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Puts strace in front of a command and reads what it wrote. strace ({@code -f}) follows every
 * thread and child through fork, vfork, clone3 and exec; we never write a ptrace loop of our own.
 * Arguments are printed raw ({@code -X raw -e raw=...}) except where the tracer needs text: file
 * names of open and exec, and clone3's flags, which live in a struct.
 */
public final class Tracer {

    /** File the trace is written to, inside the sandbox. */
    public static final String TRACE_FILE = Sandbox.OUT_DIR + "/strace.log";

    /** Calls whose arguments stay decoded: paths of open, stat, access, readlink and exec, clone3's struct. */
    private static final String DECODED = "execve,execveat,open,openat,openat2,creat,clone3,stat,lstat,newfstatat,"
            + "statx,access,faccessat,faccessat2,readlink,readlinkat";

    private final Path strace;
    private final SyscallTable table;

    public Tracer(SyscallTable table) {
        this.strace = HostTools.require("strace", "strace");
        this.table = table;
    }

    /** The command with strace in front, writing to {@link #TRACE_FILE}. */
    public List<String> wrap(List<String> command) {
        return wrap(command, TRACE_FILE);
    }

    public List<String> wrap(List<String> command, String traceFile) {
        List<String> argv = new ArrayList<>(List.of(strace.toString(), "-f", "-qq", "-n", "-X", "raw",
                "-e", "raw=!" + DECODED, "-s", "512", "-o", traceFile, "--"));
        argv.addAll(command);
        return argv;
    }

    /** Parses a trace file written by a command from {@link #wrap}. */
    public TraceResult read(Path traceFile) throws IOException {
        return StraceParser.parse(table, traceFile, Set.of(Sandbox.LOADER), Sandbox.REAL_DIR + "/");
    }

    /** The strace executable. */
    public Path strace() {
        return strace;
    }

    public SyscallTable table() {
        return table;
    }

    /**
     * Traces a bare command in a sandbox: working directory {@code cwd} (made visible if the
     * sandbox would hide it), the given time limit. The command is checked first.
     */
    public TracedRun traceCommand(Sandbox sandbox, List<String> command, Path cwd, Duration timeout)
            throws IOException, InterruptedException {
        Path program = Commands.resolve(command.getFirst(), cwd);
        RunSpec.Builder spec = RunSpec.of(wrap(command)).workDir(cwd).timeout(timeout);
        if (Commands.hiddenInSandbox(cwd)) {
            spec.readOnly(cwd);
        }
        if (Commands.hiddenInSandbox(program) && !program.startsWith(cwd)) {
            spec.readOnly(program.getParent());
        }
        try (Run run = sandbox.run(spec.build())) {
            Path log = run.out().resolve("strace.log");
            if (run.result().untrustedOutput() != null) {
                throw new IllegalStateException(run.result().untrustedOutput());
            }
            if (dev.shimscope.sandbox.RunOutput.check(log, dev.shimscope.sandbox.RunOutput.TRACE, false).isEmpty()) {
                throw new IllegalStateException("strace wrote no trace (" + run.result().describeEnd() + "): "
                        + run.result().stderrTail().strip().lines().reduce((a, b) -> b).orElse(""));
            }
            return new TracedRun(run.result(), read(log));
        }
    }
}
