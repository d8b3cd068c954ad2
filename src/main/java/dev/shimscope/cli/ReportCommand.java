package dev.shimscope.cli;

import dev.shimscope.report.HtmlReport;
import dev.shimscope.store.ResultStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "report", description = {
        "Write a self-contained HTML report of the results store.",
        "Open DIR/index.html (works offline): support curves, syscall counts per app, a syscall-by-app heatmap,"
                + " OS compatibility, sortable tables."})
final class ReportCommand implements Callable<Integer> {

    @Mixin
    DbOption db;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", required = true, description = "Directory to write index.html into.")
    Path output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ResultStore store = db.open();
        Path file = HtmlReport.write(store.read(), store.dir().toString(), output);
        spec.commandLine().getOut().println(file);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
