package dev.shimscope.emulate;

import dev.shimscope.model.OsDescription;
import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.testing.Fixtures;
import dev.shimscope.trace.Tracer;
import dev.shimscope.workload.RunScheduler;
import dev.shimscope.workload.WorkloadRunner;
import dev.shimscope.workload.WorkloadSpec;
import dev.shimscope.workload.WorkloadSpecs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Emulates OSes that lack chosen syscalls for the 'needs' fixture, whose needs are known exactly:
 * uname is required, pipe2 tolerates ENOSYS, prctl(PR_SET_KEEPCAPS) must "succeed".
 */
class EmulatorTest {

    private static final SyscallTable TABLE = SyscallTable.x86_64();
    private static Sandbox sandbox;

    @TempDir
    static Path dir;
    private static WorkloadRunner runner;

    @BeforeAll
    static void setUp() throws Exception {
        sandbox = Sandbox.create();
        Path binary = Fixtures.compile("musl-gcc", "needs", "needs-musl", "-static");
        Files.copy(binary, dir.resolve("needs"), StandardCopyOption.REPLACE_EXISTING);
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, """
                app: fixture-needs
                workload: run
                kind: suite
                test:
                  command: [./needs]
                  timeout: 20s
                """);
        WorkloadSpec s = WorkloadSpecs.load(spec);
        runner = new WorkloadRunner(sandbox, s, new Tracer(TABLE));
    }

    /** Every x86_64 syscall except the given ones. */
    private static Set<Integer> allBut(String... missing) {
        Set<Integer> s = new TreeSet<>();
        TABLE.all().stream().map(Syscall::number).forEach(s::add);
        Arrays.stream(missing).map(n -> TABLE.require(n).number()).forEach(s::remove);
        return s;
    }

    private static Emulation emulate(boolean fake, String... missing) throws InterruptedException {
        return emulate(os(allBut(missing), ""), fake);
    }

    private static Emulation emulate(OsDescription os, boolean fake) throws InterruptedException {
        try (RunScheduler scheduler = new RunScheduler(2)) {
            return new Emulator(runner, TABLE, scheduler, 2, event -> { }).emulate(os, fake);
        }
    }

    /** An OS listing these syscalls as implemented, plus {@code extra} lines. */
    private static OsDescription os(Set<Integer> implemented, String extra) {
        StringBuilder sb = new StringBuilder();
        implemented.forEach(nr -> {
            if (TABLE.byNumber(nr).known()) {
                sb.append(TABLE.name(nr)).append('\n');
            }
        });
        return OsDescription.parse("test-os", "test list", sb + extra);
    }

    @Test
    void anOsThatListsASyscallAsFakedPassesWhereFakingIsEnough() throws Exception {
        // prctl only works faked: an OS that lists it as "fake" runs the program, one that lacks it does not
        Emulation faked = emulate(os(allBut("prctl"), "prctl fake\n"), false);
        assertThat(faked.passed()).isTrue();
        // a faked syscall is not implemented: it still shows as a hit
        assertThat(faked.hits()).extracting(Emulation.Hit::name).containsExactly("prctl");
        Emulation stubbed = emulate(os(allBut("prctl"), "prctl stub\n"), false);
        assertThat(stubbed.passed()).isFalse();
    }

    @Test
    void passesOnAnOsThatLacksOnlyAToleratedSyscall() throws Exception {
        Emulation e = emulate(false, "pipe2");

        assertThat(e.passed()).isTrue();
        assertThat(e.hits()).extracting(Emulation.Hit::name).containsExactly("pipe2");
        assertThat(e.hits().getFirst().calls()).isEqualTo(1);
        assertThat(e.toImplement()).isEmpty();
        // passing on the OS, its runs alone are compared with the unaltered workload alone on every measure
        // (a suite this short may end before its processes are sampled: time and CPU are always there)
        assertThat(e.cost()).extracting(c -> c.measure()).contains(dev.shimscope.model.Measure.TIME,
                dev.shimscope.model.Measure.CPU);
        assertThat(e.cost()).allSatisfy(c -> assertThat(c.runs()).isPositive());
    }

    @Test
    void failsOnAnOsThatLacksARequiredSyscallAndNamesExactlyThatOne() throws Exception {
        Emulation e = emulate(false, "uname", "sched_yield");

        assertThat(e.passed()).isFalse();
        assertThat(e.failure()).contains("status 10");
        // only what was really called: the program stops at uname, before it reaches sched_yield
        assertThat(e.hits()).extracting(Emulation.Hit::name).containsExactly("uname");
        assertThat(e.toImplement()).containsExactly("uname");
        assertThat(e.minimalProof()).isEqualTo("single");
        assertThat(e.verified()).isTrue();
        assertThat(e.verifyRuns()).hasSize(2).allMatch(r -> r.passed());
    }

    @Test
    void findsTheSmallestSetWhenNoSingleSyscallSuffices() throws Exception {
        Emulation e = emulate(false, "uname", "prctl", "pipe2");

        assertThat(e.passed()).isFalse();
        assertThat(e.toImplement()).containsExactly("uname", "prctl");
        assertThat(e.minimalProof()).isEqualTo("exhaustive");
        assertThat(e.verified()).isTrue();
    }

    @Test
    void aShimThatFakesMissingCallsPassesWhereOnlySuccessIsNeeded() throws Exception {
        assertThat(emulate(true, "prctl").passed()).isTrue();
        assertThat(emulate(false, "prctl").passed()).isFalse();
    }
}
