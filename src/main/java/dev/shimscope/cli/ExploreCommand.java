package dev.shimscope.cli;

import dev.shimscope.explore.Environment;
import dev.shimscope.explore.Exploration;
import dev.shimscope.explore.Explorer;
import dev.shimscope.explore.Journal;
import dev.shimscope.report.ExploreProgress;
import dev.shimscope.report.ExploreReport;
import dev.shimscope.report.Json;
import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.trace.Tracer;
import dev.shimscope.workload.Catalog;
import dev.shimscope.workload.Packages;
import dev.shimscope.workload.Preparation;
import dev.shimscope.workload.WorkloadRunner;
import dev.shimscope.workload.WorkloadSpec;
import dev.shimscope.staticbin.BinaryAnalyzer;
import dev.shimscope.staticbin.StaticResult;
import dev.shimscope.store.Profile;
import dev.shimscope.store.ResultStore;
import dev.shimscope.store.StoredRun;
import dev.shimscope.store.SyscallVerdict;
import dev.shimscope.workload.WorkloadKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

@Command(name = "explore", description = {
        "Classify every syscall an application uses under a workload: required, stub only,",
        "fake only, both (or flaky), in parallel sandboxes, and verify a joint shim plan.",
        "Missing Debian packages of the spec are installed first (as root; else the apt command is shown)."})
final class ExploreCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TARGET", description = "A spec file or a catalog name (see 'catalog list').")
    String target;

    @Option(names = "--jobs", paramLabel = "K", description = "Runs at a time (default: the spec's 'parallel', else the number of CPUs).")
    Integer jobs;

    @Option(names = "--replicas", defaultValue = "2", description = "Runs of an experiment whose first run failed (default ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--baseline", defaultValue = "3", description = "Passing runs required before exploring (default ${DEFAULT-VALUE}).")
    int baselineRuns;

    @Option(names = "--plan-passes", defaultValue = "3", description = "Passes in a row that verify the shim plan (default ${DEFAULT-VALUE}).")
    int planPasses;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write Loupe's dyn.csv.")
    Path csv;

    @Option(names = "--json", paramLabel = "FILE", description = "Write everything as JSON.")
    Path json;

    @Option(names = "--journal", paramLabel = "FILE", description = "Journal of finished experiments (default: beside --json/--csv, else in ~/.local/state/shimscope).")
    Path journalFile;

    @Option(names = "--resume", description = "Continue an interrupted exploration from its journal.")
    boolean resume;

    @Mixin
    DbOption db;

    @Override
    public Integer call() throws Exception {
        WorkloadSpec spec = Catalog.resolveTarget(target);
        for (Path out : new Path[] {csv, json}) {
            checkWritable(out);
        }
        Packages.ensureInstalled(spec, System.err);
        Preparation.ensurePrepared(spec, System.err);
        int k = jobs != null ? jobs : spec.parallel() != null ? spec.parallel() : Runtime.getRuntime().availableProcessors();
        Explorer.Options options = new Explorer.Options(k, replicas, baselineRuns, planPasses);
        SyscallTable table = SyscallTable.x86_64();
        Map<String, String> env = Environment.collect(spec);
        env.put("jobs", Integer.toString(k));
        WorkloadRunner runner = new WorkloadRunner(Sandbox.create(), spec, new Tracer(table));
        runner.check();
        // the static bound of the same binary goes into the stored result; it runs beside the experiments
        CompletableFuture<StaticResult> staticResult = spec.binary() == null ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> {
                    try {
                        return BinaryAnalyzer.standard().analyze(spec.binary());
                    } catch (java.io.IOException | RuntimeException e) {
                        System.err.println("shimscope: static analysis of " + spec.binary() + " failed (" + e.getMessage()
                                + "); the result is stored without it");
                        return null;
                    }
                }, Executors.newVirtualThreadPerTaskExecutor());
        Path jf = journalFile != null ? journalFile : defaultJournal(spec);
        ExploreProgress progress = new ExploreProgress(System.err, ExploreProgress.stderrIsTerminal());
        Exploration result;
        try (Journal journal = Journal.open(jf, Environment.identity(env), resume)) {
            Thread notice = new Thread(() -> System.err.println("\nshimscope: interrupted; finished experiments are kept in "
                    + jf + "; continue with: shimscope explore " + target + " --resume"));
            Runtime.getRuntime().addShutdownHook(notice);
            try {
                result = new Explorer(runner, table, options, progress, journal).explore(env);
            } catch (Explorer.ExplorationException e) {
                journal.discardIfEmpty();
                throw e;
            } finally {
                // the notice is for an interruption only, not for an error that ends the command
                Runtime.getRuntime().removeShutdownHook(notice);
            }
            if (csv != null) {
                Files.writeString(csv, ExploreReport.dynCsv(result, table), StandardCharsets.UTF_8);
            }
            if (json != null) {
                Json.writeFile(json, ExploreReport.jsonTree(result));
            }
            StoredRun stored = store(result, staticResult.join());
            journal.finish();
            System.out.print(ExploreReport.text(result));
            System.out.println("stored in " + stored.dir());
        }
        return 0;
    }

    private StoredRun store(Exploration result, StaticResult staticBound) throws java.io.IOException {
        Map<String, SyscallVerdict> verdicts = new java.util.TreeMap<>();
        result.verdicts().forEach(v -> verdicts.put(v.name(), v.verdict()));
        WorkloadSpec spec = result.spec();
        Profile profile = Profile.newRun(spec.app(), spec.kind(), spec.workload(), verdicts)
                .withDetails((com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().valueToTree(ExploreReport.jsonTree(result)));
        if (staticBound != null) {
            profile = profile.withStaticBinary(new java.util.TreeSet<>(staticBound.syscalls().stream()
                    .map(StaticResult.SyscallEntry::name).toList()));
        }
        return ResultStore.openOrCreate(db.location()).save(profile);
    }

    static void checkWritable(Path out) {
        if (out == null) {
            return;
        }
        Path parent = out.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent) || !Files.isWritable(parent)) {
            throw new IllegalArgumentException("cannot write " + out + ": directory " + parent + " does not exist or is not writable");
        }
        if (Files.isDirectory(out)) {
            throw new IllegalArgumentException("cannot write " + out + ": it is a directory");
        }
    }

    private Path defaultJournal(WorkloadSpec spec) {
        String name = spec.app() + "-" + spec.kind().id() + "-" + spec.workload() + ".journal";
        if (json != null) {
            return json.resolveSibling(json.getFileName() + ".journal");
        }
        if (csv != null) {
            return csv.resolveSibling(csv.getFileName() + ".journal");
        }
        String state = System.getenv("XDG_STATE_HOME");
        Path base = state != null && !state.isBlank() ? Path.of(state) : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("shimscope").resolve("journals").resolve(name);
    }
}
