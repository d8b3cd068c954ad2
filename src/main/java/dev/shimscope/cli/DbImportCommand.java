package dev.shimscope.cli;

import dev.shimscope.report.StoreReport;
import dev.shimscope.store.ImportResult;
import dev.shimscope.store.ResultStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "import", description = {
        "Import a Loupe results database as it is.",
        "The database is a directory APP/{benchmark|suite}-WORKLOAD/ID/data/*.csv; runs are marked as imported"
                + " and the store gets one git commit for the import."})
final class DbImportCommand implements Callable<Integer> {

    @Mixin
    DbOption db;

    @Parameters(index = "0", paramLabel = "PATH", description = "The Loupe database directory.")
    Path source;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ImportResult result = ResultStore.importLoupe(db.location(), source);
        spec.commandLine().getOut().print(StoreReport.importSummary(result, db.location().toAbsolutePath().normalize().toString()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
