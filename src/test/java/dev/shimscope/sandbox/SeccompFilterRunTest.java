package dev.shimscope.sandbox;

import dev.shimscope.sandbox.SeccompFilter.ArgCondition;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.testing.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the probe fixture under generated filters and checks what the kernel did: stubbed calls
 * fail with ENOSYS, faked ones return 0 and change nothing, argument rules match on all 64 bits,
 * an allow-list lets exactly its calls through, KILL kills, and the x32 ABI cannot slip past.
 */
class SeccompFilterRunTest {

    private static final SyscallTable TABLE = SyscallTable.x86_64();
    private static final int SIGSYS = 31;
    private static Sandbox sandbox;
    private static Path probe;
    private static Path staticProbe;

    @BeforeAll
    static void setUp() {
        sandbox = Sandbox.create();
        probe = Fixtures.gcc("probe");
        staticProbe = Fixtures.compile("musl-gcc", "probe", "probe-musl-static", "-static");
    }

    private static int nr(String name) {
        return TABLE.require(name).number();
    }

    /** Runs the probe with the filter applied to it and returns how it ended. */
    private static RunResult run(SeccompFilter filter, Path program, String... args) throws InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(program.toString()));
        cmd.addAll(List.of(args));
        RunSpec.Builder spec = RunSpec.of(cmd).readOnly(Fixtures.DIR).timeout(Duration.ofSeconds(20));
        if (filter != null) {
            spec.filter(filter);
        }
        try (Run run = sandbox.run(spec.build())) {
            return run.result();
        }
    }

    private static List<String> lines(RunResult r) {
        return r.stdoutTail().lines().toList();
    }

    @Test
    void unameStubbedFailsWithEnosys() throws Exception {
        RunResult r = run(SeccompFilter.forEach(List.of(nr("uname")), SeccompAction.STUB), probe, "uname");
        assertThat(r.succeeded()).as(r.stderrTail()).isTrue();
        assertThat(lines(r)).containsExactly("-1 38 untouched");
    }

    @Test
    void unameFakedReturnsZeroAndLeavesTheBufferUntouched() throws Exception {
        RunResult r = run(SeccompFilter.forEach(List.of(nr("uname")), SeccompAction.FAKE), probe, "uname");
        assertThat(lines(r)).as(r.stderrTail()).containsExactly("0 0 untouched");
    }

    @Test
    void unameWithoutFilterWritesTheBuffer() throws Exception {
        RunResult r = run(null, probe, "uname");
        assertThat(lines(r)).as(r.stderrTail()).containsExactly("0 0 written");
    }

    @Test
    void keepcapsFakedReturnsZeroAndChangesNothing() throws Exception {
        SeccompFilter fake = SeccompFilter.builder(SeccompAction.ALLOW)
                .rule(nr("prctl"), SeccompAction.FAKE, ArgCondition.equal(0, 8 /* PR_SET_KEEPCAPS */))
                .build();
        RunResult faked = run(fake, probe, "keepcaps");
        // set "succeeds", yet PR_GET_KEEPCAPS (not matched by the rule) still reads 0
        assertThat(lines(faked)).as(faked.stderrTail()).containsExactly("0 0", "0 0");

        RunResult real = run(null, probe, "keepcaps");
        assertThat(lines(real)).as(real.stderrTail()).containsExactly("0 0", "1 0");
    }

    @Test
    void argumentEqualityComparesAll64Bits() throws Exception {
        int getpid = nr("getpid");
        SeccompFilter f = SeccompFilter.builder(SeccompAction.ALLOW)
                .rule(getpid, new SeccompAction.Errno(77), ArgCondition.equal(0, 0x1_0000_0001L))
                .build();
        RunResult r = run(f, probe, "call", getpid + ",0x100000001", getpid + ",0x1", getpid + ",0x200000001",
                getpid + ",0x100000000", getpid + ",0xffffffff00000001");
        List<String> out = lines(r);
        assertThat(out).as(r.stderrTail()).hasSize(5);
        assertThat(out.get(0)).isEqualTo("39 -1 77");
        // the same low word with another high word, or the same high word with another low word, passes
        for (String line : out.subList(1, 5)) {
            assertThat(line).matches("39 [1-9][0-9]* 0");
        }
    }

    @Test
    void maskedEqualityTestsOnlyTheFlagBits() throws Exception {
        int getppid = nr("getppid");
        int getuid = nr("getuid");
        SeccompFilter f = SeccompFilter.builder(SeccompAction.ALLOW)
                .rule(getppid, new SeccompAction.Errno(78), ArgCondition.maskedEqual(1, 0x800, 0x800))
                .rule(getuid, new SeccompAction.Errno(79), ArgCondition.maskedEqual(2, 0x1_0000_0000L, 0x1_0000_0000L))
                .build();
        RunResult r = run(f, probe, "call",
                getppid + ",0,0x801", getppid + ",0,0xffffffff00000800", getppid + ",0,0x1", getppid + ",0,0xfffff7ff",
                getuid + ",0,0,0x100000000", getuid + ",0,0,0xffffffff", getuid + ",0,0,0xfffffffeffffffff");
        List<String> out = lines(r);
        assertThat(out).as(r.stderrTail()).hasSize(7);
        assertThat(out.subList(0, 2)).containsExactly(getppid + " -1 78", getppid + " -1 78");
        assertThat(out.subList(2, 4)).allMatch(l -> l.matches(getppid + " [1-9][0-9]* 0"));
        assertThat(out.subList(4, 7)).containsExactly(getuid + " -1 79", getuid + " 0 0", getuid + " 0 0");
    }

    @Test
    void severalRulesOfOneSyscallAreTriedInOrderAndConditionsAreAnded() throws Exception {
        int getpid = nr("getpid");
        SeccompFilter f = SeccompFilter.builder(SeccompAction.ALLOW)
                .rule(getpid, new SeccompAction.Errno(71), ArgCondition.equal(0, 1))
                .rule(getpid, new SeccompAction.Errno(72), ArgCondition.equal(0, 2))
                .rule(getpid, new SeccompAction.Errno(73), ArgCondition.equal(0, 5), ArgCondition.equal(1, 6))
                .build();
        RunResult r = run(f, probe, "call", getpid + ",1", getpid + ",2", getpid + ",5,6", getpid + ",5,7",
                getpid + ",3");
        List<String> out = lines(r);
        assertThat(out).as(r.stderrTail()).hasSize(5);
        assertThat(out.subList(0, 3)).containsExactly("39 -1 71", "39 -1 72", "39 -1 73");
        assertThat(out.get(3)).matches("39 [1-9][0-9]* 0");
        assertThat(out.get(4)).matches("39 [1-9][0-9]* 0");
    }

    @Test
    void allowOnlyLetsExactlyTheListedCallsThrough() throws Exception {
        // the static musl probe makes no call beyond these: exec, TLS setup, write, exit, and what it is asked
        List<Integer> allowed = List.of(nr("execve"), nr("arch_prctl"), nr("set_tid_address"), nr("write"),
                nr("exit_group"), nr("getpid"));
        SeccompFilter f = SeccompFilter.allowOnly(allowed, new SeccompAction.Errno(SeccompAction.EPERM));
        int getppid = nr("getppid");
        int getuid = nr("getuid");
        int uname = nr("uname");
        RunResult r = run(f, staticProbe, "call", "39", getppid + "", getuid + "", uname + ",0");
        List<String> out = lines(r);
        assertThat(r.succeeded()).as(r.describeEnd() + ": " + r.stderrTail()).isTrue();
        assertThat(out).hasSize(4);
        assertThat(out.get(0)).matches("39 [1-9][0-9]* 0");
        assertThat(out.subList(1, 4)).containsExactly(getppid + " -1 1", getuid + " -1 1", uname + " -1 1");
    }

    @Test
    void killEndsTheProcessWithSigsys() throws Exception {
        int getppid = nr("getppid");
        SeccompFilter f = SeccompFilter.builder(SeccompAction.ALLOW).rule(getppid, SeccompAction.KILL).build();
        RunResult r = run(f, probe, "call", "39", getppid + "", "39");
        assertThat(r.signal()).as(r.describeEnd()).isEqualTo(SIGSYS);
        assertThat(lines(r)).hasSize(1); // the call after the killing one never ran
        assertThat(lines(r).getFirst()).startsWith("39 ");
    }

    @Test
    void x32CallsAreKilledInsideTheSandboxEvenWithoutAnExperimentFilter() throws Exception {
        // the sandbox's own hardening filter must not be bypassable through the x32 ABI either
        RunResult r = run(null, probe, "call", "39", String.valueOf(0x40000000 + 39));
        assertThat(r.signal()).as(r.describeEnd()).isEqualTo(SIGSYS);
        assertThat(lines(r)).hasSize(1);
    }

    @Test
    void straceFaultInjectionWorksUnderTheSandboxAndExperimentFilters() throws Exception {
        // strace skips an injected call by setting its number to -1, which the filters then see
        String strace = HostTools.require("strace", "strace").toString();
        List<String> inject = List.of(strace, "-f", "-qq", "-o", "/dev/null", "-e", "trace=uname",
                "-e", "inject=uname:error=EPERM", "--");
        List<String> plain = new ArrayList<>(inject);
        plain.addAll(List.of(probe.toString(), "uname"));
        try (Run run = sandbox.run(RunSpec.of(plain).readOnly(Fixtures.DIR).timeout(Duration.ofSeconds(20)).build())) {
            assertThat(run.result().describeEnd()).isEqualTo("exit status 0");
            assertThat(run.result().stdoutTail()).isEqualTo("-1 1 untouched\n");
        }
        // the loader after strace: the experiment filter applies to the program, not to strace
        List<String> filtered = new ArrayList<>(inject);
        filtered.addAll(List.of(Sandbox.LOADER, Sandbox.FILTER, probe.toString(), probe.toString(), "uname"));
        SeccompFilter allowOnlyWhatTheProbeNeeds = SeccompFilter.forEach(List.of(nr("getppid")), SeccompAction.KILL);
        try (Run run = sandbox.run(RunSpec.of(filtered).readOnly(Fixtures.DIR).timeout(Duration.ofSeconds(20))
                .filter(allowOnlyWhatTheProbeNeeds, RunSpec.FilterScope.CALLER, null).build())) {
            assertThat(run.result().describeEnd()).isEqualTo("exit status 0");
            assertThat(run.result().stdoutTail()).isEqualTo("-1 1 untouched\n");
        }
    }

    /** The loader applied by hand, on the host: isolates the experiment filter from the sandbox's own. */
    private static Host onHost(SeccompFilter filter, Path dir, String... args) throws IOException, InterruptedException {
        Path loader = dir.resolve("seccomp-exec");
        Files.write(loader, Sandbox.class.getResourceAsStream("seccomp-exec.pl").readAllBytes());
        List<String> cmd = new ArrayList<>();
        if (filter != null) {
            Path bpf = dir.resolve("filter.bpf");
            Files.write(bpf, filter.compile());
            cmd.addAll(List.of("perl", loader.toString(), bpf.toString(), probe.toString()));
        }
        cmd.add(probe.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new Host(p.exitValue(), out);
    }

    private record Host(int status, String stdout) {
    }

    @Test
    void x32CallsAreKilledByAnExperimentFilterNotPassedToTheRules(@TempDir Path dir) throws Exception {
        String x32Getpid = String.valueOf(0x40000000 + 39);
        Host plain = onHost(null, dir, "call", x32Getpid);
        assertThat(plain.status()).isZero(); // without a filter the kernel answers (ENOSYS where x32 is off)
        assertThat(plain.stdout()).startsWith(x32Getpid + " ");

        // a filter that allows everything but uname must still refuse x32 numbers
        SeccompFilter f = SeccompFilter.forEach(List.of(nr("uname")), SeccompAction.STUB);
        Host filtered = onHost(f, dir, "call", "39", x32Getpid);
        assertThat(filtered.status()).isEqualTo(128 + SIGSYS);
        assertThat(filtered.stdout().lines().toList()).hasSize(1);

        SeccompFilter refusing = SeccompFilter.builder(SeccompAction.ALLOW)
                .foreign(new SeccompAction.Errno(SeccompAction.EPERM)).rule(nr("uname"), SeccompAction.STUB).build();
        Host refused = onHost(refusing, dir, "call", x32Getpid);
        assertThat(refused.status()).isZero();
        assertThat(refused.stdout()).isEqualTo(x32Getpid + " -1 1\n");
    }
}
