package dev.shimscope.cli;

import dev.shimscope.report.StoreReport;
import dev.shimscope.store.StoreSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "list", description = "One line per application in the results store, with its workloads.")
final class DbListCommand implements Callable<Integer> {

    @Mixin
    DbOption db;

    @Option(names = "--json", description = "Print apps, workloads and runs as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        StoreSnapshot snapshot = db.open().read();
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? StoreReport.listJson(snapshot) : StoreReport.list(snapshot));
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        err.println(snapshot.latestByApp().size() + " apps, " + snapshot.runs().size() + " runs in " + db.location()
                + (snapshot.ignored().isEmpty() ? "" : "; ignored " + snapshot.ignored().size()
                + " incomplete run directories (" + snapshot.ignored().getFirst() + (snapshot.ignored().size() > 1 ? ", ..." : "") + ")"));
        err.flush();
        return 0;
    }
}
