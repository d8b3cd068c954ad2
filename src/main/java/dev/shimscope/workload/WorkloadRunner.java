package dev.shimscope.workload;

import dev.shimscope.model.ShimConfiguration;
import dev.shimscope.model.Treatment;
import dev.shimscope.sandbox.Commands;
import dev.shimscope.sandbox.Run;
import dev.shimscope.sandbox.RunOutput;
import dev.shimscope.sandbox.RunSpec;
import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.sandbox.SeccompFilter;
import dev.shimscope.trace.TraceResult;
import dev.shimscope.trace.Tracer;
import dev.shimscope.workload.WorkloadSpec.Command;
import dev.shimscope.workload.WorkloadSpec.Readiness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;

/**
 * Runs a workload once in a fresh sandbox, optionally under a seccomp filter and/or strace,
 * and says whether it passed.
 *
 * <p>Inside the sandbox a generated bash supervisor does the timing-critical part: it starts
 * the server, polls readiness every 5 ms (so a ready server is used at once and a server that
 * died is noticed at once, never by waiting out a timeout), runs the client in the same network
 * namespace with its time limit, checks the server outlived the test, and stops it with its
 * signal, a grace period and then SIGKILL. The filter applies to the server only (benchmark),
 * to the whole suite command (suite), or to the one binary the spec names ({@code only}); the
 * supervisor and the client are never filtered.
 */
public final class WorkloadRunner {

    private static final Duration MARGIN = Duration.ofSeconds(10);
    private static final String TEST_EXITED = "test exited with status ";
    private static final String TEST_OUTPUT = "test output ";
    /** How much longer than its limits a starved run may take before the sandbox kills it. */
    private static final int STARVED_ALLOWANCE = 4;

    private final Sandbox sandbox;
    private final WorkloadSpec spec;
    private final Tracer tracer;
    /** Prepared files (test suites) that runs read; see {@link Preparation}. */
    private final Path cache;

    /**
     * @param tracer needed only for traced runs (may be null otherwise)
     */
    public WorkloadRunner(Sandbox sandbox, WorkloadSpec spec, Tracer tracer) {
        this.sandbox = Objects.requireNonNull(sandbox);
        this.spec = Objects.requireNonNull(spec);
        this.tracer = tracer;
        this.cache = Preparation.cacheDir(spec);
    }

    /**
     * How to run: a filter (null for none), whether to trace, time limits for readiness, the test
     * and the server's stop after its signal (null: the spec's), and
     * two faults that prove a spec's success check works: {@code replacements} mounts files over
     * others (an application binary replaced by /bin/false), {@code killAfter} kills the server
     * (benchmark) or the command (suite) that long after the test started (null: never).
     */
    public record Options(SeccompFilter filter, boolean trace, Duration readyTimeout, Duration testTimeout,
                          Duration grace, Map<Path, Path> replacements, Duration killAfter, List<String> tests,
                          List<ShimConfiguration.PathRule> paths) {
        public Options {
            replacements = replacements == null ? Map.of() : Map.copyOf(replacements);
            tests = tests == null ? null : List.copyOf(tests);
            paths = paths == null ? List.of() : List.copyOf(paths);
        }

        public Options(SeccompFilter filter, boolean trace, Duration readyTimeout, Duration testTimeout,
                       Duration grace, Map<Path, Path> replacements, Duration killAfter, List<String> tests) {
            this(filter, trace, readyTimeout, testTimeout, grace, replacements, killAfter, tests, List.of());
        }

        public Options(SeccompFilter filter, boolean trace, Duration readyTimeout, Duration testTimeout,
                       Duration grace, Map<Path, Path> replacements, Duration killAfter) {
            this(filter, trace, readyTimeout, testTimeout, grace, replacements, killAfter, null, List.of());
        }

        public Options(SeccompFilter filter, boolean trace, Duration readyTimeout, Duration testTimeout) {
            this(filter, trace, readyTimeout, testTimeout, null, Map.of(), null, null, List.of());
        }

        /**
         * The run under a shim configuration: its syscall and argument rules as a seccomp filter
         * (none for the plain open world), its path rules applied by the run.
         */
        public Options configured(ShimConfiguration c) {
            boolean noFilter = c.isOpenWorld() && c.treatments().values().stream().allMatch(t -> t.equals(Treatment.IMPLEMENT))
                    && c.argumentRules().isEmpty();
            return new Options(noFilter ? null : SeccompFilter.of(c), trace, readyTimeout, testTimeout, grace, replacements,
                    killAfter, tests, c.pathRules());
        }

        public static Options plain() {
            return new Options(null, false, null, null);
        }

        public static Options traced() {
            return new Options(null, true, null, null);
        }

        public static Options filtered(SeccompFilter filter) {
            return new Options(filter, false, null, null);
        }

        public Options withTimeouts(Duration ready, Duration test) {
            return new Options(filter, trace, ready, test, grace, replacements, killAfter, tests, paths);
        }

        public Options withGrace(Duration g) {
            return new Options(filter, trace, readyTimeout, testTimeout, g, replacements, killAfter, tests, paths);
        }

        public Options withFilter(SeccompFilter f) {
            return new Options(f, trace, readyTimeout, testTimeout, grace, replacements, killAfter, tests, paths);
        }

        public Options withTrace(boolean t) {
            return new Options(filter, t, readyTimeout, testTimeout, grace, replacements, killAfter, tests, paths);
        }

        /** Only these tests of a suite made of tests (null: all). */
        public Options withTests(List<String> selection) {
            return new Options(filter, trace, readyTimeout, testTimeout, grace, replacements, killAfter, selection, paths);
        }

        /** The run with {@code target} replaced by {@code with} (e.g. the app binary by /bin/false). */
        public Options replacing(Path target, Path with) {
            Map<Path, Path> r = new java.util.LinkedHashMap<>(replacements);
            r.put(target, with);
            return new Options(filter, trace, readyTimeout, testTimeout, grace, r, killAfter, tests, paths);
        }

        /** The run cut short: the server (or suite command) is killed this long after the test started. */
        public Options killingAfter(Duration d) {
            return new Options(filter, trace, readyTimeout, testTimeout, grace, replacements, d, tests, paths);
        }
    }

    public WorkloadSpec spec() {
        return spec;
    }

    /** The app's prepared cache directory (what {@code $SHIMSCOPE_CACHE} names in runs). */
    public Path cache() {
        return cache;
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    /** Checks what can be checked before any run: programs exist and are executable. */
    public void check() {
        if (spec.server() != null) {
            Command c = spec.server().command();
            String program = c.isShell() ? c.shell().split("\\s+")[0] : c.argv().getFirst();
            if (!program.contains("$")) {
                Commands.resolve(program, spec.workDir() != null ? spec.workDir() : spec.dir());
            }
        }
        Command t = spec.test().command();
        if (!t.isShell()) {
            Commands.resolve(t.argv().getFirst(), spec.workDir() != null ? spec.workDir() : spec.dir());
        }
        if (spec.binary() != null && !Files.isRegularFile(spec.binary())) {
            throw new IllegalArgumentException("spec " + spec.file() + ": binary: no such file " + spec.binary()
                    + (spec.packages().isEmpty() ? " (fix the path)" : " (install: apt-get install -y "
                    + String.join(" ", spec.packages()) + ", or fix the path)"));
        }
        spec.onlyBinary().ifPresent(b -> {
            if (!Files.isRegularFile(b)) {
                throw new IllegalArgumentException("spec " + spec.file() + ": only: no such binary " + b
                        + (spec.packages().isEmpty() ? "" : " (install: apt-get install -y " + String.join(" ", spec.packages()) + ")"));
            }
        });
    }

    public WorkloadOutcome run(Options options) throws InterruptedException {
        if (options.trace() && tracer == null) {
            throw new IllegalStateException("a traced run needs a tracer");
        }
        Duration ready = options.readyTimeout() != null ? options.readyTimeout()
                : spec.server() != null ? spec.server().readyTimeout() : Duration.ZERO;
        Duration test = options.testTimeout() != null ? options.testTimeout() : spec.test().timeout();
        Duration grace = options.grace() != null ? options.grace()
                : spec.server() != null ? spec.server().grace() : Duration.ofSeconds(2);
        String script = spec.kind() == WorkloadKind.BENCHMARK
                ? benchmarkScript(options, ready, test, grace) : suiteScript(options, test);
        // the supervisor's limits leave out CPU starvation, so on a busy machine a run may take
        // longer than their sum; this is the backstop for a supervisor that is stuck
        RunSpec.Builder rs = runSpec(script,
                ready.plus(test).plus(grace).plus(grace).multipliedBy(STARVED_ALLOWANCE).plus(MARGIN));
        options.replacements().forEach(rs::replace);
        for (ShimConfiguration.PathRule p : options.paths()) {
            if (p.treatment() == ShimConfiguration.PathTreatment.EMPTY) {
                rs.replace(Path.of(p.path()), sandbox.emptyFile());
            }
        }
        if (options.filter() != null) {
            if (spec.only() != null) {
                rs.filter(options.filter(), RunSpec.FilterScope.ONLY_BINARY, spec.only());
            } else {
                rs.filter(options.filter(), RunSpec.FilterScope.CALLER, null);
            }
        }
        try (Run run = sandbox.run(rs.build())) {
            return outcome(run, options, grace);
        }
    }

    /** A run of {@code script} as the supervisor, with the spec's files, cache and writable paths. */
    private RunSpec.Builder runSpec(String script, Duration timeout) {
        RunSpec.Builder rs = RunSpec.of("/bin/bash", Sandbox.CONTROL_DIR + "/supervisor.sh")
                .controlFile("supervisor.sh", script)
                .timeout(timeout)
                .env("SPEC_DIR", spec.dir().toString())
                .env(Preparation.CACHE_VARIABLE, cache.toString())
                .workDir(spec.workDir());
        for (Path p : java.util.Arrays.asList(spec.dir(), spec.workDir())) {
            if (p != null && Commands.hiddenInSandbox(p)) {
                rs.readOnly(p);
            }
        }
        if (Commands.hiddenInSandbox(cache) && Files.isDirectory(cache)) {
            rs.readOnly(cache);
        }
        spec.writable().forEach(rs::writable);
        return rs;
    }

    /**
     * The ids of a suite's tests: from the spec, or printed by its list command, run in a sandbox
     * like the workload (no filter), one id per line. An empty list, a failing command or an id
     * with spaces or quotes is an error naming the spec.
     */
    public List<String> listTests() throws InterruptedException {
        WorkloadSpec.Tests t = spec.tests();
        if (t == null) {
            throw new IllegalStateException("spec " + spec.file() + " has no tests");
        }
        if (t.ids() != null) {
            return t.ids();
        }
        StringBuilder sb = prelude(Options.plain());
        sb.append(t.list().isShell() ? "LIST=(/bin/sh -c " + q(t.list().shell()) + ")\n"
                : "LIST=(" + words(t.list().argv()) + ")\n");
        sb.append("\"${LIST[@]}\" > \"$O/tests.txt\" 2> \"$O/tests.err\" < /dev/null; echo $? > \"$O/list_status\"\n");
        String where = "spec " + spec.file() + ": tests.list (" + t.list() + ")";
        try (Run run = sandbox.run(runSpec(sb.toString(), spec.test().timeout()).build())) {
            OutFiles out = new OutFiles(run.out());
            long status = out.number("list_status", -1);
            if (status != 0) {
                throw new IllegalArgumentException(where + ": failed (" + (status < 0 ? run.result().describeEnd()
                        : "exit status " + status) + ")" + lastLineSuffix(out.log("tests.err")));
            }
            List<String> ids = new ArrayList<>();
            for (String line : out.log("tests.txt").split("\n")) {
                String id = line.strip();
                if (id.isEmpty()) {
                    continue;
                }
                if (!id.matches("[^\\s'\"]+")) {
                    throw new IllegalArgumentException(where + ": '" + id + "' is not a test id (one id per line, no spaces or quotes)");
                }
                ids.add(id);
            }
            if (out.problem() != null) {
                throw new IllegalArgumentException(where + ": " + out.problem());
            }
            if (ids.isEmpty()) {
                throw new IllegalArgumentException(where + ": printed no test ids");
            }
            return List.copyOf(new java.util.LinkedHashSet<>(ids));
        }
    }

    private WorkloadOutcome outcome(Run run, Options options, Duration grace) {
        OutFiles out = new OutFiles(run.out());
        String failure = out.line("fail");
        long readyMs = out.number("ready_ms", -1);
        long testMs = out.number("test_ms", -1);
        long testStatus = out.number("test_status", Long.MIN_VALUE);
        long serverAlive = out.number("server_alive", -1);
        String testOutput = out.log("test.log");
        String serverOutput = out.log("server.log");
        if (failure == null) {
            failure = judge(run, out, testStatus, serverAlive, testOutput, grace);
        }
        TraceResult trace = null;
        if (options.trace()) {
            Path log = out.dir().resolve("strace.log");
            try {
                if (RunOutput.check(log, RunOutput.TRACE, false).isPresent()) {
                    trace = tracer.read(log);
                    if (spec.only() != null) {
                        trace = trace.restrictTo(this::isOnlyBinary);
                    }
                } else if (failure == null) {
                    failure = "strace wrote no trace";
                }
            } catch (IOException e) {
                failure = "cannot read the trace: " + e.getMessage();
            }
        }
        java.util.SortedSet<String> passedTests = new java.util.TreeSet<>();
        java.util.SortedSet<String> failedTests = new java.util.TreeSet<>();
        if (spec.tests() != null) {
            collect(spec.tests().passed(), testOutput, passedTests);
            if (spec.tests().failed() != null) {
                collect(spec.tests().failed(), testOutput, failedTests);
            }
            passedTests.removeAll(failedTests);
            if (options.tests() != null) {
                // a test asked for that did not report a pass failed (it crashed, hung, or never ran)
                options.tests().stream().filter(id -> !passedTests.contains(id)).forEach(failedTests::add);
                failedTests.retainAll(options.tests());
            }
            if (failure == null && !failedTests.isEmpty()) {
                failure = "tests failed: " + String.join(" ", failedTests.stream().limit(8).toList())
                        + (failedTests.size() > 8 ? " ..." : "") + " (" + failedTests.size() + " of "
                        + (options.tests() != null ? options.tests().size() : passedTests.size() + failedTests.size()) + ")";
            }
        }
        // a file the run replaced by a FIFO, a link or a huge file fails the run, whatever else it says
        if (run.result().untrustedOutput() != null) {
            failure = run.result().untrustedOutput();
        } else if (out.problem() != null) {
            failure = out.problem();
        }
        boolean timeLimit = failure != null && (run.result().timedOut() || testStatus == 124
                || out.exists("time_limit") || out.exists("server_killed"));
        long stopMs = failure == null ? out.number("stop_ms", -1) : -1;
        // what a busy machine can cause: a time limit, or a client that gave up (its own timeouts)
        // or reported errors; a crash, an exit at start or a failed shutdown it cannot
        boolean loadSensitive = failure != null && (timeLimit || failure.startsWith(TEST_EXITED)
                || failure.startsWith(TEST_OUTPUT) || failure.startsWith("tests failed"));
        dev.shimscope.model.RunMeasures measures = options.trace() ? null : new dev.shimscope.model.RunMeasures(
                out.number("app_kb", -1), (int) Math.min(Integer.MAX_VALUE, out.number("app_fds", -1)),
                spec.metric() == null ? null : spec.metric().read(testOutput));
        return new WorkloadOutcome(failure == null, failure, timeLimit, loadSensitive, run.result(), readyMs, testMs,
                stopMs, tail(testOutput), tail(serverOutput), trace, passedTests, failedTests, measures);
    }

    /**
     * The supervisor's files in a run's out directory, read through {@link RunOutput}: the first
     * file that is not a plain regular file of sensible size becomes {@link #problem()}.
     */
    private static final class OutFiles {
        private final Path dir;
        private String problem;

        OutFiles(Path dir) {
            this.dir = dir;
        }

        Path dir() {
            return dir;
        }

        String problem() {
            return problem;
        }

        private String read(String name, long max, boolean tail) {
            try {
                return RunOutput.read(dir.resolve(name), max, tail).orElse("");
            } catch (RunOutput.UntrustedOutputException e) {
                problem = problem == null ? e.getMessage() : problem;
                return "";
            }
        }

        String log(String name) {
            return read(name, RunOutput.LOG, true);
        }

        String line(String name) {
            String s = read(name, RunOutput.SMALL, false).strip();
            return s.isEmpty() ? null : s;
        }

        long number(String name, long dflt) {
            String s = line(name);
            try {
                return s == null ? dflt : Long.parseLong(s);
            } catch (NumberFormatException e) {
                return dflt;
            }
        }

        boolean exists(String name) {
            try {
                return RunOutput.check(dir.resolve(name), RunOutput.SMALL, true).isPresent();
            } catch (RunOutput.UntrustedOutputException e) {
                problem = problem == null ? e.getMessage() : problem;
                return false;
            }
        }
    }

    private static void collect(java.util.regex.Pattern p, String output, java.util.Set<String> into) {
        Matcher m = p.matcher(output);
        while (m.find()) {
            into.add(m.group("test"));
        }
    }

    private boolean isOnlyBinary(String exe) {
        if (exe.equals(spec.only().toString())) {
            return true;
        }
        try {
            Path p = Path.of(exe);
            if (!p.isAbsolute()) {
                return p.getFileName().equals(spec.only().getFileName());
            }
            return Files.exists(p) && p.toRealPath().equals(spec.only().toRealPath());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private String judge(Run run, OutFiles out, long testStatus, long serverAlive, String testOutput, Duration grace) {
        // the order matters: the first thing that went wrong is the reason
        if (run.result().timedOut()) {
            return "the run did not end in time (" + run.result().wallTime().toSeconds() + " s); it was killed";
        }
        if (testStatus == Long.MIN_VALUE) {
            return "the supervisor ended early (" + run.result().describeEnd() + "): "
                    + lastLine(run.result().stderrTail());
        }
        if (testStatus == 124 || testStatus == 137) {
            return "the test did not end within its time limit";
        }
        if (testStatus != 0) {
            return TEST_EXITED + testStatus + lastLineSuffix(testOutput);
        }
        WorkloadSpec.Test t = spec.test();
        // reject first: the line it matches says more than the last line of an unexpected output
        if (t.reject() != null) {
            Matcher m = t.reject().matcher(testOutput);
            if (m.find()) {
                return TEST_OUTPUT + "matches reject /" + t.reject().pattern() + "/: " + lineAround(testOutput, m.start());
            }
        }
        if (t.expect() != null && !t.expect().matcher(testOutput).find()) {
            return TEST_OUTPUT + "does not match expect /" + t.expect().pattern() + "/" + lastLineSuffix(testOutput);
        }
        if (spec.server() != null && !spec.server().mayExit() && serverAlive == 0) {
            return "the server exited during the test";
        }
        long exit = out.number("server_exit", Long.MIN_VALUE);
        if (spec.server() != null && exit != Long.MIN_VALUE) {
            // mayExit: the server ended by itself, and that end is judged like any other
            if (exit > 128) {
                return "the server was killed by signal " + (exit - 128) + " at its end (mayExit: it must exit with status 0)";
            }
            if (exit != 0) {
                return "the server exited with status " + exit + " (mayExit: it must exit with status 0)";
            }
            return null;
        }
        if (spec.server() != null && serverAlive == 1) {
            // stopping is part of the workload: a server that cannot exit cleanly is broken
            String signal = spec.server().stopSignal();
            if (out.exists("server_killed")) {
                return "the server did not stop within " + grace.toMillis() + " ms of SIG" + signal;
            }
            long status = out.number("server_status", -1);
            if (status != 0 && status != 128 + signalNumber(signal)) {
                return "the server's shutdown failed (exit status " + status + " after SIG" + signal + ")";
            }
        }
        return null;
    }

    private static int signalNumber(String name) {
        return switch (name) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "QUIT" -> 3;
            case "KILL" -> 9;
            case "USR1" -> 10;
            case "USR2" -> 12;
            default -> 15;
        };
    }

    // ---- supervisor scripts ----

    private String benchmarkScript(Options o, Duration ready, Duration test, Duration grace) {
        WorkloadSpec.Server server = spec.server();
        StringBuilder sb = prelude(o);
        sb.append(arrayAssignment("SERVER", server.command()));
        sb.append("CMD=(\"${SERVER[@]}\")\n");
        if (o.filter() != null && spec.only() == null) {
            sb.append("CMD=(").append(q(Sandbox.LOADER)).append(' ').append(q(Sandbox.FILTER))
                    .append(" \"${SERVER[0]}\" \"${SERVER[@]}\")\n");
        }
        if (o.trace()) {
            sb.append("CMD=(").append(words(tracer.wrap(List.of()))).append(" \"${CMD[@]}\")\n");
        }
        sb.append(missingPaths(o, "CMD"));
        sb.append("TRACED=").append(o.trace() || !missing(o).isEmpty() ? 1 : 0).append('\n');
        sb.append("\"${CMD[@]}\" > \"$O/server.log\" 2>&1 < /dev/null &\nS=$!\nAPP_ROOT=$S\n");
        sb.append("ready() { ").append(readinessProbe(server.ready())).append(" }\n");
        sb.append("""
                # the server's process itself: under strace, the traced child
                server_pid() {
                  local kids
                  if [ "$TRACED" = 1 ]; then
                    kids=$(</proc/$S/task/$S/children) 2>/dev/null
                    [ -n "$kids" ] && { echo ${kids%% *}; return; }
                  fi
                  echo $S
                }
                # waits up to GRACE_MS (effective) for the server to end; returns 1 if it is still alive
                await_server_end() {
                  tick; local t0=$NOW s0=$STALL
                  while alive $S; do
                    tick; since $t0 $s0; (( EFFECTIVE < GRACE_MS )) || return 1
                    nap
                  done
                  return 0
                }
                stop_server() {
                  local target
                  target=$(server_pid)
                  kill -s %SIGNAL% $target 2>/dev/null
                  tick; local stop=$NOW
                  if ! await_server_end; then
                    : > "$O/server_killed"
                  fi
                  # also when the main thread is gone but others still run (exit_group stubbed)
                  kill -s KILL $target $S 2>/dev/null
                  wait $S; echo $? > "$O/server_status"
                  tick; echo $(( NOW - stop )) > "$O/stop_ms"
                }
                GRACE_MS=%GRACE%
                until ready; do
                  if ! alive $S; then
                    kill -s KILL $S 2>/dev/null
                    wait $S; fail "the server exited with status $? before it was ready"; exit 0
                  fi
                  tick; since $T0 $S0
                  if (( EFFECTIVE > %READY% )); then
                    fail "the server was not ready within %READY% ms (the readiness limit)"; : > "$O/time_limit"; GRACE_MS=0; stop_server; exit 0
                  fi
                  nap
                done
                tick; T1=$NOW; S1=$STALL; echo $(( T1 - T0 )) > "$O/ready_ms"
                """.replace("%SIGNAL%", server.stopSignal())
                .replace("%GRACE%", Long.toString(grace.toMillis()))
                .replace("%READY%", Long.toString(ready.toMillis())));
        sb.append(arrayAssignmentTest(spec.test().command()));
        if (o.killAfter() != null) {
            sb.append("( sleep ").append(seconds(o.killAfter())).append("; kill -s KILL $S ) &\n");
        }
        sb.append("run_test ").append(test.toMillis()).append(" KILL ").append(server.mayExit() ? 0 : 1).append('\n');
        sb.append("alive $S && echo 1 > \"$O/server_alive\" || echo 0 > \"$O/server_alive\"\n");
        // a failed test decides the run: no graceful stop needed (the server may not honour it)
        sb.append("[ \"$(<\"$O/test_status\")\" = 0 ] || GRACE_MS=0\n");
        if (server.mayExit()) {
            // a server that ends by itself gets the grace period to do so, so that its exit path runs
            // (and is traced, and judged: a crash at exit fails the run); only then is it stopped
            sb.append("""
                    if [ "$(<"$O/server_alive")" = 0 ] || { [ "$GRACE_MS" != 0 ] && await_server_end; }; then
                      wait $S; echo $? > "$O/server_exit"
                    else
                      stop_server
                    fi
                    """);
        } else {
            sb.append("stop_server\n");
        }
        return sb.toString();
    }

    private String suiteScript(Options o, Duration test) {
        StringBuilder sb = prelude(o);
        sb.append("tick; T1=$NOW; S1=$STALL\n");
        sb.append(arrayAssignmentTest(spec.test().command()));
        if (o.filter() != null && spec.only() == null) {
            sb.append("TEST=(").append(q(Sandbox.LOADER)).append(' ').append(q(Sandbox.FILTER))
                    .append(" \"${TEST[0]}\" \"${TEST[@]}\")\n");
        }
        if (o.trace()) {
            sb.append("TEST=(").append(words(tracer.wrap(List.of()))).append(" \"${TEST[@]}\")\n");
        }
        sb.append(missingPaths(o, "TEST"));
        if (o.killAfter() != null) {
            // the suite cut short: its own time limit becomes the kill time
            test = o.killAfter();
        }
        // TERM first, so that strace, if tracing it, can finish its file
        sb.append("run_test ").append(test.toMillis()).append(" TERM 0\n");
        return sb.toString();
    }

    private static List<String> missing(Options o) {
        return o.paths().stream().filter(p -> p.treatment() == ShimConfiguration.PathTreatment.MISSING)
                .map(ShimConfiguration.PathRule::path).toList();
    }

    /**
     * Files that must look missing: strace in front of the filtered command fails every call that
     * names one of them with ENOENT ({@code -P} selects the calls by path, which a seccomp filter
     * cannot); its own output goes nowhere. For a suite it covers the whole command.
     */
    private String missingPaths(Options o, String array) {
        List<String> paths = missing(o);
        if (paths.isEmpty()) {
            return "";
        }
        List<String> argv = new ArrayList<>(List.of(tracer != null ? tracer.strace().toString() : "strace",
                "-f", "-qq", "--seccomp-bpf", "-o", "/dev/null", "-e", "trace=%file", "-e", "inject=%file:error=ENOENT"));
        for (String p : paths) {
            argv.add("-P");
            argv.add(p);
        }
        argv.add("--");
        return array + "=(" + words(argv) + " \"${" + array + "[@]}\")\n";
    }

    /** Text for inside bash double quotes: variables expand, nothing else does. */
    static String doubleQuoted(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("`", "\\`").replace("$(", "\\$(");
    }

    /**
     * The supervisor's helpers. Time limits count effective time: wall time minus the time the
     * run's processes waited for a CPU (its cgroup's CPU pressure, when the sandbox binds it in),
     * so a busy machine makes a run slower, not a failure by time limit. The loops poll every
     * 5 ms without forking a process.
     */
    private StringBuilder prelude(Options o) {
        StringBuilder sb = new StringBuilder();
        sb.append("#!/bin/bash\n# generated by shimscope: one run of ").append(spec.id()).append('\n');
        sb.append("set -u\nO=").append(q(Sandbox.OUT_DIR)).append('\n');
        // what the application's processes use is sampled, except under strace (whose own would count)
        sb.append("MEASURE=").append(o.trace() || !missing(o).isEmpty() ? 0 : 1).append("; APP_ROOT=; APP_COMM=").append(q(onlyComm())).append('\n');
        sb.append("CG=").append(q(Sandbox.CPU_PRESSURE)).append("; [ -r \"$CG\" ] || CG=\n");
        // the spec's variables, expanded as in double quotes ($SCRATCH, ${SPEC_DIR}; commands are
        // refused when the spec is read), in order: a later one may use an earlier one
        spec.env().forEach((k, v) -> sb.append("export ").append(k).append("=\"").append(doubleQuoted(v)).append("\"\n"));
        if (spec.tests() != null) {
            // no selection: all of them, which for a spec that names its ids are those ids (its
            // command would otherwise run every test it knows)
            List<String> selected = o.tests() != null ? o.tests() : spec.tests().ids();
            sb.append("export ").append(WorkloadSpec.TESTS_VARIABLE).append('=')
                    .append(q(selected == null ? "" : String.join(" ", selected))).append('\n');
        }
        sb.append("""
                NOW=0; STALL=0; EFFECTIVE=0
                # NOW: wall clock (ms); STALL: ms during which none of the run's runnable processes got a
                # CPU so far (the "full" line of the group's CPU pressure: the run made no progress then)
                tick() {
                  local t=${EPOCHREALTIME/./} l
                  NOW=$(( 10#$t / 1000 ))
                  # only a number enters arithmetic: bash evaluates a word there as a variable name,
                  # and a read that returned something else ("RssFile" was seen, source unknown)
                  # ended the supervisor under set -u
                  if [ -n "$CG" ] && { read -r _ && read -r l; } < "$CG"; then
                    l=${l##*total=}; [[ $l =~ ^[0-9]+$ ]] && STALL=$(( l / 1000 ))
                  fi
                }
                # EFFECTIVE: ms since the mark ($1 = NOW, $2 = STALL then), not counting CPU starvation
                since() { EFFECTIVE=$(( NOW - $1 - (STALL - $2) )); }
                alive() { local st; read -r st < /proc/$1/stat 2>/dev/null || return 1; st=${st##*) }; [ "${st%% *}" != Z ]; }
                fail() { [ -e "$O/fail" ] || printf '%s\\n' "$1" > "$O/fail"; }
                mkfifo /tmp/.nap && exec {NAPFD}<>/tmp/.nap
                nap() { read -r -t 0.005 -u $NAPFD _ || true; }
                # run_test LIMIT_MS SIGNAL WATCH_SERVER: the test in a session of its own (so that a
                # time limit ends all of it), its effective time limited; a server that dies
                # during the test fails the run at once (many clients would wait or spin)
                # measure: the application's processes (APP_ROOT and its descendants; only those running
                # APP_COMM when set): the highest sum of their peak RSS (VmHWM, KiB) and of their open
                # descriptors so far, in APP_KB and APP_FDS; builtins only, no process forked. Sampled
                # densely at first and then every 100 ms (5, 10, 20, 40, 80, 100 ms apart), in the
                # test's effective time: a short test's peak is seen whether the run was fast or slow
                # (every 100 ms of wall time from the start, redis's 30 client connections counted
                # in slow runs only)
                APP_KB=-1; APP_FDS=-1; NEXT_SAMPLE=0; SAMPLE_GAP=5
                measure() {
                  local queue=("$APP_ROOT") i=0 p t kids c k v kb=0 n=0 fds
                  while (( i < ${#queue[@]} )); do
                    p=${queue[i]}; i=$(( i + 1 ))
                    for t in /proc/$p/task/*/children; do
                      kids=; read -r kids 2>/dev/null < "$t"; [ -n "$kids" ] && queue+=($kids)
                    done
                    if [ -n "$APP_COMM" ]; then
                      c=; read -r c 2>/dev/null < /proc/$p/comm; [ "$c" = "$APP_COMM" ] || continue
                    fi
                    shopt -s nullglob; fds=(/proc/$p/fd/*); shopt -u nullglob
                    n=$(( n + ${#fds[@]} ))
                    # a value is added only when it is a number: the file of a process that is
                    # exiting can be read half-way (seen: "RssFile" as VmHWM's value, an unbound
                    # variable in bash arithmetic, which ended the supervisor)
                    while read -r k v _; do
                      [ "$k" = VmHWM: ] && { [[ $v =~ ^[0-9]+$ ]] && kb=$(( kb + v )); break; }
                    done 2>/dev/null < /proc/$p/status
                  done
                  (( n > APP_FDS )) && APP_FDS=$n
                  (( kb > APP_KB )) && APP_KB=$kb
                  return 0
                }
                run_test() {
                  setsid "${TEST[@]}" > "$O/test.log" 2>&1 < /dev/null &
                  TP=$!
                  [ -n "$APP_ROOT" ] || APP_ROOT=$TP
                  local limited=0 k
                  while alive $TP; do
                    if [ "$3" = 1 ] && ! alive $S; then
                      kill -s KILL -- -$TP $TP 2>/dev/null; fail "the server exited during the test"; break
                    fi
                    tick; since $T1 $S1
                    if (( MEASURE && EFFECTIVE >= NEXT_SAMPLE )); then
                      NEXT_SAMPLE=$(( EFFECTIVE + SAMPLE_GAP )); SAMPLE_GAP=$(( SAMPLE_GAP < 50 ? 2 * SAMPLE_GAP : 100 )); measure
                    fi
                    if (( EFFECTIVE > $1 )); then
                      limited=1
                      kill -s $2 -- -$TP $TP 2>/dev/null
                      tick; k=$(( NOW + 1000 ))
                      while alive $TP && (( NOW < k )); do nap; tick; done
                      kill -s KILL -- -$TP $TP 2>/dev/null
                      break
                    fi
                    nap
                  done
                  wait $TP; local st=$?
                  if (( MEASURE )); then
                    measure   # at the end of the test: a benchmark's server still holds what it holds
                    echo $APP_KB > "$O/app_kb"; echo $APP_FDS > "$O/app_fds"
                  fi
                  if [ $limited = 1 ]; then
                    st=124; : > "$O/time_limit"
                    fail "the test did not end within $1 ms (the test limit)"
                  fi
                  echo $st > "$O/test_status"
                  tick; echo $(( NOW - T1 )) > "$O/test_ms"
                }
                tick; T0=$NOW; S0=$STALL
                """);
        return sb;
    }

    /** The command name (comm, 15 characters) of the {@code only} binary's processes; empty without one. */
    private String onlyComm() {
        if (spec.only() == null) {
            return "";
        }
        Path real;
        try {
            real = spec.only().toRealPath();
        } catch (IOException e) {
            real = spec.only();
        }
        String name = real.getFileName().toString();
        return name.length() > 15 ? name.substring(0, 15) : name;
    }

    private static String arrayAssignment(String name, Command c) {
        if (c.isShell()) {
            // split into words with the shell's expansion, without running a shell in front of the program
            return "eval " + q(name + "=( " + c.shell() + " )") + "\n";
        }
        return name + "=(" + words(c.argv()) + ")\n";
    }

    private static String arrayAssignmentTest(Command c) {
        if (c.isShell()) {
            return "TEST=(/bin/sh -c " + q(c.shell()) + ")\n";
        }
        return "TEST=(" + words(c.argv()) + ")\n";
    }

    private static String readinessProbe(Readiness r) {
        return switch (r) {
            case Readiness.Port p -> "(exec 3<>/dev/tcp/127.0.0.1/" + p.port() + ") 2>/dev/null;";
            case Readiness.Listening l -> {
                String hex = String.format(Locale.ROOT, "%04X", l.port());
                yield "local f sl addr rem st; for f in /proc/net/tcp /proc/net/tcp6; do"
                        + " while read -r sl addr rem st _; do"
                        + " [ \"$st\" = 0A ] && [ \"${addr##*:}\" = " + hex + " ] && return 0;"
                        + " done < $f; done; return 1;";
            }
            case Readiness.LogLine g -> "grep -qP -- " + q(g.pattern().pattern()) + " "
                    + (g.file() != null ? q(g.file()) : "\"$O/server.log\"") + " 2>/dev/null;";
        };
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toMillis() / 1000.0);
    }

    static String words(List<String> argv) {
        List<String> quoted = new ArrayList<>();
        for (String a : argv) {
            quoted.add(q(a));
        }
        return String.join(" ", quoted);
    }

    /** Single-quotes a word for bash. */
    static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    // ---- reading results ----

    private static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }

    private static String lastLine(String s) {
        return s.strip().lines().reduce((a, b) -> b).orElse("");
    }

    private static String lastLineSuffix(String s) {
        String l = lastLine(s);
        return l.isEmpty() ? "" : ": " + (l.length() > 200 ? l.substring(0, 200) : l);
    }

    private static String lineAround(String s, int index) {
        int start = s.lastIndexOf('\n', index) + 1;
        int end = s.indexOf('\n', index);
        String l = s.substring(start, end < 0 ? s.length() : end).strip();
        return l.length() > 200 ? l.substring(0, 200) : l;
    }
}
