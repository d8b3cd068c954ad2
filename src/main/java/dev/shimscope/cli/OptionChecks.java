package dev.shimscope.cli;

import picocli.CommandLine;

/**
 * Checks of option values that picocli cannot express (ranges), shared by the commands so that
 * the same option gets the same rule and message everywhere. A violation is a usage error
 * (exit status 2) naming the option and the allowed range, raised before any work starts.
 */
final class OptionChecks {

    /** Most runs at a time: more only queue up behind the CPUs and starve each other. */
    static int maxJobs() {
        return Math.max(64, 8 * Runtime.getRuntime().availableProcessors());
    }

    private OptionChecks() {
    }

    static int range(CommandLine.Model.CommandSpec spec, String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be between " + min + " and "
                    + max + " (got " + value + ")");
        }
        return value;
    }

    static Integer jobs(CommandLine.Model.CommandSpec spec, Integer jobs) {
        return jobs == null ? null : range(spec, "--jobs", jobs, 1, maxJobs());
    }
}
