package dev.shimscope.cli;

import dev.shimscope.sandbox.Commands;
import dev.shimscope.workload.Catalog;
import dev.shimscope.workload.WorkloadSpec;
import dev.shimscope.workload.WorkloadSpecs;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a workload command runs: a spec file or a catalog name, or, after {@code --}, a bare
 * command and its arguments (a suite: it passes when it exits 0 within {@code --timeout}, and its
 * output matches {@code --expect} if given). Shared by run, explore and emulate, so that the three
 * read their target the same way.
 */
final class WorkloadTarget {

    @Parameters(arity = "1..*", paramLabel = "TARGET", description = {
            "A spec file or a catalog name; or, after --, a bare command and its arguments (it passes when it"
                    + " exits 0 within --timeout; every process it starts is filtered)."})
    List<String> words;

    @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "For a bare command: its time limit (default ${DEFAULT-VALUE} s).")
    int timeoutSeconds;

    @Option(names = "--expect", paramLabel = "REGEX",
            description = "For a bare command: its output (stdout and stderr) must match this regex too.")
    String expect;

    /** True when the target is a bare command (the arguments came after {@code --}). */
    boolean bareCommand(CommandLine.Model.CommandSpec spec) {
        return spec.commandLine().getParseResult().originalArgs().contains("--");
    }

    /** The spec to run, checked: a bad target is one clear error. */
    WorkloadSpec resolve(CommandLine.Model.CommandSpec spec) {
        if (!bareCommand(spec)) {
            if (words.size() > 1) {
                throw new IllegalArgumentException("give one TARGET (a spec file or a catalog name), or a command after --"
                        + " (" + spec.name() + " -- CMD ARGS)");
            }
            if (expect != null) {
                throw new IllegalArgumentException("--expect is for a bare command (after --); a spec has test.expect");
            }
            return Catalog.resolveTarget(words.getFirst());
        }
        OptionChecks.range(spec, "--timeout", timeoutSeconds, 1, 86_400);
        Path cwd = Path.of("").toAbsolutePath();
        Commands.resolve(words.getFirst(), cwd);
        return WorkloadSpecs.forCommand(words, cwd, Duration.ofSeconds(timeoutSeconds), expect);
    }

    /** The program of a bare command (for the loader check), or the spec's binary. */
    Path binary(CommandLine.Model.CommandSpec spec, WorkloadSpec workload) {
        return bareCommand(spec) ? Commands.resolve(words.getFirst(), Path.of("").toAbsolutePath()) : workload.binary();
    }
}
