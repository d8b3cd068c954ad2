package dev.shimscope.cli;

import dev.shimscope.explore.Environment;
import dev.shimscope.explore.Exploration;
import dev.shimscope.explore.Explorer;
import dev.shimscope.explore.Journal;
import dev.shimscope.io.InputFiles;
import dev.shimscope.model.Json;
import dev.shimscope.model.Verdict;
import dev.shimscope.report.ExploreProgress;
import dev.shimscope.report.ExploreReport;
import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.staticbin.BinaryAnalyzer;
import dev.shimscope.staticbin.StaticResult;
import dev.shimscope.store.Profile;
import dev.shimscope.store.ResultStore;
import dev.shimscope.store.StoredRun;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.trace.Tracer;
import dev.shimscope.workload.Catalog;
import dev.shimscope.workload.Packages;
import dev.shimscope.workload.Preparation;
import dev.shimscope.workload.WorkloadKind;
import dev.shimscope.workload.WorkloadRunner;
import dev.shimscope.workload.WorkloadSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

@Command(name = "explore", description = {
        "Classify every syscall an application uses and verify a shim plan.",
        "Each used syscall is stubbed and faked in parallel sandboxes: required, stub only, fake only, both"
                + " (or flaky); then one joint plan is verified the way an OS would run it.",
        "Missing Debian packages of the spec are installed first (as root; else the apt command is shown).",
        "Exit status: 0 with a verified plan, 3 when the plan could not be verified (verdicts stored anyway),"
                + " 1 on an error, 2 on a usage error."})
final class ExploreCommand implements Callable<Integer> {

    @Mixin
    WorkloadTarget target;

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

    @Option(names = "--json", description = "Print the result as JSON instead of the summary.")
    boolean json;

    @Option(names = "--json-file", paramLabel = "FILE", description = "Write the result as JSON to FILE.")
    Path jsonFile;

    @Option(names = "--journal", paramLabel = "FILE", description = "Journal of finished experiments (default: beside --json-file/--csv, else in ~/.local/state/shimscope).")
    Path journalFile;

    @Option(names = "--resume", description = "Continue an interrupted exploration from its journal.")
    boolean resume;

    @Option(names = "--fixed-jobs", description = "Keep --jobs runs at a time even while other work uses the CPUs.")
    boolean fixedJobs;

    @Option(names = "--all-tests", description = "For a suite made of tests: every experiment runs all of them"
            + " (by default only the tests whose traces called the syscall).")
    boolean allTests;

    @Option(names = "--no-features", description = "Explore syscalls only: not the argument values of multiplexed"
            + " syscalls (prctl options, fcntl commands, ...) nor the files the application names, one by one.")
    boolean noFeatures;

    @Option(names = "--shard", paramLabel = "I/N|features:I/N|setup", description = "Run only the I-th of N shares"
            + " of the syscall experiments into the journal, then stop (no plan, nothing stored); 'features:I/N' the I-th"
            + " share of the experiments below the syscall, from a journal with every syscall experiment; 'setup' only"
            + " the baseline and the trace: for explorations spread over machines, see docs/scale-out.md.")
    String shard;

    @Option(names = "--no-impacts", description = "Do not measure what stubs, fakes and the plan cost (no runs alone"
            + " beyond the verdicts' confirmations; the runs' measures are kept all the same).")
    boolean noImpacts;

    @Mixin
    DbOption db;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec commandSpec;

    /** Exit status when the exploration finished but its shim plan could not be verified. */
    static final int NOT_VERIFIED = 3;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = commandSpec.commandLine().getOut();
        PrintWriter err = commandSpec.commandLine().getErr();
        OptionChecks.jobs(commandSpec, jobs);
        OptionChecks.range(commandSpec, "--replicas", replicas, 1, 20);
        OptionChecks.range(commandSpec, "--baseline", baselineRuns, 1, 100);
        OptionChecks.range(commandSpec, "--plan-passes", planPasses, 1, 20);
        WorkloadSpec spec = target.resolve(commandSpec);
        InputFiles.requireWritable(csv, "the CSV");
        InputFiles.requireWritable(jsonFile, "the JSON");
        // the store is written at the very end: a store that cannot take the result is refused now
        ResultStore.checkCanSave(db.location());
        Packages.ensureInstalled(spec, err);
        Preparation.ensurePrepared(spec, err);
        int k = jobs != null ? jobs : spec.parallel() != null ? spec.parallel() : Runtime.getRuntime().availableProcessors();
        Explorer.Options options = new Explorer.Options(k, replicas, baselineRuns, planPasses, !fixedJobs, allTests,
                shard == null ? null : shard.equals("setup") ? Explorer.Shard.SETUP : Explorer.Shard.parse(shard), !noFeatures);
        SyscallTable table = SyscallTable.x86_64();
        Map<String, String> env = Environment.collect(spec);
        env.put("jobs", Integer.toString(k));
        Sandbox sandbox = Sandbox.create();
        sandbox.hide(db.location());
        WorkloadRunner runner = new WorkloadRunner(sandbox, spec, new Tracer(table));
        runner.check();
        // the static bound of the same binary goes into the stored result; it runs beside the experiments
        CompletableFuture<StaticResult> staticResult = spec.binary() == null ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> {
                    try {
                        return BinaryAnalyzer.standard().analyze(spec.binary());
                    } catch (java.io.IOException | RuntimeException e) {
                        err.println("shimscope: static analysis of " + spec.binary() + " failed (" + e.getMessage()
                                + "); the result is stored without it");
                        return null;
                    }
                }, Executors.newVirtualThreadPerTaskExecutor());
        Path jf = journalFile != null ? journalFile : defaultJournal(spec);
        ExploreProgress progress = new ExploreProgress(err, ExploreProgress.stderrIsTerminal());
        Exploration result;
        try (Journal journal = openJournal(jf, Environment.identity(env))) {
            Thread notice = new Thread(() -> {
                err.println("\nshimscope: interrupted; finished experiments are kept in " + jf + "; continue with: "
                        + resumeCommand());
                err.flush();
            });
            Runtime.getRuntime().addShutdownHook(notice);
            try {
                Explorer explorer = new Explorer(runner, table, options, progress, journal);
                result = (noImpacts ? explorer.withoutImpacts() : explorer).explore(env);
            } catch (Explorer.ShardFinished done) {
                out.println(shard.equals("setup") ? "setup of " + spec.id() + ": the baseline and the trace are in the journal " + jf
                        : "shard " + shard + " of " + spec.id() + ": its experiments (" + done.experiments()
                        + " syscalls) are in the journal " + jf);
                out.flush();
                return 0;
            } catch (Explorer.ExplorationException e) {
                // a baseline or trace that failed is redone in seconds: no journal to resume or delete
                journal.discardIfNoExperiments();
                throw new IllegalStateException(e.getMessage() + hint(e), e);
            } finally {
                // the notice is for an interruption only, not for an error that ends the command
                dev.shimscope.io.ShutdownHooks.remove(notice);
            }
            if (csv != null) {
                Files.writeString(csv, ExploreReport.dynCsv(result, table), StandardCharsets.UTF_8);
                List<String> flaky = result.names(dev.shimscope.model.Verdict.FLAKY);
                if (!flaky.isEmpty()) {
                    err.println("note: Loupe's CSV has no column for flaky syscalls: " + String.join(" ", flaky)
                            + (flaky.size() == 1 ? " is" : " are") + " written to " + csv + " as used and not known to work"
                            + " (Y,N,N,N, like required); the JSON and the store say flaky");
                    err.flush();
                }
            }
            if (jsonFile != null) {
                Json.writeFile(jsonFile, ExploreReport.jsonTree(result));
            }
            StoredRun stored = store(result, staticResult.join());
            journal.finish();
            if (json) {
                out.print(Json.write(ExploreReport.jsonTree(result)));
            } else {
                out.print(ExploreReport.text(result));
                out.println("stored in " + stored.dir());
            }
            out.flush();
        }
        if (!result.plan().verified()) {
            err.println("shimscope: the shim plan of " + spec.id() + " is NOT verified (exit status " + NOT_VERIFIED
                    + "); its verdicts are stored, the plan is not to be relied on");
            err.flush();
            return NOT_VERIFIED;
        }
        return 0;
    }

    /** What to do about a failed baseline or trace: the check that failed knows the cause. */
    private static String hint(Explorer.ExplorationException e) {
        return switch (e.reason()) {
            case BASELINE, SHARD -> "";
            case TRACE -> "; strace slows the workload down several times: if the failure above is a"
                    + " time limit of the client itself (its own --timeout option, say), raise that limit in the"
                    + " test command; the spec's test.timeout and server.timeout bound the traced run";
        };
    }

    private StoredRun store(Exploration result, StaticResult staticBound) throws java.io.IOException {
        Map<String, Verdict> verdicts = new java.util.TreeMap<>();
        result.verdicts().forEach(v -> verdicts.put(v.name(), v.verdict()));
        WorkloadSpec spec = result.spec();
        Profile profile = Profile.newRun(spec.app(), spec.kind(), spec.workload(), verdicts)
                .withDetails((com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().valueToTree(ExploreReport.jsonTree(result)))
                .withPlan(result.plan())
                .withImpacts(result.impacts().screened() == 0 && result.impacts().planCost().isEmpty() ? null : result.impacts())
                .withTestsNeeding(result.tests() == null ? null : ExploreReport.testsNeeding(result))
                .withFeatures(new dev.shimscope.model.SubFeatures(result.values().stream().map(v -> v.verdict()).toList(),
                        result.files().stream().map(f -> f.verdict()).toList()));
        // typed, so that a campaign can tell the result is there for the spec as it is now
        String specHash = result.environment().get("specSha256");
        if (specHash != null && specHash.matches("[0-9a-f]{64}")) {
            profile = profile.withSpecSha256(specHash);
        }
        if (staticBound != null) {
            profile = profile.withStaticBinary(new java.util.TreeSet<>(staticBound.syscalls().stream()
                    .map(StaticResult.SyscallEntry::name).toList()));
        }
        ResultStore store = ResultStore.openOrCreate(db.location());
        // the source-level set is made by 'static --sources' for the app, not by an exploration:
        // a new exploration keeps the one the newest result of this workload has
        Profile previous = store.read().latest(spec.app(), profile.workloadDir()).orElse(null);
        if (previous != null && previous.staticSources() != null) {
            profile = profile.withStaticSources(previous.staticSources());
        }
        return store.save(profile);
    }

    /** Opens the journal, turning a journal in the way into a message with the command that helps. */
    private Journal openJournal(Path file, Map<String, String> identity) throws java.io.IOException {
        try {
            return Journal.open(file, identity, resume);
        } catch (Journal.JournalBusyException e) {
            throw new IllegalStateException(e.getMessage() + "; wait for it to finish, or give this exploration its"
                    + " own journal with --journal FILE");
        } catch (Journal.JournalExistsException e) {
            if (!e.sameIdentity()) {
                throw new IllegalStateException(e.getMessage() + "; delete it to start over: rm " + Shell.quote(file.toString()));
            }
            throw new IllegalStateException(e.getMessage() + "; continue it with: " + resumeCommand()
                    + "  (or delete it to start over: rm " + Shell.quote(file.toString()) + ")");
        }
    }

    /** The command line that continues this exploration: the same arguments (the top-level ones, subcommand included), with --resume. */
    private String resumeCommand() {
        java.util.List<String> args = new java.util.ArrayList<>(commandSpec.commandLine().getParseResult().originalArgs());
        if (!args.contains("--resume")) {
            args.add("--resume");
        }
        return "shimscope " + String.join(" ", args.stream().map(Shell::quote).toList());
    }

    private Path defaultJournal(WorkloadSpec spec) {
        String name = spec.app() + "-" + spec.kind().id() + "-" + spec.workload() + ".journal";
        if (jsonFile != null) {
            return jsonFile.resolveSibling(jsonFile.getFileName() + ".journal");
        }
        if (csv != null) {
            return csv.resolveSibling(csv.getFileName() + ".journal");
        }
        return dev.shimscope.io.UserDirs.stateHome().resolve("shimscope").resolve("journals").resolve(name);
    }
}
