package dev.shimscope.cli;

import dev.shimscope.model.Suggestions;
import dev.shimscope.report.StoreReport;
import dev.shimscope.store.Profile;
import dev.shimscope.store.StoreSnapshot;
import dev.shimscope.workload.WorkloadKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "show", description = {
        "Show an application's syscalls from the newest run of each workload.",
        "Used, required, stub only (ENOSYS works), fake only (returning 0 works), both; static sets if present."})
final class DbShowCommand implements Callable<Integer> {

    @Mixin
    DbOption db;

    @Parameters(index = "0", paramLabel = "APP", description = "The application.")
    String app;

    @Option(names = "--workload", paramLabel = "bench|suite", description = "Only workloads of this kind.")
    WorkloadKind workload;

    @Option(names = "--json", description = "Print the categories as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        WorkloadKind kind = workload;
        StoreSnapshot snapshot = db.open().read();
        List<Profile> profiles = snapshot.latestByApp().get(app);
        if (profiles == null) {
            throw new IllegalArgumentException("no app '" + app + "' in results store " + db.location()
                    + Suggestions.hint(app, snapshot.latestByApp().keySet()) + "; see 'shimscope db list'");
        }
        List<Profile> selected = profiles.stream().filter(p -> kind == null || p.kind() == kind).toList();
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("app '" + app + "' has no " + kind.id() + " results (it has: "
                    + String.join(", ", profiles.stream().map(Profile::workloadDir).toList()) + ")");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? StoreReport.showJson(selected) : StoreReport.show(selected, snapshot));
        out.flush();
        return 0;
    }
}
