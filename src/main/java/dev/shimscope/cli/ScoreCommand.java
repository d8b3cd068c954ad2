package dev.shimscope.cli;

import dev.shimscope.model.OsDescription;
import dev.shimscope.plan.AppNeeds;
import dev.shimscope.plan.CompatibilityScore;
import dev.shimscope.plan.WorkloadSelection;
import dev.shimscope.report.ScoreReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "score", description = {
        "Score how compatible each OS is with the applications in the store.",
        "The share of apps it supports as it is, and Loupe's weighted score (syscalls weighted by how many apps"
                + " require them)."})
final class ScoreCommand implements Callable<Integer> {

    @Mixin
    DbOption db;

    @Option(names = "--os", paramLabel = "FILE|NAME", arity = "1..*", description = {
            "OS support lists: *.syscalls files or shipped names (repeat the option or list several);",
            "default: all shipped lists."})
    List<String> oses;

    @Mixin
    AppSelectionOptions selectionOptions;

    @Option(names = "--json", description = "Print the scores as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        WorkloadSelection selection = selectionOptions.selection();
        List<OsDescription> lists = new ArrayList<>();
        for (String o : oses == null ? OsDescription.shippedNames() : oses) {
            lists.add(selectionOptions.support(o));
        }
        List<AppNeeds> needs = selectionOptions.needs(db);
        List<CompatibilityScore.OsScore> scores = CompatibilityScore.score(needs, lists);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? ScoreReport.json(selection.id(), scores)
                : ScoreReport.text("Compatibility with " + needs.size() + " apps (" + selection.id() + " workloads"
                + (selectionOptions.arch() == dev.shimscope.syscall.Arch.X86_64 ? "" : ", " + selectionOptions.arch() + " syscalls")
                + "), best first:", scores));
        out.flush();
        return 0;
    }
}
