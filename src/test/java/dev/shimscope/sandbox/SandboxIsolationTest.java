package dev.shimscope.sandbox;

import dev.shimscope.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sandbox's promise that a run cannot change the host, each proven by a real run as root
 * (where bwrap keeps real capabilities unless told otherwise): hostname, sysctls, files outside
 * the scratch directory, processes outside the run, mounts, capabilities, the network. Every
 * attempt is chosen so that it is harmless even if the protection failed (a sysctl is written
 * with its current value, a signal goes to a sleep this test started).
 */
class SandboxIsolationTest {

    private static Sandbox sandbox;
    private static Path probe;
    private static Path work;

    @BeforeAll
    static void setUp() throws IOException {
        sandbox = Sandbox.create();
        assumeTrue(sandbox.runsAsRoot(), "the isolation promises of root runs need root");
        probe = Fixtures.gcc("probe");
        // not under /tmp: the host must see what a run could have done to it
        work = Files.createDirectories(Path.of("target/isolation-test").toAbsolutePath()).resolve(UUID.randomUUID().toString());
        Files.createDirectories(work);
    }

    @AfterAll
    static void tearDown() {
        if (work != null) {
            Sandbox.deleteTree(work);
        }
    }

    private static RunResult sh(String script, Path... readOnly) throws InterruptedException {
        RunSpec.Builder spec = RunSpec.of("/bin/sh", "-c", script).readOnly(Fixtures.DIR).timeout(Duration.ofSeconds(30));
        for (Path p : readOnly) {
            spec.readOnly(p);
        }
        try (Run run = sandbox.run(spec.build())) {
            return run.result();
        }
    }

    private static RunResult probe(String... args) throws InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(probe.toString()));
        cmd.addAll(List.of(args));
        try (Run run = sandbox.run(RunSpec.of(cmd).readOnly(Fixtures.DIR).timeout(Duration.ofSeconds(30)).build())) {
            return run.result();
        }
    }

    private static String hostHostname() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    }

    @Test
    void sethostnameCannotRenameTheHost() throws Exception {
        String before = hostHostname();
        String evil = "shimscope-evil-" + UUID.randomUUID().toString().substring(0, 8);
        RunResult call = probe("sethostname", evil);
        assertThat(call.stdoutTail()).as(call.stderrTail()).isEqualTo("-1 1\n"); // EPERM
        RunResult cmd = sh("hostname " + evil + "; echo status=$?; uname -n");
        assertThat(cmd.stdoutTail()).contains("status=1").endsWith("shimscope\n");
        assertThat(hostHostname()).isEqualTo(before).isNotEqualTo(evil);
    }

    @Test
    void sysctlsCannotBeWritten() throws Exception {
        Path printk = Path.of("/proc/sys/kernel/printk");
        String before = Files.readString(printk);
        // writes back the current value: harmless even if it went through
        RunResult r = sh("v=$(cat /proc/sys/kernel/printk); echo \"$v\" > /proc/sys/kernel/printk && echo written || echo refused");
        assertThat(r.stdoutTail()).isEqualTo("refused\n");
        assertThat(r.stderrTail()).contains("Read-only file system");
        assertThat(Files.readString(printk)).isEqualTo(before);
        // namespaced sysctls still read the run's own values
        RunResult own = sh("cat /proc/sys/kernel/hostname");
        assertThat(own.stdoutTail()).isEqualTo("shimscope\n");
    }

    @Test
    void filesOutsideTheScratchDirectoryCannotBeCreatedOrChanged() throws Exception {
        Path existing = work.resolve("existing.txt");
        Files.writeString(existing, "original\n");
        String token = UUID.randomUUID().toString();
        List<String> attempts = List.of(
                "touch /usr/shimscope-" + token,
                "touch /etc/shimscope-" + token,
                "touch " + work + "/new-" + token,
                "echo changed >> " + existing,
                "chmod 600 " + existing,
                "rm -f " + existing,
                "mv " + existing + " " + existing + ".moved",
                "ln -s /etc/passwd " + work + "/link-" + token);
        // the file must be visible in the sandbox, or "rm -f" succeeds on nothing: a checkout
        // under /tmp (hidden by the sandbox's private /tmp) is bound in read-only, as runs do
        StringBuilder script = new StringBuilder("test -f " + existing + " && echo visible || echo hidden\n");
        for (String a : attempts) {
            script.append(a).append(" 2>/dev/null && echo 'ALLOWED: ").append(a).append("' || echo refused\n");
        }
        script.append("touch \"$SCRATCH/ok\" && echo scratch-ok\n");
        RunResult r = Commands.hiddenInSandbox(work) ? sh(script.toString(), work) : sh(script.toString());
        List<String> expected = new ArrayList<>(List.of("visible"));
        attempts.forEach(a -> expected.add("refused"));
        expected.add("scratch-ok");
        assertThat(r.stdoutTail().lines().toList()).containsExactlyElementsOf(expected);
        assertThat(Files.readString(existing)).isEqualTo("original\n");
        assertThat(Files.getPosixFilePermissions(existing)).hasSize(4); // rw-r--r--
        try (var files = Files.list(work)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("existing.txt");
        }
        assertThat(Path.of("/usr/shimscope-" + token)).doesNotExist();
        assertThat(Path.of("/etc/shimscope-" + token)).doesNotExist();
    }

    @Test
    void tmpAndVarTmpArePrivateToTheRun() throws Exception {
        String name = "shimscope-private-" + UUID.randomUUID();
        RunResult r = sh("touch /tmp/" + name + " /var/tmp/" + name + " /run/" + name + " && ls /tmp/" + name + " /var/tmp/" + name);
        assertThat(r.succeeded()).as(r.stderrTail()).isTrue();
        assertThat(Path.of("/tmp", name)).doesNotExist();
        assertThat(Path.of("/var/tmp", name)).doesNotExist();
        assertThat(Path.of("/run", name)).doesNotExist();
        // and a run does not see another run's private files
        RunResult next = sh("ls /tmp/" + name + " 2>/dev/null || echo absent");
        assertThat(next.stdoutTail()).isEqualTo("absent\n");
    }

    @Test
    void processesOutsideTheRunCannotBeSignalled() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "1000").start();
        try {
            long pid = sleeper.pid();
            RunResult call = probe("kill", String.valueOf(pid));
            assertThat(call.stdoutTail()).as(call.stderrTail()).isEqualTo("-1 3\n"); // ESRCH: not in the namespace
            RunResult cmd = sh("kill -9 " + pid + "; echo status=$?");
            assertThat(cmd.stdoutTail()).isEqualTo("status=1\n");
            assertThat(sleeper.isAlive()).isTrue();
            assertThat(sleeper.waitFor(100, TimeUnit.MILLISECONDS)).isFalse();
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void mountAndRemountFail() throws Exception {
        RunResult call = probe("remount");
        assertThat(call.stdoutTail()).as(call.stderrTail()).isEqualTo("-1 1\n");
        RunResult cmd = sh("mount -o remount,rw / 2>/dev/null; echo remount=$?;"
                + " mount -t tmpfs none \"$SCRATCH\" 2>/dev/null; echo tmpfs=$?;"
                + " touch /usr/shimscope-after-remount-$$ 2>/dev/null; echo touch=$?");
        assertThat(cmd.stdoutTail().lines().toList()).containsExactly("remount=32", "tmpfs=32", "touch=1");
    }

    /** Capability numbers from linux/capability.h. */
    private static final Map<String, Integer> CAP_NUMBERS = Map.ofEntries(
            Map.entry("CAP_CHOWN", 0), Map.entry("CAP_DAC_OVERRIDE", 1), Map.entry("CAP_FOWNER", 3),
            Map.entry("CAP_FSETID", 4), Map.entry("CAP_KILL", 5), Map.entry("CAP_SETGID", 6),
            Map.entry("CAP_SETUID", 7), Map.entry("CAP_SETPCAP", 8), Map.entry("CAP_NET_BIND_SERVICE", 10),
            Map.entry("CAP_NET_RAW", 13), Map.entry("CAP_SYS_CHROOT", 18));
    private static final int CAP_SYS_ADMIN = 21;

    private static long capabilities(String status, String set) {
        String line = status.lines().filter(l -> l.startsWith(set + ":")).findFirst().orElseThrow();
        return Long.parseUnsignedLong(line.substring(set.length() + 1).strip(), 16);
    }

    @Test
    void theRunHasOnlyTheKeptCapabilitiesAndNoWayBackToCapSysAdmin() throws Exception {
        long kept = 0;
        for (String cap : Sandbox.KEPT_CAPABILITIES) {
            kept |= 1L << CAP_NUMBERS.get(cap);
        }
        RunResult r = sh("cat /proc/self/status");
        String status = r.stdoutTail();
        for (String set : List.of("CapEff", "CapPrm", "CapInh", "CapAmb", "CapBnd")) {
            long caps = capabilities(status, set);
            assertThat(caps & (1L << CAP_SYS_ADMIN)).as(set + " has CAP_SYS_ADMIN").isZero();
            assertThat(caps & ~kept).as(set + " beyond the kept set").isZero();
        }
        assertThat(capabilities(status, "CapEff")).isEqualTo(kept);
        assertThat(status).contains("NoNewPrivs:\t1");
    }

    @Test
    void aFileCapabilityBinaryGainsNothingInside() throws Exception {
        Path setcap = Path.of("/usr/sbin/setcap");
        assumeTrue(Files.isExecutable(setcap), "setcap (libcap2-bin) is not installed");
        Path dir = Files.createDirectories(work.resolve("filecaps"));
        Path cat = dir.resolve("cat-with-caps");
        Files.copy(Path.of("/usr/bin/cat"), cat);
        Process p = new ProcessBuilder(setcap.toString(), "cap_sys_admin,cap_sys_time+ep", cat.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assumeTrue(p.exitValue() == 0, "this file system does not take file capabilities");
        RunResult r = sh(cat + " /proc/self/status", dir);
        assertThat(r.succeeded()).as(r.stderrTail()).isTrue();
        long eff = capabilities(r.stdoutTail(), "CapEff");
        assertThat(eff & (1L << CAP_SYS_ADMIN)).isZero();
        assertThat(eff & (1L << 25)).as("CAP_SYS_TIME").isZero();
    }

    @Test
    void everyRunHasItsOwnLoopback() throws Exception {
        RunResult r = sh("cat /proc/net/dev; python3 -c \"import socket; s=socket.socket(); s.bind(('127.0.0.1', 0));"
                + " s.listen(); c=socket.create_connection(s.getsockname()); print('connected')\"");
        List<String> interfaces = r.stdoutTail().lines().filter(l -> l.contains(":")).map(l -> l.strip().split(":")[0]).toList();
        assertThat(interfaces).containsExactly("lo");
        assertThat(r.stdoutTail()).endsWith("connected\n");
    }

    @Test
    void twoRunsListenOnTheSamePortAtTheSameTime() throws Exception {
        Path dir = Files.createDirectories(work.resolve("port"));
        Path report = dir.resolve("report.fifo");
        Path release = dir.resolve("release");
        Process mkfifo = new ProcessBuilder("mkfifo", report.toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();
        // read-write so that the fifo never reports end-of-file between the two writers
        // one thread per run: the common pool has a single worker on two cores and would run them in turn
        try (RandomAccessFile fifo = new RandomAccessFile(report.toFile(), "rw");
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            RunSpec spec = RunSpec.of(probe.toString(), "listen", "8765", release.toString(), report.toString())
                    .readOnly(Fixtures.DIR).readOnly(dir).timeout(Duration.ofSeconds(30)).build();
            List<CompletableFuture<RunResult>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                runs.add(CompletableFuture.supplyAsync(() -> {
                    try (Run run = sandbox.run(spec)) {
                        return run.result();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, threads));
            }
            // both have bound the port before either is released: they hold it at the same time
            List<String> reports = List.of(fifo.readLine(), fifo.readLine());
            Files.writeString(release, "go");
            assertThat(reports).containsExactly("bound", "bound");
            for (CompletableFuture<RunResult> f : runs) {
                RunResult r = f.get(30, TimeUnit.SECONDS);
                assertThat(r.succeeded()).as(r.describeEnd() + " " + r.stderrTail()).isTrue();
            }
        } finally {
            Files.writeString(release, "go");
        }
    }

    @Test
    void theHostsLoopbackIsNotReachable() throws Exception {
        try (java.net.ServerSocket host = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = host.getLocalPort();
            RunResult r = sh("python3 -c \"import socket\ntry:\n socket.create_connection(('127.0.0.1', " + port
                    + "), timeout=5); print('reached')\nexcept OSError as e: print('refused', e.errno)\"");
            assertThat(r.stdoutTail()).isEqualTo("refused 111\n"); // ECONNREFUSED: nobody listens in the run's namespace
        }
    }

    @Test
    void abstractUnixSocketsOfTheHostAreNotReachable() throws Exception {
        String name = "shimscope-" + UUID.randomUUID();
        Process server = new ProcessBuilder("python3", "-c", "import socket,time; s=socket.socket(socket.AF_UNIX);"
                + " s.bind('\\0" + name + "'); s.listen(); print('up', flush=True); time.sleep(60)").start();
        try {
            assertThat(new String(server.getInputStream().readNBytes(3), StandardCharsets.UTF_8)).isEqualTo("up\n");
            RunResult r = sh("python3 -c \"import socket\ns=socket.socket(socket.AF_UNIX)\ntry:\n s.connect('\\0" + name
                    + "'); print('reached')\nexcept OSError as e: print('refused', e.errno)\"");
            assertThat(r.stdoutTail()).isEqualTo("refused 111\n");
        } finally {
            server.destroyForcibly();
        }
    }
}
