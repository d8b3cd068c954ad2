package dev.shimscope.cli;

import dev.shimscope.campaign.Campaign;
import dev.shimscope.campaign.CampaignDir;
import dev.shimscope.campaign.CampaignEntry;
import dev.shimscope.campaign.CampaignOutcome;
import dev.shimscope.report.CampaignProgress;
import dev.shimscope.report.CampaignReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "campaign", description = {
        "Explore many catalog entries or spec files, here or on a Slurm cluster, and store every result.",
        "Each exploration is a task writing into its own directory under --dir (on the file system the tasks share);"
                + " then one merge step commits each result into the store (--db). Started again, a campaign skips what is"
                + " stored for the same spec and tool version, merges what finished, resumes what was interrupted and waits"
                + " for its jobs still on Slurm.",
        "With --slurm --split N ENTRY, one exploration is spread over the cluster: the baseline and trace as one job,"
                + " its experiments as an array of N shards, then the plan here. See docs/scale-out.md.",
        "Exit status: 0 when every entry is stored with a verified plan, 3 when every entry is stored but some plan is"
                + " not verified, 1 when some entry failed (or on an error), 2 on a usage error."})
final class CampaignCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "ENTRY", description = "Catalog names or spec files.")
    List<String> targets = new ArrayList<>();

    @Option(names = "--catalog", description = "Every entry of the catalog.")
    boolean catalog;

    @Option(names = "--dir", paramLabel = "DIR", description = "The campaign's directory, shared by its tasks"
            + " (default: ~/.local/state/shimscope/campaign).")
    Path dir;

    @Option(names = "--at-once", paramLabel = "K", description = "Explorations at a time (default here: 2, one more per"
            + " 8 CPUs above 16; on Slurm: no limit but the cluster's, else the array's %%K).")
    Integer atOnce;

    @Option(names = "--slurm", description = "Run the explorations as a Slurm job array (sbatch, squeue on the PATH).")
    boolean slurm;

    @Option(names = "--split", paramLabel = "N", description = "With --slurm and one ENTRY: spread its experiments over"
            + " N array tasks.")
    Integer split;

    @Option(names = "--retry-failed", description = "Run again only the entries of the campaign in --dir whose task"
            + " did not succeed (failed, interrupted or lost).")
    boolean retryFailed;

    @Option(names = "--explore-arg", paramLabel = "ARG", parameterConsumer = Verbatim.class, description = "An option for every exploration"
            + " (e.g. --explore-arg=--replicas=3); repeatable.")
    List<String> exploreArgs = new ArrayList<>();

    @Option(names = "--sbatch-arg", paramLabel = "ARG", parameterConsumer = Verbatim.class, description = "An option for every sbatch"
            + " (e.g. --sbatch-arg=--partition=short --sbatch-arg=--time=4:00:00); repeatable.")
    List<String> sbatchArgs = new ArrayList<>();

    @Mixin
    DbOption db;

    @picocli.CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    /** Set by the campaign for each task: not for --explore-arg. */
    private static final Set<String> TASK_OPTIONS = Set.of("--db", "--journal", "--json-file", "--json", "--resume",
            "--shard", "--csv");
    /** Set by the campaign for each submission: not for --sbatch-arg. */
    private static final Set<String> SUBMIT_OPTIONS = Set.of("--array", "-a", "--output", "-o", "--chdir", "-D",
            "--dependency", "-d", "--parsable", "--wrap", "--kill-on-invalid-dep");

    /** Takes the next argument as it is, even when it looks like an option (it is one: another command's). */
    static final class Verbatim implements CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(java.util.Stack<String> args, CommandLine.Model.ArgSpec argSpec,
                                      CommandLine.Model.CommandSpec spec) {
            if (args.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Missing the value of "
                        + ((CommandLine.Model.OptionSpec) argSpec).longestName());
            }
            List<String> values = argSpec.getValue();
            values.add(args.pop());
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = commandSpec.commandLine().getOut();
        PrintWriter err = commandSpec.commandLine().getErr();
        checkUsage();
        Path campaignDir = dir != null ? dir : CampaignDir.defaultDir();
        List<String> names = targets;
        Integer shards = split;
        if (retryFailed) {
            CampaignDir.Manifest m = CampaignDir.readManifest(campaignDir);
            names = m.targets();
            shards = split != null ? split : m.split();
            if (shards != null && !slurm) {
                throw usage("the campaign in " + campaignDir + " is a split exploration: retry it with --slurm");
            }
        }
        List<CampaignEntry> entries = catalog ? CampaignEntry.catalog() : CampaignEntry.resolve(names);
        Campaign.Engine engine = slurm ? Campaign.Engine.SLURM : Campaign.Engine.LOCAL;
        int k = atOnce != null ? atOnce : slurm ? 0 : Campaign.defaultLocalAtOnce();
        Campaign campaign = Campaign.prepare(campaignDir, db.location(), entries,
                new Campaign.Options(engine, k, shards, retryFailed, exploreArgs, sbatchArgs));

        Thread notice = new Thread(() -> {
            List<String> jobs = campaign.pendingJobs();
            err.println("\nshimscope: interrupted; " + (jobs.isEmpty()
                    ? "the explorations that were running keep their journals; start the campaign again to resume them"
                    : "Slurm jobs " + String.join(" ", jobs) + " go on; start the campaign again to wait for them and merge"
                    + " their results (or cancel them: scancel " + String.join(" ", jobs) + ")"));
            err.flush();
        });
        Runtime.getRuntime().addShutdownHook(notice);
        CampaignOutcome outcome;
        try {
            outcome = campaign.run(new CampaignProgress(err), err);
        } finally {
            dev.shimscope.io.ShutdownHooks.remove(notice);
        }
        out.print(CampaignReport.text(outcome, retryCommand(campaign.dir())));
        out.flush();
        if (!outcome.allStored()) {
            return 1;
        }
        return outcome.someUnverified() ? ExploreCommand.NOT_VERIFIED : 0;
    }

    private void checkUsage() {
        if (retryFailed && (catalog || !targets.isEmpty())) {
            throw usage("--retry-failed takes the entries of the campaign in --dir: name no ENTRY and no --catalog");
        }
        if (!retryFailed && catalog != targets.isEmpty()) {
            throw usage(catalog ? "name entries or --catalog, not both" : "name the entries (ENTRY... or --catalog),"
                    + " or --retry-failed");
        }
        if (split != null) {
            OptionChecks.range(commandSpec, "--split", split, 1, 1000);
            if (!slurm) {
                throw usage("--split spreads one exploration over a Slurm cluster: it needs --slurm");
            }
            if (catalog || targets.size() > 1) {
                throw usage("--split spreads one exploration over the cluster: name exactly one ENTRY");
            }
        }
        if (atOnce != null) {
            OptionChecks.range(commandSpec, "--at-once", atOnce, 1, 1000);
        }
        for (String a : exploreArgs) {
            if (!a.startsWith("--") || TASK_OPTIONS.contains(a.split("=", 2)[0])) {
                throw usage("--explore-arg " + a + ": " + (a.startsWith("--") ? "the campaign sets it for each task"
                        : "give explore's options in their --NAME=VALUE form"));
            }
        }
        if (!sbatchArgs.isEmpty() && !slurm) {
            throw usage("--sbatch-arg is for --slurm");
        }
        for (String a : sbatchArgs) {
            if (!a.startsWith("-") || SUBMIT_OPTIONS.contains(a.split("=", 2)[0])) {
                throw usage("--sbatch-arg " + a + ": " + (a.startsWith("-") ? "the campaign sets it for each submission"
                        : "give sbatch's options in their --NAME=VALUE form"));
            }
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(commandSpec.commandLine(), message);
    }

    private String retryCommand(Path campaignDir) {
        List<String> words = new ArrayList<>(List.of("shimscope", "campaign", "--dir", campaignDir.toString(), "--retry-failed"));
        if (slurm) {
            words.add("--slurm");
        }
        if (db.db != null) {
            words.addAll(List.of("--db", db.db.toString()));
        }
        exploreArgs.forEach(a -> words.add("--explore-arg=" + a));
        sbatchArgs.forEach(a -> words.add("--sbatch-arg=" + a));
        return String.join(" ", words.stream().map(Shell::quote).toList());
    }
}
