package dev.shimscope.sandbox;

import dev.shimscope.testing.Fixtures;
import dev.shimscope.testing.Procs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How runs end and what they report: exit status, signal, wall time, peak memory, output tails,
 * the timed-out flag; writable copies that are fresh for every run; and that a timeout or a
 * normal end leaves nothing the run started alive, daemons included.
 */
class SandboxRunTest {

    private static Sandbox sandbox;
    private static Path probe;
    private static Path work;

    @BeforeAll
    static void setUp() throws IOException {
        sandbox = Sandbox.create();
        probe = Fixtures.gcc("probe");
        work = Files.createDirectories(Path.of("target/run-test", UUID.randomUUID().toString()).toAbsolutePath());
    }

    @AfterAll
    static void tearDown() {
        Sandbox.deleteTree(work);
    }

    private static RunSpec.Builder probeSpec(String... args) {
        List<String> cmd = new ArrayList<>(List.of(probe.toString()));
        cmd.addAll(List.of(args));
        return RunSpec.of(cmd).readOnly(Fixtures.DIR).timeout(Duration.ofSeconds(30));
    }

    private static RunResult run(RunSpec spec) throws InterruptedException {
        try (Run run = sandbox.run(spec)) {
            return run.result();
        }
    }

    @Test
    void exitStatus() throws Exception {
        RunResult r = run(probeSpec("exit", "7").build());
        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.signal()).isZero();
        assertThat(r.timedOut()).isFalse();
        assertThat(r.succeeded()).isFalse();
        assertThat(r.describeEnd()).isEqualTo("exit status 7");
        RunResult ok = run(probeSpec("exit", "0").build());
        assertThat(ok.succeeded()).isTrue();
    }

    @Test
    void signalThatEndedTheCommand() throws Exception {
        RunResult segv = run(probeSpec("segv").build());
        assertThat(segv.signal()).isEqualTo(11);
        assertThat(segv.exitCode()).isZero();
        assertThat(segv.succeeded()).isFalse();
        assertThat(segv.describeEnd()).isEqualTo("killed by signal 11");
        RunResult abort = run(probeSpec("abort").build());
        assertThat(abort.signal()).isEqualTo(6);
    }

    @Test
    void wallTimeCoversTheRun() throws Exception {
        RunResult r = run(RunSpec.of("sleep", "0.3").timeout(Duration.ofSeconds(30)).build());
        assertThat(r.succeeded()).isTrue();
        assertThat(r.wallTime()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void peakMemoryOfTheCommand() throws Exception {
        RunResult big = run(probeSpec("alloc", "64").build());
        assertThat(big.succeeded()).as(big.stderrTail()).isTrue();
        assertThat(big.peakRssKb()).isGreaterThan(60_000);
        RunResult small = run(probeSpec("alloc", "1").build());
        assertThat(small.peakRssKb()).isPositive().isLessThan(60_000);
    }

    @Test
    void outputTailsKeepTheEndOfEachStream() throws Exception {
        RunResult r = run(probeSpec("spew", "5000").build()); // ~50 kB each
        for (String tail : List.of(r.stdoutTail(), r.stderrTail())) {
            assertThat(tail).endsWith("line 4999\nline 5000\n").doesNotContain("line 1\n");
            assertThat(tail.length()).isBetween(4000, 8192);
            assertThat(tail).startsWith("line "); // cut at a line boundary
        }
        RunResult small = run(probeSpec("spew", "2").build());
        assertThat(small.stdoutTail()).isEqualTo("line 1\nline 2\n");
        assertThat(small.stderrTail()).isEqualTo("line 1\nline 2\n");
    }

    @Test
    void writableCopiesAreFreshForEveryRunAndLeaveTheHostAlone() throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        Files.writeString(data.resolve("state.txt"), "original\n");
        RunSpec spec = RunSpec.of("/bin/sh", "-c", "cat " + data + "/state.txt; ls " + data
                + "; echo changed > " + data + "/state.txt && touch " + data + "/new.txt && echo wrote")
                .writable(data).timeout(Duration.ofSeconds(30)).build();
        RunResult first = run(spec);
        assertThat(first.stdoutTail()).as(first.stderrTail()).isEqualTo("original\nstate.txt\nwrote\n");
        RunResult second = run(spec);
        assertThat(second.stdoutTail()).isEqualTo("original\nstate.txt\nwrote\n"); // the first run's changes are gone
        assertThat(Files.readString(data.resolve("state.txt"))).isEqualTo("original\n");
        assertThat(data.resolve("new.txt")).doesNotExist();
    }

    @Test
    void scratchAndOutDirectoriesAreVisibleToTheCallerUntilClosed() throws Exception {
        Run run = sandbox.run(RunSpec.of("/bin/sh", "-c", "echo a > \"$SCRATCH/a\"; echo b > \"$SHIMSCOPE_OUT/b\"; pwd")
                .timeout(Duration.ofSeconds(30)).build());
        try (run) {
            assertThat(run.result().stdoutTail()).isEqualTo(run.scratch() + "\n");
            assertThat(run.scratch().resolve("a")).hasContent("a");
            assertThat(run.out().resolve("b")).hasContent("b");
        }
        assertThat(run.dir()).doesNotExist();
    }

    @Test
    void badPathsAreOneClearError() {
        Path missing = work.resolve("no-such-dir");
        assertThatThrownBy(() -> sandbox.run(RunSpec.of("true").readOnly(missing).build()))
                .isInstanceOf(SandboxException.class).hasMessage("read-only path does not exist: " + missing);
        assertThatThrownBy(() -> sandbox.run(RunSpec.of("true").writable(missing).build()))
                .isInstanceOf(SandboxException.class).hasMessage("writable path does not exist: " + missing);
    }

    @Test
    void aTimeoutEndsTheRunAndEverythingItStarted() throws Exception {
        String token = Procs.token();
        RunSpec spec = probeSpec("daemon", "wait", token).timeout(Duration.ofSeconds(3)).build();
        try (ExecutorService thread = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<RunResult> running = thread.submit(() -> run(spec));
            // the blocked parent and the setsid daemon (its grandchild) both carry the token
            assertThat(Procs.awaitToken(token, 3000)).isTrue();
            RunResult r = running.get(30, TimeUnit.SECONDS);
            assertThat(r.timedOut()).isTrue();
            assertThat(r.succeeded()).isFalse();
            assertThat(r.signal()).isEqualTo(9);
            assertThat(r.stdoutTail()).isEqualTo("daemonized\n");
            assertThat(r.describeEnd()).startsWith("timed out after ");
            assertThat(Procs.withToken(token)).as("processes left when the run returned").isEmpty();
        }
        // the namespace's end is asynchronous to bwrap's: repeat, so that a race would show. What
        // is checked here is that nothing is left; on a busy machine the short limit may strike
        // before the probe has printed anything, so its output is not (the run above checks it)
        for (int i = 0; i < 5; i++) {
            String again = Procs.token();
            RunResult r = run(probeSpec("daemon", "wait", again).timeout(Duration.ofMillis(500)).build());
            assertThat(r.timedOut()).isTrue();
            assertThat(r.stdoutTail()).isIn("", "daemonized\n");
            assertThat(Procs.withToken(again)).as("processes left when run %d returned", i).isEmpty();
        }
    }

    @Test
    void aDaemonDoesNotOutliveTheCommandThatStartedIt() throws Exception {
        for (int i = 0; i < 8; i++) {
            String token = Procs.token();
            RunResult r = run(probeSpec("daemon", "exit", token).build());
            assertThat(r.succeeded()).as(r.describeEnd()).isTrue();
            assertThat(r.stdoutTail()).isEqualTo("daemonized\n");
            assertThat(Procs.withToken(token)).as("processes left when run %d returned", i).isEmpty();
        }
    }

    @Test
    void aCallerInterruptedBeforeTheStartLeavesNothingRunning() throws Exception {
        String token = Procs.token();
        RunSpec spec = probeSpec("daemon", "wait", token).timeout(Duration.ofSeconds(60)).build();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> run(spec)).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
        // had the run been left going, its daemon would show up here within a moment
        assertThat(Procs.awaitToken(token, 1000)).as("a process of the interrupted run").isFalse();
    }

    @Test
    void interruptsAtAnyMomentOfTheStartLeaveNothingRunning() throws Exception {
        // while the spawner starts bwrap, while bwrap sets up the namespace, while the command runs
        for (int delay = 0; delay < 20; delay++) {
            String token = Procs.token();
            RunSpec spec = probeSpec("daemon", "wait", token).timeout(Duration.ofSeconds(60)).build();
            Thread caller = Thread.ofPlatform().start(() -> {
                try {
                    run(spec);
                } catch (InterruptedException e) {
                    // expected
                }
            });
            Thread.sleep(delay);
            caller.interrupt();
            caller.join(20_000);
            assertThat(caller.isAlive()).isFalse();
            // bwrap's own command line carries the token too
            assertThat(Procs.withToken(token)).as("processes left after an interrupt at %d ms", delay).isEmpty();
        }
    }

    @Test
    void interruptingTheCallerKillsTheRun() throws Exception {
        String token = Procs.token();
        RunSpec spec = probeSpec("daemon", "wait", token).timeout(Duration.ofSeconds(60)).build();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                run(spec);
            } catch (InterruptedException e) {
                // expected
            }
        });
        assertThat(Procs.awaitToken(token, 3000)).isTrue();
        caller.interrupt();
        caller.join(10_000);
        assertThat(caller.isAlive()).isFalse();
        assertThat(Procs.withToken(token)).as("processes left when the run returned").isEmpty();
    }
}
