package dev.shimscope.cli;

import dev.shimscope.report.TraceReport;
import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.trace.TracedRun;
import dev.shimscope.trace.Tracer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "trace", description = {
        "Trace a command in a sandbox and list every syscall it used.",
        "Calls, failures, executables, argument values of multiplexed calls, files opened."})
final class TraceCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print every field as JSON.")
    boolean json;

    @Option(names = "--timeout", description = "Kill the run after this many seconds (default ${DEFAULT-VALUE}).", defaultValue = "600")
    long timeoutSeconds;

    @Option(names = "--keep", description = "Keep the run's directory (trace file, output) for inspection.")
    boolean keep;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments (after --).")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        Tracer tracer = new Tracer(SyscallTable.x86_64());
        Sandbox sandbox = Sandbox.create(keep);
        TracedRun traced = tracer.traceCommand(sandbox, command, Path.of("").toAbsolutePath(),
                Duration.ofSeconds(timeoutSeconds));
        if (json) {
            System.out.print(TraceReport.json(command, traced));
        } else {
            System.out.print(TraceReport.text(command, traced));
        }
        return 0;
    }
}
