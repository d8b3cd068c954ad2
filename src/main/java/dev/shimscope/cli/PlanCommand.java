package dev.shimscope.cli;

import dev.shimscope.model.OsDescription;
import dev.shimscope.plan.AppNeeds;
import dev.shimscope.plan.GreedyPlanner;
import dev.shimscope.plan.SupportPlan;
import dev.shimscope.plan.UnlockPlanner;
import dev.shimscope.plan.WorkloadSelection;
import dev.shimscope.report.PlanReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "plan", description = {
        "Plan the order to implement, stub and fake syscalls in.",
        "So that applications run as early as possible: Loupe's greedy plan and shimscope's unlock plan,"
                + " their cumulative curves and which one wins."})
final class PlanCommand implements Callable<Integer> {

    @Mixin
    DbOption db;

    @Option(names = "--os", paramLabel = "FILE|NAME", description = {
            "The OS's support list to start from: a *.syscalls file or a shipped list",
            "(browsix, freebsd, fuchsia, graphene, gvisor, hermitux, kerla, linuxnolibc, osv, unikraft, zephyr).",
            "Default: start from nothing."})
    String os;

    @Mixin
    AppSelectionOptions selectionOptions;

    @Option(names = "--summary", description = "Leave out the steps; print the curves and the comparison.")
    boolean summary;

    @Option(names = "--json", description = "Print both plans (steps, curve, area) as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        WorkloadSelection selection = selectionOptions.selection();
        OsDescription base = os == null ? null : selectionOptions.support(os);
        List<AppNeeds> needs = selectionOptions.needs(db);
        SupportPlan greedy = new GreedyPlanner().plan(needs, base);
        SupportPlan unlock = new UnlockPlanner().plan(needs, base);
        PrintWriter out = spec.commandLine().getOut();
        String osName = base == null ? "none" : base.name();
        if (json) {
            out.print(PlanReport.json(selection.id(), osName, greedy, unlock));
        } else {
            String header = "Support plan for " + needs.size() + " apps (" + selection.id() + " workloads"
                    + (selectionOptions.arch() == dev.shimscope.syscall.Arch.X86_64 ? "" : ", " + selectionOptions.arch() + " syscalls")
                    + "), starting from "
                    + (base == null ? "an OS that implements nothing" : "OS " + base.name() + " (" + base.implemented().size() + " syscalls)");
            out.print(PlanReport.text(header, greedy, unlock, !summary));
        }
        out.flush();
        return 0;
    }
}
