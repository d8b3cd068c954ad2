package dev.shimscope.workload;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One application and one workload, as a person writes it in a spec file (YAML; the format is
 * described in docs/workload-spec.md). Relative paths are resolved against the spec's directory,
 * where its scripts and configuration files live. {@link WorkloadSpecs#load} reads and checks it.
 *
 * @param file        the spec file
 * @param dir         the spec's directory
 * @param app         application name (the store's APP)
 * @param workload    workload name (the store's WORKLOAD)
 * @param kind        benchmark (server + client) or suite (one command)
 * @param description one line for listings
 * @param packages    Debian packages the workload needs
 * @param binary      the application's main executable (for provenance and static analysis)
 * @param only        if set, filters apply only to processes executing this binary
 * @param parallel    how many runs may overlap, if the workload is bound by time rather than CPU
 * @param env         variables for every command
 * @param workDir     working directory of the commands
 * @param writable    paths copied fresh into each run and mounted writable
 * @param server      the server (benchmark only)
 * @param test        the client (benchmark) or the whole workload (suite)
 * @param prepare     a command run once on the host before any run, e.g. to fetch a test suite
 *                    into the cache directory (null: nothing to prepare); see {@link Preparation}
 * @param tests       for a suite made of tests that can run separately: how to list them, how the
 *                    test command is told which to run, and how to read each one's result (null:
 *                    the suite is one whole)
 * @param metric      the workload's own figure of merit, read from the test's output (null: none)
 */
public record WorkloadSpec(
        Path file,
        Path dir,
        String app,
        String workload,
        WorkloadKind kind,
        String description,
        List<String> packages,
        Path binary,
        Path only,
        Integer parallel,
        Map<String, String> env,
        Path workDir,
        List<Path> writable,
        Server server,
        Test test,
        Command prepare,
        Tests tests,
        Metric metric) {

    /** A spec without a metric. */
    public WorkloadSpec(Path file, Path dir, String app, String workload, WorkloadKind kind, String description,
                        List<String> packages, Path binary, Path only, Integer parallel, Map<String, String> env,
                        Path workDir, List<Path> writable, Server server, Test test, Command prepare, Tests tests) {
        this(file, dir, app, workload, kind, description, packages, binary, only, parallel, env, workDir,
                writable, server, test, prepare, tests, null);
    }

    /** A spec without a preparation step. */
    public WorkloadSpec(Path file, Path dir, String app, String workload, WorkloadKind kind, String description,
                        List<String> packages, Path binary, Path only, Integer parallel, Map<String, String> env,
                        Path workDir, List<Path> writable, Server server, Test test) {
        this(file, dir, app, workload, kind, description, packages, binary, only, parallel, env, workDir,
                writable, server, test, null, null);
    }

    /** A spec whose suite is one whole. */
    public WorkloadSpec(Path file, Path dir, String app, String workload, WorkloadKind kind, String description,
                        List<String> packages, Path binary, Path only, Integer parallel, Map<String, String> env,
                        Path workDir, List<Path> writable, Server server, Test test, Command prepare) {
        this(file, dir, app, workload, kind, description, packages, binary, only, parallel, env, workDir,
                writable, server, test, prepare, null);
    }

    /** The variable that tells a suite's test command which tests to run (space-separated ids). */
    public static final String TESTS_VARIABLE = "SHIMSCOPE_TESTS";

    /**
     * A suite of separately runnable tests. The test command runs the tests named in
     * {@code $SHIMSCOPE_TESTS} (all of them when it is empty); a test passed when {@code passed}
     * matches with its id in the group {@code test}, and failed when it did not (or when
     * {@code failed} names it).
     *
     * @param list    a command that prints the ids, one per line (run in a sandbox like the workload)
     * @param ids     the ids, when given in the spec instead
     * @param passed  regex with a group {@code test}: one match per passed test
     * @param failed  optional regex with a group {@code test}: one match per failed test
     */
    public record Tests(Command list, List<String> ids, Pattern passed, Pattern failed) {
        public Tests {
            ids = ids == null ? null : List.copyOf(ids);
        }
    }

    /**
     * The workload's own figure of merit (requests per second, a bitrate, operations), read from
     * the test's output (stdout and stderr): every match of {@code regex}'s group {@code value} is
     * a number; several matches (one per test of redis-benchmark, say) count by their geometric
     * mean, so that each counts alike whatever its scale.
     *
     * @param name           what the number is, for reports ("requests/s")
     * @param regex          a regex with a group named {@code value} that matches a decimal number
     * @param higherIsBetter true for a throughput, false for a latency or a duration
     */
    public record Metric(String name, Pattern regex, boolean higherIsBetter) {

        /** The metric of an output: the geometric mean of every match, or null if none matched. */
        public Double read(String output) {
            java.util.regex.Matcher m = regex.matcher(output);
            double logSum = 0;
            double first = 0;
            int n = 0;
            while (m.find()) {
                try {
                    double v = Double.parseDouble(m.group("value"));
                    if (v > 0 && Double.isFinite(v)) {
                        first = n == 0 ? v : first;
                        logSum += Math.log(v);
                        n++;
                    }
                } catch (NumberFormatException e) {
                    // not a number after all: left out
                }
            }
            return n == 0 ? null : n == 1 ? first : Math.exp(logSum / n);
        }
    }

    /** A command: a shell line (variables expanded) or a literal argv. */
    public record Command(String shell, List<String> argv) {
        public static Command shell(String line) {
            return new Command(line, null);
        }

        public static Command argv(List<String> argv) {
            return new Command(null, List.copyOf(argv));
        }

        public boolean isShell() {
            return shell != null;
        }

        @Override
        public String toString() {
            return isShell() ? shell : String.join(" ", argv);
        }
    }

    /** How to tell that the server is ready. */
    public sealed interface Readiness {
        /** A TCP connection to 127.0.0.1:port succeeds. */
        record Port(int port) implements Readiness {
        }

        /** A socket listens on the port (no connection is made: for servers that count one as work). */
        record Listening(int port) implements Readiness {
        }

        /** A line matching the pattern appears in the server's output, or in a file if given. */
        record LogLine(Pattern pattern, String file) implements Readiness {
        }
    }

    /**
     * @param command      the server command: one program with arguments (a shell line is split
     *                     into words with variables expanded, but pipes and redirections are not
     *                     allowed: the filter must apply to the server itself, not to a shell)
     * @param ready        readiness probe
     * @param readyTimeout deadline for readiness
     * @param stopSignal   signal that asks the server to stop
     * @param grace        time it gets before the whole run is killed
     * @param mayExit      the server ends by itself after the test (e.g. iperf3 -1)
     */
    public record Server(Command command, Readiness ready, Duration readyTimeout, String stopSignal,
                         Duration grace, boolean mayExit) {
    }

    /**
     * @param command the client test (benchmark) or the whole workload (suite)
     * @param timeout after this the test has failed
     * @param expect  the output must match this (optional)
     * @param reject  the output must not match this (optional)
     */
    public record Test(Command command, Duration timeout, Pattern expect, Pattern reject) {
    }

    public Optional<Path> onlyBinary() {
        return Optional.ofNullable(only);
    }

    /** "app/kind-workload", as the store names it. */
    public String id() {
        return app + "/" + kind.id() + "-" + workload;
    }
}
