package dev.shimscope.cli;

import dev.shimscope.elf.ElfFormatException;
import dev.shimscope.emulate.Emulation;
import dev.shimscope.emulate.Emulator;
import dev.shimscope.io.InputFiles;
import dev.shimscope.model.Json;
import dev.shimscope.model.OsDescription;
import dev.shimscope.model.Verdict;
import dev.shimscope.report.EmulateReport;
import dev.shimscope.sandbox.Commands;
import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.staticbin.BinaryAnalyzer;
import dev.shimscope.store.ResultStore;
import dev.shimscope.store.StoreSnapshot;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.trace.Tracer;
import dev.shimscope.workload.Catalog;
import dev.shimscope.workload.Packages;
import dev.shimscope.workload.Preparation;
import dev.shimscope.workload.RunScheduler;
import dev.shimscope.workload.WorkloadRunner;
import dev.shimscope.workload.WorkloadSpec;
import dev.shimscope.workload.WorkloadSpecs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;

@Command(name = "emulate", description = {
        "Run a workload as if on another OS's syscall layer.",
        "The syscalls the OS supports are allowed, all others return -ENOSYS (or 0 with --default fake)."
                + " Prints PASS/FAIL, the unsupported syscalls the application called, and on FAIL the smallest"
                + " verified set to implement."})
final class EmulateCommand implements Callable<Integer> {

    @Option(names = "--os", required = true, paramLabel = "LIST",
            description = "An OS support list: a *.syscalls file or a shipped name (gvisor, unikraft, ...).")
    String os;

    @Mixin
    WorkloadTarget target;

    @Spec
    CommandSpec commandSpec;

    /** What the syscalls an OS does not list do. */
    enum DefaultAction { stub, fake }

    @Option(names = "--default", defaultValue = "stub", paramLabel = "stub|fake",
            description = "What unsupported syscalls do: stub (-ENOSYS, default) or fake (return 0).")
    DefaultAction defaultAction;

    @Option(names = "--jobs", paramLabel = "K", description = "Runs at a time while finding what to implement (default: the number of CPUs).")
    Integer jobs;

    @Option(names = "--verify", defaultValue = "3", paramLabel = "N", description = "Passing runs that verify the set to implement (default ${DEFAULT-VALUE}).")
    int verifyRuns;

    @Option(names = "--hits-only", description = "On FAIL, report the hits of the one run; skip the search for the set to implement.")
    boolean hitsOnly;

    @Option(names = "--no-impacts", description = "Once it passes, do not measure what running on the OS costs"
            + " (--verify runs alone on the OS, each after an unaltered run alone).")
    boolean noImpacts;

    @Option(names = "--explain", description = "Join with the stored exploration of the same app and workload.")
    boolean explain;

    @Option(names = "--json", description = "Print the result as JSON instead of text.")
    boolean json;

    @Option(names = "--json-file", paramLabel = "FILE", description = "Write the result as JSON to FILE.")
    Path jsonFile;

    @Mixin
    DbOption db;

    @Override
    public Integer call() throws Exception {
        OptionChecks.jobs(commandSpec, jobs);
        OptionChecks.range(commandSpec, "--verify", verifyRuns, 1, 20);
        InputFiles.requireWritable(jsonFile, "the JSON");
        OsDescription support = OsDescription.load(os);
        WorkloadSpec spec = target.resolve(commandSpec);
        // the ELF loader check (static --bincompat) goes with the emulation when a binary is known
        Path binary = target.binary(commandSpec, spec);
        Packages.ensureInstalled(spec, commandSpec.commandLine().getErr());
        Preparation.ensurePrepared(spec, commandSpec.commandLine().getErr());
        SyscallTable table = SyscallTable.x86_64();
        Map<String, Verdict> known = explain ? storedVerdicts(spec) : Map.of();
        WorkloadRunner runner = new WorkloadRunner(Sandbox.create(), spec, new Tracer(table));
        int k = jobs != null ? jobs : spec.parallel() != null ? spec.parallel() : Runtime.getRuntime().availableProcessors();
        PrintWriter err = commandSpec.commandLine().getErr();
        Emulation e;
        try (RunScheduler scheduler = new RunScheduler(k, runner.sandbox().cpuMicrosOfRuns())) {
            Emulator emulator = new Emulator(runner, table, scheduler, verifyRuns, event -> {
                err.println("emulate: " + EmulateReport.progress(event));
                err.flush();
            });
            e = (noImpacts ? emulator.withoutCost() : emulator).emulate(support, defaultAction == DefaultAction.fake, !hitsOnly);
        }
        EmulateReport.LoaderCheck loader = binary != null && Files.isRegularFile(binary) ? loaderCheck(binary) : null;
        Map<String, Object> tree = new LinkedHashMap<>(EmulateReport.jsonTree(spec.id(), e, known));
        if (loader != null) {
            tree.put("bincompat", loader.json());
        }
        if (jsonFile != null) {
            Json.writeFile(jsonFile, tree);
        }
        PrintWriter out = commandSpec.commandLine().getOut();
        if (json) {
            out.print(Json.write(tree));
        } else {
            out.print(EmulateReport.text(spec.id(), e, known));
            if (loader != null) {
                out.print(loader.text());
            }
        }
        out.flush();
        return e.passed() ? 0 : 3;
    }

    /** The binary's facts for an ELF loader, or why there are none (a script is not an ELF). */
    private static EmulateReport.LoaderCheck loaderCheck(Path binary) throws java.io.IOException {
        try {
            return new EmulateReport.LoaderCheck(binary, BinaryAnalyzer.describe(binary), null);
        } catch (ElfFormatException notElf) {
            return new EmulateReport.LoaderCheck(binary, null, notElf.getMessage());
        }
    }

    private Map<String, Verdict> storedVerdicts(WorkloadSpec spec) throws java.io.IOException {
        Path location = db.location();
        if (!Files.isDirectory(location)) {
            commandSpec.commandLine().getErr().println("emulate: --explain: no results store at " + location + "; explore the workload first");
            return Map.of();
        }
        StoreSnapshot snapshot = ResultStore.open(location).read();
        String dir = spec.kind().dirName(spec.workload());
        return snapshot.latest(spec.app(), dir).filter(p -> p.verdicts() != null)
                .<Map<String, Verdict>>map(p -> new TreeMap<>(p.verdicts()))
                .orElseGet(() -> {
                    commandSpec.commandLine().getErr().println("emulate: --explain: no stored exploration of " + spec.id() + " in " + location);
                    return Map.of();
                });
    }
}
