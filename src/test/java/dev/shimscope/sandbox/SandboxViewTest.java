package dev.shimscope.sandbox;

import dev.shimscope.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a run sees of the host (issue: sealed runs): nothing of the caller's secrets, files,
 * homes or environment, and nothing it leaves behind can hang or crash the tool. Every attempt
 * is made for real from inside a run, as root; each test first checks that the thing it hides
 * exists on the host, so that it cannot pass because there was nothing to find.
 */
class SandboxViewTest {

    /** Set for the test JVM by surefire (pom.xml): a variable of the caller that no run may see. */
    static final String CANARY_VARIABLE = "SHIMSCOPE_TEST_CANARY";

    private static Sandbox sandbox;
    private static Path work;

    @BeforeAll
    static void setUp() throws IOException {
        sandbox = Sandbox.create();
        assumeTrue(sandbox.runsAsRoot(), "the view of root runs needs root");
        work = Files.createDirectories(Path.of("target/view-test").toAbsolutePath().resolve(UUID.randomUUID().toString()));
    }

    @AfterAll
    static void tearDown() {
        if (work != null) {
            Sandbox.deleteTree(work);
        }
    }

    private static RunResult sh(String script, Path... readOnly) throws InterruptedException {
        RunSpec.Builder spec = RunSpec.of("/bin/sh", "-c", script).timeout(Duration.ofSeconds(30));
        for (Path p : readOnly) {
            spec.readOnly(p);
        }
        try (Run run = sandbox.run(spec.build())) {
            return run.result();
        }
    }

    @Test
    void systemSecretsAreEmpty() throws Exception {
        for (String secret : List.of("/etc/shadow", "/etc/gshadow")) {
            Path p = Path.of(secret);
            assumeTrue(Files.size(p) > 0, secret + " is empty on this host");
            RunResult r = sh("wc -c < " + secret);
            assertThat(r.stdoutTail().strip()).as(secret).isEqualTo("0");
        }
        // the same rule covers every file others cannot read, wherever the system trees have one
        List<HostView.Mask> masks = HostView.system().stream().flatMap(t -> t.masks().stream()).toList();
        assertThat(masks).extracting(m -> m.path().toString()).contains("/etc/shadow");
    }

    @Test
    void homesAreEmptyAndFreshInEveryRun() throws Exception {
        try (var entries = Files.list(Path.of("/root"))) {
            assumeTrue(entries.findAny().isPresent(), "the host's /root is empty");
        }
        RunResult first = sh("ls -A /root /home; echo \"home=$HOME\"; echo x > ~/.memslap.cnf && echo written");
        assertThat(first.stdoutTail()).isEqualTo("/home:\n\n/root:\nhome=/root\nwritten\n");
        RunResult second = sh("ls -A /root");
        assertThat(second.stdoutTail()).isEmpty();
    }

    @Test
    void nothingOutsideTheSystemTreesIsVisibleUnlessBound() throws Exception {
        Path checkout = Path.of("pom.xml").toAbsolutePath();
        assumeTrue(Files.exists(checkout));
        RunResult r = sh("test -e " + checkout + " && echo visible || echo absent; ls / | tr '\\n' ' '");
        assertThat(r.stdoutTail()).startsWith("absent\n");
        assertThat(r.stdoutTail().strip().split(" ")).doesNotContain("work", "srv", "mnt", "media", "boot", "lost+found");
    }

    @Test
    void privateFilesInABoundDirectoryAndHiddenDirectoriesAreEmpty() throws Exception {
        Path dir = Files.createDirectories(work.resolve("spec"));
        Path open = Files.writeString(dir.resolve("public.txt"), "public\n");
        Path secret = Files.writeString(dir.resolve("secret.txt"), "canary-secret\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path privateDir = Files.createDirectories(dir.resolve(".ssh"));
        Files.writeString(privateDir.resolve("id_ed25519"), "canary-key\n");
        Files.setPosixFilePermissions(privateDir, PosixFilePermissions.fromString("rwx------"));
        Path store = Files.createDirectories(dir.resolve("db"));
        Files.writeString(store.resolve("result.json"), "{\"canary\": 1}\n");
        Sandbox s = Sandbox.create();
        s.hide(store);
        try (Run run = s.run(RunSpec.of("/bin/sh", "-c", "cat " + open + " " + secret + "; ls -A " + privateDir + " " + store
                + "; cat " + privateDir + "/id_ed25519 " + store + "/result.json 2>/dev/null; echo end")
                .readOnly(dir).timeout(Duration.ofSeconds(30)).build())) {
            String out = run.result().stdoutTail();
            assertThat(out).contains("public").doesNotContain("canary");
            assertThat(out).endsWith("end\n");
        }
    }

    @Test
    void theCallersEnvironmentIsInNoProcessOfTheRun() throws Exception {
        String canary = System.getenv(CANARY_VARIABLE);
        assumeTrue(canary != null, CANARY_VARIABLE + " is not set (surefire sets it)");
        // pid 1 is bwrap's init, 2.. the run's processes: read every one's environment
        RunResult r = sh("sleep 5 & for e in /proc/[0-9]*/environ; do tr '\\0' '\\n' < $e; done | sort -u; kill $!");
        assertThat(r.stdoutTail()).doesNotContain(canary).doesNotContain(CANARY_VARIABLE).contains("PATH=");
        List<String> names = r.stdoutTail().lines().map(l -> l.substring(0, Math.max(0, l.indexOf('=')))).distinct().toList();
        // the documented minimum, nothing of the caller's
        assertThat(names).isSubsetOf("PATH", "HOME", "TMPDIR", "LANG", "SCRATCH", "SHIMSCOPE_OUT", "PWD", "SHLVL", "_", "");
    }

    @Test
    void filesARunLeavesCannotHangOrCrashTheTool() throws Exception {
        List<String> attacks = List.of(
                "rm -f $SHIMSCOPE_OUT/.rusage; mkfifo $SHIMSCOPE_OUT/.rusage",
                "rm -f $SHIMSCOPE_OUT/.rusage; ln -s /dev/zero $SHIMSCOPE_OUT/.rusage",
                "rm -f $SHIMSCOPE_OUT/.rusage; ln -s /etc/hostname $SHIMSCOPE_OUT/.rusage",
                "truncate -s 1T $SHIMSCOPE_OUT/.rusage",
                "rm -f $SHIMSCOPE_OUT/.rusage; mkdir $SHIMSCOPE_OUT/.rusage");
        for (String attack : attacks) {
            long t0 = System.nanoTime();
            // the command exits 0: only the file it left can fail the run
            RunResult r = sh(attack + "; exit 0");
            assertThat(r.untrustedOutput()).as(attack).isNotNull().contains(".rusage");
            assertThat(r.succeeded()).as(attack).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as(attack).isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void fixturesBoundReadOnlyStayRunnable() throws Exception {
        Path probe = Fixtures.gcc("probe");
        try (Run run = sandbox.run(RunSpec.of(probe.toString(), "uname").readOnly(Fixtures.DIR)
                .timeout(Duration.ofSeconds(30)).build())) {
            assertThat(run.result().succeeded()).as(run.result().stderrTail()).isTrue();
        }
    }
}
