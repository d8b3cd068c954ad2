package dev.shimscope.cli;

import dev.shimscope.store.ResultStore;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** The {@code --db DIR} option shared by the commands that read or write a results store. */
final class DbOption {

    @Option(names = "--db", paramLabel = "DIR", description = {
            "Results store directory (default: $SHIMSCOPE_DB, else $XDG_DATA_HOME/shimscope/db,",
            "else ~/.local/share/shimscope/db)."})
    Path db;

    Path location() {
        return ResultStore.location(db);
    }

    /** An existing store; a missing one is an error. */
    ResultStore open() throws IOException {
        return ResultStore.open(location());
    }
}
