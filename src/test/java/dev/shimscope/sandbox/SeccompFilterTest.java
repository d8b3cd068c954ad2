package dev.shimscope.sandbox;

import dev.shimscope.sandbox.SeccompFilter.ArgCondition;
import dev.shimscope.syscall.Arch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The BPF encoding of {@link SeccompFilter}: the bytes of the architecture and x32 checks, and
 * the meaning of whole programs, run by a small classic-BPF interpreter written here (independent
 * of the compiler) that also checks every jump lands inside the program.
 */
class SeccompFilterTest {

    private static final long AUDIT_ARCH_X86_64 = 0xC000003EL;
    private static final long AUDIT_ARCH_I386 = 0x40000003L;
    private static final long AUDIT_ARCH_AARCH64 = 0xC00000B7L;
    private static final long RET_KILL_PROCESS = 0x80000000L;
    private static final long RET_ALLOW = 0x7fff0000L;

    private static long errno(int e) {
        return 0x00050000L | e;
    }

    /** Runs a classic BPF program over a seccomp_data and returns the action word. */
    static long eval(byte[] program, long arch, int nr, long... args) {
        assertThat(program.length % 8).isZero();
        int n = program.length / 8;
        ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(0, nr).putInt(4, (int) arch).putLong(8, 0x401000L);
        for (int i = 0; i < args.length; i++) {
            data.putLong(16 + 8 * i, args[i]);
        }
        ByteBuffer p = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        long a = 0;
        int pc = 0;
        for (int steps = 0; steps <= n; steps++) {
            assertThat(pc).as("pc inside the program").isBetween(0, n - 1);
            int code = p.getShort(pc * 8) & 0xffff;
            int jt = p.get(pc * 8 + 2) & 0xff;
            int jf = p.get(pc * 8 + 3) & 0xff;
            long k = p.getInt(pc * 8 + 4) & 0xffffffffL;
            pc++;
            switch (code) {
                case 0x20 -> { // BPF_LD | BPF_W | BPF_ABS
                    assertThat(k % 4).isZero();
                    assertThat(k).isLessThan(64);
                    a = data.getInt((int) k) & 0xffffffffL;
                }
                case 0x54 -> a &= k; // BPF_ALU | BPF_AND | BPF_K
                case 0x15 -> pc += a == k ? jt : jf; // BPF_JMP | BPF_JEQ | BPF_K
                case 0x35 -> pc += a >= k ? jt : jf; // BPF_JMP | BPF_JGE | BPF_K
                case 0x05 -> pc += (int) k; // BPF_JMP | BPF_JA
                case 0x06 -> { // BPF_RET | BPF_K
                    return k;
                }
                default -> throw new AssertionError("unexpected BPF opcode 0x" + Integer.toHexString(code));
            }
        }
        throw new AssertionError("program did not return");
    }

    /** Every jump of the program lands inside it and every path ends in a return. */
    static void assertWellFormed(byte[] program) {
        ByteBuffer p = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        int n = program.length / 8;
        for (int pc = 0; pc < n; pc++) {
            int code = p.getShort(pc * 8) & 0xffff;
            if ((code & 0x07) == 0x05) { // BPF_JMP
                int jt = p.get(pc * 8 + 2) & 0xff;
                int jf = p.get(pc * 8 + 3) & 0xff;
                assertThat(pc + 1 + Math.max(jt, jf)).as("jump target of instruction " + pc).isLessThan(n);
            }
        }
        assertThat(p.getShort((n - 1) * 8) & 0xffff).as("last instruction is a return").isEqualTo(0x06);
    }

    @Test
    void startsWithTheArchitectureAndX32Checks() {
        byte[] bpf = SeccompFilter.forEach(List.of(63), SeccompAction.STUB).compile();
        String hex = HexFormat.of().formatHex(bpf, 0, 8 * 8);
        assertThat(hex).isEqualTo(
                "2000000004000000" // A = seccomp_data.arch
                        + "150001003e0000c0" // if A == AUDIT_ARCH_X86_64 skip 1
                        + "0600000000000080" // return KILL_PROCESS
                        + "2000000000000000" // A = seccomp_data.nr
                        + "15000001ffffffff" // if A == -1 (a tracer's skipped call) fall through, else skip 1
                        + "060000000000ff7f" // return ALLOW
                        + "3500000100000040" // if A >= 0x40000000 (x32) fall through, else skip 1
                        + "0600000000000080"); // return KILL_PROCESS
        assertWellFormed(bpf);
    }

    @Test
    void otherArchitecturesAndTheX32AbiAreKilledOrRefused() {
        byte[] bpf = SeccompFilter.forEach(List.of(63), SeccompAction.STUB).compile();
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 39)).isEqualTo(RET_ALLOW);
        assertThat(eval(bpf, AUDIT_ARCH_I386, 39)).isEqualTo(RET_KILL_PROCESS); // int 0x80 from a 64-bit process
        assertThat(eval(bpf, AUDIT_ARCH_AARCH64, 39)).isEqualTo(RET_KILL_PROCESS);
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 0x40000000 | 63)).isEqualTo(RET_KILL_PROCESS);
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 0x40000000 | 39)).isEqualTo(RET_KILL_PROCESS);

        byte[] refusing = SeccompFilter.builder(SeccompAction.ALLOW).foreign(new SeccompAction.Errno(1))
                .rule(63, SeccompAction.STUB).build().compile();
        assertThat(eval(refusing, AUDIT_ARCH_I386, 39)).isEqualTo(errno(1));
        assertThat(eval(refusing, AUDIT_ARCH_X86_64, 0x40000000 | 39)).isEqualTo(errno(1));
    }

    @Test
    void aarch64FiltersCheckTheirOwnArchitectureAndHaveNoX32Test() {
        byte[] bpf = SeccompFilter.builder(SeccompAction.ALLOW).arch(Arch.AARCH64)
                .rule(435, SeccompAction.STUB).build().compile(); // clone3 has the same number there
        String hex = HexFormat.of().formatHex(bpf, 0, 4 * 8);
        assertThat(hex).isEqualTo("2000000004000000" + "15000100b70000c0" + "0600000000000080" + "2000000000000000");
        ByteBuffer insns = ByteBuffer.wrap(bpf).order(ByteOrder.LITTLE_ENDIAN);
        for (int pc = 0; pc < bpf.length / 8; pc++) {
            assertThat(insns.getInt(pc * 8 + 4)).as("no x32 test on aarch64").isNotEqualTo(0x40000000);
        }
        assertThat(eval(bpf, AUDIT_ARCH_AARCH64, 435)).isEqualTo(errno(38));
        assertThat(eval(bpf, AUDIT_ARCH_AARCH64, 56)).isEqualTo(RET_ALLOW);
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 435)).isEqualTo(RET_KILL_PROCESS);
    }

    @Test
    void theSkippedCallOfATracerPassesWhateverTheDefault() {
        // a tracer (strace -e inject) skips a call by setting its number to -1; the kernel then
        // runs nothing, and the filter must not take -1 for an x32 call or apply the default
        for (Arch arch : Arch.values()) {
            long audit = arch == Arch.X86_64 ? AUDIT_ARCH_X86_64 : AUDIT_ARCH_AARCH64;
            for (SeccompAction otherwise : List.of(SeccompAction.KILL, new SeccompAction.Errno(1), SeccompAction.ALLOW)) {
                byte[] bpf = SeccompFilter.builder(otherwise).arch(arch).rule(63, SeccompAction.ALLOW).build().compile();
                assertWellFormed(bpf);
                assertThat(eval(bpf, audit, -1)).as("%s default %s", arch, otherwise).isEqualTo(RET_ALLOW);
                assertThat(eval(bpf, audit, -2)).isEqualTo(arch == Arch.X86_64 ? RET_KILL_PROCESS : otherwise.encode());
            }
        }
    }

    @Test
    void actionsEncodeAsTheKernelExpects() {
        assertThat(SeccompAction.ALLOW.encode()).isEqualTo(0x7fff0000L);
        assertThat(SeccompAction.STUB.encode()).isEqualTo(0x00050026L);
        assertThat(SeccompAction.FAKE.encode()).isEqualTo(0x00050000L);
        assertThat(SeccompAction.KILL.encode()).isEqualTo(0x80000000L);
        assertThatThrownBy(() -> new SeccompAction.Errno(4096)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SeccompAction.Errno(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forEachAndAllowOnly() {
        byte[] stub = SeccompFilter.forEach(List.of(63, 16, 63), SeccompAction.STUB).compile();
        assertWellFormed(stub);
        assertThat(eval(stub, AUDIT_ARCH_X86_64, 63)).isEqualTo(errno(38));
        assertThat(eval(stub, AUDIT_ARCH_X86_64, 16)).isEqualTo(errno(38));
        assertThat(eval(stub, AUDIT_ARCH_X86_64, 0)).isEqualTo(RET_ALLOW);
        assertThat(eval(stub, AUDIT_ARCH_X86_64, 462)).isEqualTo(RET_ALLOW);

        byte[] only = SeccompFilter.allowOnly(List.of(0, 1, 60, 231, 435, 1), new SeccompAction.Errno(1)).compile();
        assertWellFormed(only);
        for (int nr : List.of(0, 1, 60, 231, 435)) {
            assertThat(eval(only, AUDIT_ARCH_X86_64, nr)).as("nr %d", nr).isEqualTo(RET_ALLOW);
        }
        for (int nr : List.of(2, 59, 334, 436, 462, 999)) {
            assertThat(eval(only, AUDIT_ARCH_X86_64, nr)).as("nr %d", nr).isEqualTo(errno(1));
        }
    }

    @Test
    void argumentRulesCompareBothHalvesAndApplyMasks() {
        SeccompFilter f = SeccompFilter.builder(SeccompAction.ALLOW)
                .rule(157, SeccompAction.FAKE, ArgCondition.equal(0, 8))
                .rule(39, new SeccompAction.Errno(77), ArgCondition.equal(1, 0xdead_beef_0000_0001L))
                .rule(72, new SeccompAction.Errno(78), ArgCondition.maskedEqual(2, 0x8000_0000_0000_0800L, 0x8000_0000_0000_0000L))
                .build();
        byte[] bpf = f.compile();
        assertWellFormed(bpf);
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 157, 8)).isEqualTo(errno(0));
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 157, 7)).isEqualTo(RET_ALLOW);
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 157, 0x1_0000_0008L)).isEqualTo(RET_ALLOW);
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 39, 0, 0xdead_beef_0000_0001L)).isEqualTo(errno(77));
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 39, 0, 0x0000_0000_0000_0001L)).isEqualTo(RET_ALLOW);
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 39, 0, 0xdead_beef_0000_0000L)).isEqualTo(RET_ALLOW);
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 39, 0xdead_beef_0000_0001L, 0)).isEqualTo(RET_ALLOW); // other argument
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 72, 0, 0, 0x8000_0000_0000_0000L)).isEqualTo(errno(78));
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 72, 0, 0, 0xffff_ffff_ffff_f7ffL)).isEqualTo(errno(78));
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 72, 0, 0, 0x8000_0000_0000_0800L)).isEqualTo(RET_ALLOW);
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 72, 0, 0, 0x0000_0000_0000_0000L)).isEqualTo(RET_ALLOW);
        assertThat(f.describe()).contains("157 if arg0 == 8 -> errno(0)", "(arg2 & 0x8000000000000800) == 0x8000000000000000");
    }

    @Test
    void rulesOfOneSyscallAreTriedInOrderUntilOneDecides() {
        SeccompFilter f = SeccompFilter.builder(new SeccompAction.Errno(1))
                .rule(16, new SeccompAction.Errno(71), ArgCondition.equal(1, 0x5401))
                .rule(16, new SeccompAction.Errno(72), ArgCondition.equal(1, 0x5401), ArgCondition.equal(0, 1)) // shadowed
                .rule(16, new SeccompAction.Errno(73), ArgCondition.equal(1, 0x5413), ArgCondition.equal(0, 2))
                .rule(16, SeccompAction.ALLOW)
                .rule(16, new SeccompAction.Errno(74)) // unreachable after the unconditional rule
                .rule(17, new SeccompAction.Errno(75), ArgCondition.equal(0, 3))
                .build();
        byte[] bpf = f.compile();
        assertWellFormed(bpf);
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 16, 1, 0x5401)).isEqualTo(errno(71));
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 16, 2, 0x5413)).isEqualTo(errno(73));
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 16, 3, 0x5413)).isEqualTo(RET_ALLOW);
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 16, 9, 9)).isEqualTo(RET_ALLOW);
        // a syscall whose only rule does not match gets the default, not the next syscall's rules
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 17, 3)).isEqualTo(errno(75));
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 17, 4)).isEqualTo(errno(1));
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 18)).isEqualTo(errno(1));
    }

    /** A filter with one syscall (16) whose rule block has {@code low} 3-instruction and {@code masked} 4-instruction rules. */
    private static SeccompFilter bigBlock(int low, int masked) {
        SeccompFilter.Builder b = SeccompFilter.builder(SeccompAction.ALLOW);
        for (int i = 0; i < low; i++) { // LD, JEQ, RET
            b.rule(16, new SeccompAction.Errno(100 + i), ArgCondition.maskedEqual(1, 0xffffffffL, 1000 + i));
        }
        for (int i = 0; i < masked; i++) { // LD, AND, JEQ, RET
            b.rule(16, new SeccompAction.Errno(3000 + i), ArgCondition.maskedEqual(1, 0xff00, (i + 1) << 8));
        }
        return b.rule(17, SeccompAction.STUB).build();
    }

    @Test
    void aRuleBlockMayUseTheWholeEightBitJumpButNoMore() {
        // 82 * 3 + 2 * 4 + the default return = 255 instructions: the longest block a JEQ can skip
        SeccompFilter longest = bigBlock(82, 2);
        byte[] bpf = longest.compile();
        assertWellFormed(bpf);
        assertThat(longest.instructionCount()).isEqualTo(8 + 1 + 255 + 2 + 1);
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 16, 0, 1000)).isEqualTo(errno(100));
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 16, 0, 1081)).isEqualTo(errno(181));
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 16, 0, 0x0200)).isEqualTo(errno(3001));
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 16, 0, 5)).isEqualTo(RET_ALLOW);
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 17)).isEqualTo(errno(38)); // the jump over the whole block
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 18)).isEqualTo(RET_ALLOW);

        assertThatThrownBy(() -> bigBlock(81, 3).compile()) // 256
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("syscall 16");
    }

    /** allowOnly-like filter of exactly {@code 9 + 2 * unconditional + 5} instructions. */
    private static SeccompFilter sized(int unconditional) {
        SeccompFilter.Builder b = SeccompFilter.builder(new SeccompAction.Errno(1));
        for (int nr = 0; nr < unconditional; nr++) {
            b.rule(nr, SeccompAction.ALLOW);
        }
        return b.rule(5000, SeccompAction.ALLOW, ArgCondition.maskedEqual(0, 0xffffffffL, 1)).build();
    }

    @Test
    void programsUpToBpfMaxInsnsCompileAndLoadLongerOnesAreRefused(@TempDir Path dir) throws Exception {
        SeccompFilter max = sized(2041);
        byte[] bpf = max.compile();
        assertThat(bpf.length / 8).isEqualTo(SeccompFilter.MAX_INSTRUCTIONS);
        assertWellFormed(bpf);
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 2040)).isEqualTo(RET_ALLOW);
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 2041)).isEqualTo(errno(1));
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 5000, 1)).isEqualTo(RET_ALLOW);
        assertThat(eval(bpf, AUDIT_ARCH_X86_64, 5000, 2)).isEqualTo(errno(1));

        // the kernel takes a program of exactly BPF_MAXINSNS instructions
        Path loader = dir.resolve("seccomp-exec");
        Files.write(loader, Sandbox.class.getResourceAsStream("seccomp-exec.pl").readAllBytes());
        Path file = dir.resolve("max.bpf");
        Files.write(file, bpf);
        Process p = new ProcessBuilder("perl", loader.toString(), file.toString(), "/bin/true", "true")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();

        assertThatThrownBy(() -> sized(2042).compile())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4098 instructions");
    }

    @Test
    void badRulesAreRefused() {
        assertThatThrownBy(() -> ArgCondition.equal(6, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ArgCondition.maskedEqual(0, 0xff, 0x100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SeccompFilter.builder(SeccompAction.ALLOW).rule(-1, SeccompAction.STUB))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEmptyFilterJustChecksTheArchitecture() {
        byte[] bpf = SeccompFilter.builder(SeccompAction.ALLOW).build().compile();
        assertWellFormed(bpf);
        assertThat(bpf.length / 8).isEqualTo(9);
        List<Long> results = new ArrayList<>();
        for (int nr : List.of(0, 59, 462)) {
            results.add(eval(bpf, AUDIT_ARCH_X86_64, nr));
        }
        assertThat(results).containsOnly(RET_ALLOW);
    }
}
