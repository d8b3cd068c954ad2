package dev.shimscope.trace;

import dev.shimscope.sandbox.Run;
import dev.shimscope.sandbox.RunSpec;
import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.sandbox.SeccompAction;
import dev.shimscope.sandbox.SeccompFilter;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.testing.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real programs traced in the sandbox: threads, blocked servers, a client/server pair, one filtered binary. */
class TracerTest {

    private static final SyscallTable TABLE = SyscallTable.x86_64();
    private static Sandbox sandbox;
    private static Tracer tracer;
    private static Path cwd;

    @BeforeAll
    static void setUp() {
        sandbox = Sandbox.create();
        tracer = new Tracer(TABLE);
        cwd = Path.of("").toAbsolutePath();
    }

    private static TraceResult.SyscallUse use(TraceResult t, String name) {
        return t.use(TABLE.require(name).number()).orElseThrow(() -> new AssertionError(name + " not traced: " + t.usedNumbers()));
    }

    @Test
    void pythonThreadsUseClone3AndRseq() throws Exception {
        TracedRun r = tracer.traceCommand(sandbox, List.of("/usr/bin/python3", "-c",
                "import threading; t=threading.Thread(target=lambda: None); t.start(); t.join()"), cwd, Duration.ofSeconds(60));
        assertThat(r.run().succeeded()).as(r.run().stderrTail()).isTrue();
        TraceResult t = r.trace();
        assertThat(use(t, "clone3").executables()).containsExactly("/usr/bin/python3");
        assertThat(use(t, "clone3").args().get("flags")).hasKeySatisfying(
                new org.assertj.core.api.Condition<>(f -> f.contains("CLONE_THREAD"), "a thread"));
        assertThat(use(t, "rseq").calls()).isGreaterThanOrEqualTo(2); // the main thread and the new one
        assertThat(t.launchExecutable()).isEqualTo("/usr/bin/python3");
        assertThat(t.processes()).isGreaterThanOrEqualTo(2);
        assertThat(t.unparsed()).isEmpty();
    }

    @Test
    void aCommandKilledWhileBlockedStillListsTheBlockingCall() throws Exception {
        TracedRun r = tracer.traceCommand(sandbox, List.of("sh", "-c", "sleep 100"), cwd, Duration.ofMillis(1500));
        assertThat(r.run().timedOut()).isTrue();
        TraceResult.SyscallUse sleep = use(r.trace(), "clock_nanosleep");
        assertThat(sleep.executables()).containsExactly("/usr/bin/sleep");
        assertThat(sleep.unfinished()).isEqualTo(1);
        assertThat(use(r.trace(), "wait4").executables()).containsExactly("/usr/bin/sh");
        assertThat(r.trace().unparsed()).isEmpty();

        Path probe = Fixtures.gcc("probe");
        TracedRun paused = tracer.traceCommand(sandbox, List.of(probe.toString(), "pause", "x"), cwd, Duration.ofMillis(1500));
        assertThat(paused.run().timedOut()).isTrue();
        assertThat(use(paused.trace(), "pause").executables()).containsExactly(probe.toString());
    }

    @Test
    void redisServerDrivenByRedisBenchmark() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-server")) && Files.isExecutable(Path.of("/usr/bin/redis-benchmark")),
                "redis-server and redis-tools are not installed");
        // the run has its own loopback: server and client in one traced shell
        String script = "redis-server --port 6390 --save '' --appendonly no --daemonize no > \"$SCRATCH/redis.log\" &"
                + " for i in $(seq 200); do redis-cli -p 6390 ping >/dev/null 2>&1 && break; sleep 0.05; done;"
                + " redis-benchmark -p 6390 -n 500 -c 4 -q -t set,get && redis-cli -p 6390 shutdown nosave; wait";
        TracedRun r = tracer.traceCommand(sandbox, List.of("sh", "-c", script), cwd, Duration.ofSeconds(60));
        assertThat(r.run().succeeded()).as(r.run().describeEnd() + " " + r.run().stderrTail()).isTrue();
        assertThat(r.run().stdoutTail()).contains("SET: ", "GET: ");
        TraceResult t = r.trace();
        // execve shows the name it was called by: redis-server, a symlink to redis-check-rdb
        assertThat(Path.of("/usr/bin/redis-server").toRealPath().getFileName().toString()).isEqualTo("redis-check-rdb");
        assertThat(t.executables()).contains("/usr/bin/redis-server", "/usr/bin/redis-benchmark", "/usr/bin/sh")
                .doesNotContain("/usr/bin/redis-check-rdb");
        TraceResult server = t.restrictTo("/usr/bin/redis-server"::equals);
        List<String> names = server.syscalls().stream().map(TraceResult.SyscallUse::name).toList();
        assertThat(names).contains("epoll_wait", "accept4", "bind", "listen", "read", "write", "clone3");
        assertThat(use(server, "socket").args().get("domain")).containsKey("AF_INET");
        assertThat(use(t, "connect").executables()).contains("/usr/bin/redis-benchmark", "/usr/bin/redis-cli");
    }

    /** A traced run of {@code sh -c SCRIPT} with uname stubbed for the probe alone (its own filter). */
    private static Run withUnameStubbedForTheProbe(Path probe, String script) throws Exception {
        SeccompFilter stubUname = SeccompFilter.forEach(List.of(TABLE.require("uname").number()), SeccompAction.STUB);
        RunSpec spec = RunSpec.of(tracer.wrap(List.of("sh", "-c", script)))
                .readOnly(Fixtures.DIR).timeout(Duration.ofSeconds(30))
                .filter(stubUname, RunSpec.FilterScope.ONLY_BINARY, probe).build();
        return sandbox.run(spec);
    }

    @Test
    void aBinaryFilteredOnItsOwnIsTracedUnderItsOwnName() throws Exception {
        Path probe = Fixtures.gcc("probe");
        try (Run run = withUnameStubbedForTheProbe(probe, probe + " uname; uname -n")) {
            // the probe's uname is stubbed, /usr/bin/uname's is not
            assertThat(run.result().stdoutTail()).as(run.result().stderrTail()).isEqualTo("-1 38 untouched\nshimscope\n");
            TraceResult t = tracer.read(run.out().resolve("strace.log"));
            assertThat(t.executables()).containsExactlyInAnyOrder("/usr/bin/sh", probe.toString(), "/usr/bin/uname");
            TraceResult.SyscallUse uname = use(t, "uname");
            assertThat(uname.executables()).contains(probe.toString(), "/usr/bin/uname");
            assertThat(uname.failures()).isEqualTo(1);
            assertThat(uname.errors()).containsOnlyKeys("ENOSYS");
            assertThat(t.usedNumbers()).doesNotContain(TABLE.require("seccomp").number()); // the wrapper's own calls
        }
    }

    @Test
    void whatABinaryFilteredOnItsOwnRunsIsTracedAsItsOwn() throws Exception {
        // the probe runs a shell: the filter on the probe holds in the shell too (seccomp filters
        // survive fork and exec), so the shell's calls belong to what the probe needs
        Path probe = Fixtures.gcc("probe");
        try (Run run = withUnameStubbedForTheProbe(probe, probe + " spawn /bin/sh -c 'uname -n; exit 3'; echo status $?")) {
            // uname under the probe is stubbed: uname -n fails there, and the shell goes on
            assertThat(run.result().stdoutTail()).as(run.result().stderrTail()).isEqualTo("status 3\n");
            TraceResult all = tracer.read(run.out().resolve("strace.log"));
            TraceResult probeOnly = all.restrictTo(probe.toString()::equals);
            assertThat(probeOnly.executables()).containsExactlyInAnyOrder(probe.toString(), "/bin/sh", "/usr/bin/uname");
            TraceResult.SyscallUse uname = use(probeOnly, "uname");
            assertThat(uname.executables()).containsExactly("/usr/bin/uname");
            assertThat(uname.errors()).containsOnlyKeys("ENOSYS");
            assertThat(use(probeOnly, "wait4").executables()).contains(probe.toString());
            // the outer shell that started the probe is not under its filter
            assertThat(probeOnly.executables()).doesNotContain("/usr/bin/sh");
            assertThat(probeOnly.usedNumbers()).doesNotContain(TABLE.require("seccomp").number());
        }
    }
}
