package dev.shimscope.sandbox;

import java.time.Duration;

/**
 * What one sandboxed run did. {@code signal} is the signal that ended the command (0 if it
 * exited); {@code peakRssKb} is the largest resident set of any process of the run that was
 * waited for (-1 if unknown); the output fields hold the last lines of each stream.
 */
public record RunResult(
        int exitCode,
        int signal,
        Duration wallTime,
        long peakRssKb,
        String stdoutTail,
        String stderrTail,
        boolean timedOut) {

    /** True when the command exited with status 0 and was not timed out. */
    public boolean succeeded() {
        return !timedOut && signal == 0 && exitCode == 0;
    }

    /** One line: how it ended. */
    public String describeEnd() {
        if (timedOut) {
            return "timed out after " + wallTime.toMillis() + " ms";
        }
        if (signal != 0) {
            return "killed by signal " + signal;
        }
        return "exit status " + exitCode;
    }
}
