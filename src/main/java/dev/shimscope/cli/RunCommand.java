package dev.shimscope.cli;

import dev.shimscope.report.RunReport;
import dev.shimscope.report.TraceReport;
import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.sandbox.SeccompAction;
import dev.shimscope.sandbox.SeccompFilter;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.trace.Tracer;
import dev.shimscope.workload.Catalog;
import dev.shimscope.workload.Packages;
import dev.shimscope.workload.Preparation;
import dev.shimscope.workload.WorkloadOutcome;
import dev.shimscope.workload.WorkloadRunner;
import dev.shimscope.workload.WorkloadSpec;
import dev.shimscope.workload.WorkloadSpecs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "run", description = {
        "Run a workload in a sandbox and say whether it passes.",
        "Once, or --times N; optionally with syscalls stubbed (ENOSYS) or faked (0). For writing and checking specs.",
        "Missing Debian packages of the spec are installed first (as root; else the apt command is shown)."})
final class RunCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    WorkloadTarget target;

    @Option(names = "--stub", paramLabel = "SYSCALL", split = ",", description = "Syscalls to stub (return -ENOSYS).")
    List<String> stub = new ArrayList<>();

    @Option(names = "--fake", paramLabel = "SYSCALL", split = ",", description = "Syscalls to fake (return 0).")
    List<String> fake = new ArrayList<>();

    @Option(names = "--trace", description = "Also trace the run (strace) and list the syscalls used, by name, with their call counts.")
    boolean trace;

    @Option(names = "--times", defaultValue = "1", description = "Runs, one after another (default ${DEFAULT-VALUE}).")
    int times;

    @Option(names = "--keep", description = "Keep each run's directory for inspection.")
    boolean keep;

    @Option(names = "--replace", paramLabel = "PATH=WITH", description = {
            "Mount WITH over PATH in the run, e.g. --replace /usr/bin/redis-server=/bin/false:",
            "proves that the workload's check notices a broken application."})
    Map<Path, Path> replacements = new LinkedHashMap<>();

    @Option(names = "--tests", paramLabel = "ID", split = ",", description = {
            "For a suite made of tests: run only these (see --list-tests)."})
    List<String> tests;

    @Option(names = "--list-tests", description = "For a suite made of tests: print their ids and stop.")
    boolean listTests;

    @Option(names = "--kill-after", paramLabel = "DURATION", description = {
            "Cut the workload short: kill the server (or the suite) this long after the test started."})
    String killAfter;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec commandSpec;

    /** Lines of the client's and the server's output a failing run shows. */
    private static final int OUTPUT_LINES = 8;

    @Override
    public Integer call() throws Exception {
        OptionChecks.range(commandSpec, "--times", times, 1, 10_000);
        WorkloadSpec spec = target.resolve(commandSpec);
        Packages.ensureInstalled(spec, commandSpec.commandLine().getErr());
        Preparation.ensurePrepared(spec, commandSpec.commandLine().getErr());
        SyscallTable table = SyscallTable.x86_64();
        SeccompFilter filter = null;
        if (!stub.isEmpty() || !fake.isEmpty()) {
            SeccompFilter.Builder b = SeccompFilter.builder(SeccompAction.ALLOW);
            stub.forEach(n -> b.rule(table.require(n).number(), SeccompAction.STUB));
            fake.forEach(n -> b.rule(table.require(n).number(), SeccompAction.FAKE));
            filter = b.build();
        }
        Sandbox sandbox = Sandbox.create(keep);
        WorkloadRunner runner = new WorkloadRunner(sandbox, spec, trace ? new Tracer(table) : null);
        runner.check();
        if ((tests != null || listTests) && spec.tests() == null) {
            throw new IllegalArgumentException("spec " + spec.file() + " is not a suite made of tests (it has no 'tests'):"
                    + " --tests and --list-tests need one");
        }
        if (listTests) {
            runner.listTests().forEach(commandSpec.commandLine().getOut()::println);
            return 0;
        }
        if (tests != null) {
            List<String> known = runner.listTests();
            for (String t : tests) {
                if (!known.contains(t)) {
                    throw new IllegalArgumentException("--tests: no test '" + t + "' in " + spec.id()
                            + dev.shimscope.model.Suggestions.hint(t, known) + " (see --list-tests)");
                }
            }
        }
        int failures = 0;
        for (int i = 1; i <= times; i++) {
            WorkloadOutcome o = runner.run(new WorkloadRunner.Options(filter, trace, null, null, null, replacements,
                    killAfter == null ? null : WorkloadSpecs.parseDuration(killAfter), tests));
            StringBuilder line = new StringBuilder();
            line.append(spec.id()).append(" run ").append(i).append(": ").append(o.passed() ? "PASS" : "FAIL")
                    .append(" in ").append(o.run().wallTime().toMillis()).append(" ms");
            if (o.readyMillis() >= 0 && spec.server() != null) {
                line.append(" (ready after ").append(o.readyMillis()).append(" ms, test ").append(o.testMillis()).append(" ms)");
            }
            if (o.run().cpuMillis() >= 0) {
                line.append(" [cpu ").append(o.run().cpuMillis()).append(" ms");
                if (o.run().stallMillis() > 0) {
                    line.append(", waited ").append(o.run().stallMillis()).append(" ms for a CPU");
                }
                line.append(']');
            }
            if (o.measures() != null) {
                var m = o.measures();
                line.append(" [app:").append(m.memoryKb() >= 0 ? " " + m.memoryKb() / 1024 + " MiB peak RSS," : "")
                        .append(m.openFds() >= 0 ? " " + m.openFds() + " open fds at most" : "")
                        .append(m.metric() != null ? ", " + spec.metric().name() + " "
                                + String.format(java.util.Locale.ROOT, "%.4g", m.metric()) : "").append(']');
            }
            if (!o.passed()) {
                failures++;
                line.append(": ").append(o.failure());
            }
            if (spec.tests() != null) {
                line.append("; tests passed ").append(o.passedTests().size()).append(", failed ").append(o.failedTests().size());
            }
            if (o.trace() != null) {
                line.append("; ").append(o.trace().applicationSyscalls().size()).append(" syscalls used by ")
                        .append(String.join(", ", o.trace().executables()));
            }
            PrintWriter out = commandSpec.commandLine().getOut();
            out.println(line);
            if (o.trace() != null) {
                // the names with their counts: what the workload uses, at a glance
                out.println(TraceReport.usage(o.trace().applicationSyscalls()));
            }
            if (!o.passed()) {
                // what the user needs to fix it: the last lines of each side, not one line
                out.print(RunReport.tails(o, spec.server() != null, OUTPUT_LINES));
                if (!keep) {
                    out.println("  (all of the output and the run's files: run again with --keep)");
                }
            }
        }
        PrintWriter out = commandSpec.commandLine().getOut();
        if (keep) {
            out.println("runs kept in " + sandbox.workRoot() + " (run-N/out: logs, run-N/control: supervisor);"
                    + " remove them with: shimscope clean");
        }
        out.flush();
        return failures == 0 ? 0 : 1;
    }
}
