package dev.shimscope.sandbox;

import java.time.Duration;

/**
 * What one sandboxed run did. {@code signal} is the signal that ended the command (0 if it
 * exited); {@code peakRssKb} is the largest resident set of any process of the run that was
 * waited for (-1 if unknown); the output fields hold the last lines of each stream;
 * {@code untrustedOutput} says why a file the run left for the tool could not be read (a FIFO, a
 * link, a huge file: see {@link RunOutput}), null when all was well. Such a run has failed.
 * {@code cpuMillis} is the CPU time of all the run's processes and {@code stallMillis} the time
 * they waited for a CPU while runnable (the run's control group; -1 where it cannot be measured).
 */
public record RunResult(
        int exitCode,
        int signal,
        Duration wallTime,
        long peakRssKb,
        String stdoutTail,
        String stderrTail,
        boolean timedOut,
        String untrustedOutput,
        long cpuMillis,
        long stallMillis) {

    public RunResult(int exitCode, int signal, Duration wallTime, long peakRssKb, String stdoutTail, String stderrTail,
                     boolean timedOut) {
        this(exitCode, signal, wallTime, peakRssKb, stdoutTail, stderrTail, timedOut, null, -1, -1);
    }

    /** True when the command exited with status 0, was not timed out, and left nothing untrusted. */
    public boolean succeeded() {
        return !timedOut && signal == 0 && exitCode == 0 && untrustedOutput == null;
    }

    /** One line: how it ended. */
    public String describeEnd() {
        if (untrustedOutput != null) {
            return untrustedOutput;
        }
        if (timedOut) {
            return "timed out after " + wallTime.toMillis() + " ms";
        }
        if (signal != 0) {
            return "killed by signal " + signal;
        }
        return "exit status " + exitCode;
    }
}
