package dev.shimscope.cli;

import dev.shimscope.ToolVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * The {@code shimscope} command: subcommands only, each a thin class over the library API.
 * Errors become one line on stderr and exit status 1 (2 for usage errors); {@code --verbose}
 * adds the stack trace.
 */
@Command(name = "shimscope",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT, // every subcommand gets --help (and --version)
        versionProvider = Main.Version.class,
        description = "Measures which Linux system calls an application needs: implement, stub (ENOSYS) or fake (0).",
        subcommands = {
                DoctorCommand.class,
                TraceCommand.class,
                InitCommand.class,
                RunCommand.class,
                ExploreCommand.class,
                CampaignCommand.class,
                DbCommand.class,
                PlanCommand.class,
                ScoreCommand.class,
                ReportCommand.class,
                SeccompProfileCommand.class,
                EmulateCommand.class,
                StaticCommand.class,
                CatalogCommand.class,
                CleanCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @Option(names = "--verbose", description = "Show stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit status (used by tests too). */
    public static int execute(String... args) {
        CommandLine cl = commandLine();
        int status = cl.execute(args);
        // commands print through picocli's writers (tests give each run its own): flush what is left
        cl.getOut().flush();
        cl.getErr().flush();
        return status;
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // typed options: a bad value is a usage error naming the option, before the command runs
        cl.registerConverter(dev.shimscope.plan.WorkloadSelection.class, dev.shimscope.plan.WorkloadSelection::parse);
        cl.registerConverter(dev.shimscope.workload.WorkloadKind.class, dev.shimscope.workload.WorkloadKind::parse);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(Main::handleError);
        cl.setParameterExceptionHandler(Main::handleUsageError);
        return cl;
    }

    private static int handleError(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean verbose = parsed.hasMatchedOption("--verbose")
                || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
        err.println("shimscope: " + Errors.describe(e));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return e instanceof ExitException ex ? ex.status() : 1;
    }

    private static int handleUsageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("shimscope: " + e.getMessage() + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return 2;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"shimscope " + ToolVersion.get()};
        }
    }
}
