package dev.shimscope.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

@Command(name = "db", description = "Work with the results store: import a Loupe database, list apps, show an app's syscalls.",
        subcommands = {DbImportCommand.class, DbListCommand.class, DbShowCommand.class})
final class DbCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (import, list, show)");
    }
}
