package dev.shimscope.sandbox;

import dev.shimscope.model.ShimConfiguration;
import dev.shimscope.model.Treatment;
import dev.shimscope.syscall.Arch;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compiles syscall rules into a classic BPF program for {@code seccomp(SECCOMP_SET_MODE_FILTER)}.
 *
 * <p>Pure Java rather than libseccomp through FFM: the programs we need are small (a handful
 * of rules, or one allow-list), the output is bytes that bwrap or our exec loader hand to the
 * kernel, and generating them here keeps the tool free of a native dependency and makes every
 * program reproducible and inspectable ({@link #describe()}).
 *
 * <p>The program first checks {@code seccomp_data.arch} (anything but the filter's architecture
 * is killed) and the x32 bit (x32 numbers alias x86_64 ones and would bypass the rules), lets
 * number -1 through (a tracer's skipped call, which runs nothing), then
 * tests the rules of each syscall in order; the first rule whose argument conditions all hold
 * decides, otherwise the default action applies. Every jump is short (at most a rule block),
 * so programs of any length stay within BPF's 8-bit jump offsets.
 */
public final class SeccompFilter {

    /** BPF_MAXINSNS: the kernel refuses longer programs. */
    public static final int MAX_INSTRUCTIONS = 4096;

    private static final int X32_SYSCALL_BIT = 0x40000000;
    private static final long SKIPPED_CALL = 0xffffffffL;
    private static final int OFF_NR = 0;
    private static final int OFF_ARCH = 4;
    private static final int OFF_ARGS = 16;

    private static final int LD_W_ABS = 0x20;
    private static final int JEQ_K = 0x15;
    private static final int JGE_K = 0x35;
    private static final int AND_K = 0x54;
    private static final int RET_K = 0x06;

    /** One argument test: {@code (args[index] & mask) == value}, on all 64 bits. */
    public record ArgCondition(int index, long mask, long value) {
        public ArgCondition {
            if (index < 0 || index > 5) {
                throw new IllegalArgumentException("syscall argument index must be 0..5: " + index);
            }
            if ((value & ~mask) != 0) {
                throw new IllegalArgumentException("value has bits outside the mask");
            }
        }

        public static ArgCondition equal(int index, long value) {
            return new ArgCondition(index, -1L, value);
        }

        public static ArgCondition maskedEqual(int index, long mask, long value) {
            return new ArgCondition(index, mask, value);
        }

        String describe() {
            return mask == -1L ? "arg" + index + " == " + value
                    : String.format("(arg%d & 0x%x) == 0x%x", index, mask, value);
        }
    }

    /** A rule: syscall number, conditions that must all hold, and the action. */
    public record Rule(int syscall, List<ArgCondition> conditions, SeccompAction action) {
        public Rule {
            conditions = List.copyOf(conditions);
            Objects.requireNonNull(action);
        }
    }

    private final Arch arch;
    private final SeccompAction defaultAction;
    private final SeccompAction foreignAction;
    private final List<Rule> rules;

    private SeccompFilter(Arch arch, SeccompAction defaultAction, SeccompAction foreignAction, List<Rule> rules) {
        this.arch = arch;
        this.defaultAction = defaultAction;
        this.foreignAction = foreignAction;
        this.rules = List.copyOf(rules);
    }

    public static Builder builder(SeccompAction defaultAction) {
        return new Builder(defaultAction);
    }

    /**
     * The filter that makes the kernel do what a shim configuration says: its argument rules
     * first, then one rule per named syscall whose treatment differs from the default, the default
     * for everything else. This is the only place a configuration becomes BPF.
     */
    public static SeccompFilter of(ShimConfiguration c) {
        Builder b = builder(action(c.otherwise()));
        for (ShimConfiguration.ArgumentRule r : c.argumentRules()) {
            ArgCondition[] conditions = r.value().matches().stream()
                    .map(m -> ArgCondition.maskedEqual(m.index(), m.mask(), m.value())).toArray(ArgCondition[]::new);
            b.rule(r.syscall().number(), action(r.treatment()), conditions);
        }
        c.treatments().forEach((s, t) -> {
            if (!t.equals(c.otherwise())) {
                b.rule(s.number(), action(t));
            }
        });
        return b.build();
    }

    /** What the kernel does for a treatment: let the call through, or skip it and return -errno (0 for a fake). */
    public static SeccompAction action(Treatment t) {
        return switch (t) {
            case Treatment.Implement i -> SeccompAction.ALLOW;
            case Treatment.Stub s -> new SeccompAction.Errno(s.errno());
            case Treatment.Fake f -> new SeccompAction.Errno(0);
        };
    }

    /** A filter that applies {@code action} to each of {@code syscalls} and allows the rest. */
    public static SeccompFilter forEach(Collection<Integer> syscalls, SeccompAction action) {
        Builder b = builder(SeccompAction.ALLOW);
        syscalls.stream().sorted().forEach(nr -> b.rule(nr, action));
        return b.build();
    }

    /** Allows exactly {@code allowed}; everything else gets {@code otherwise}. */
    public static SeccompFilter allowOnly(Collection<Integer> allowed, SeccompAction otherwise) {
        Builder b = builder(otherwise);
        allowed.stream().sorted().distinct().forEach(nr -> b.rule(nr, SeccompAction.ALLOW));
        return b.build();
    }

    public List<Rule> rules() {
        return rules;
    }

    public SeccompAction defaultAction() {
        return defaultAction;
    }

    /** The BPF program as the kernel wants it: 8-byte {@code struct sock_filter} entries, little endian. */
    public byte[] compile() {
        List<long[]> prog = new ArrayList<>();
        prog.add(insn(LD_W_ABS, 0, 0, OFF_ARCH));
        prog.add(insn(JEQ_K, 1, 0, arch.auditArch()));
        prog.add(insn(RET_K, 0, 0, foreignAction.encode()));
        prog.add(insn(LD_W_ABS, 0, 0, OFF_NR));
        // a tracer skips a call by setting its number to -1 (strace -e inject=...): the kernel runs
        // nothing for it, and neither the x32 test nor the default may kill or refuse it
        prog.add(insn(JEQ_K, 0, 1, SKIPPED_CALL));
        prog.add(insn(RET_K, 0, 0, SeccompAction.ALLOW.encode()));
        if (arch == Arch.X86_64) {
            prog.add(insn(JGE_K, 0, 1, X32_SYSCALL_BIT));
            prog.add(insn(RET_K, 0, 0, foreignAction.encode()));
        }
        for (Map.Entry<Integer, List<Rule>> e : bySyscall().entrySet()) {
            List<long[]> block = ruleBlock(e.getValue());
            if (block.size() > 255) {
                throw new IllegalArgumentException("too many argument conditions for syscall " + e.getKey());
            }
            prog.add(insn(JEQ_K, 0, block.size(), e.getKey()));
            prog.addAll(block);
        }
        prog.add(insn(RET_K, 0, 0, defaultAction.encode()));
        if (prog.size() > MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException("seccomp program too long: " + prog.size() + " instructions");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(prog.size() * 8);
        for (long[] i : prog) {
            out.write((int) i[0] & 0xff);
            out.write((int) (i[0] >>> 8) & 0xff);
            out.write((int) i[1]);
            out.write((int) i[2]);
            for (int shift = 0; shift < 32; shift += 8) {
                out.write((int) (i[3] >>> shift) & 0xff);
            }
        }
        return out.toByteArray();
    }

    /** Number of BPF instructions of {@link #compile()}. */
    public int instructionCount() {
        return compile().length / 8;
    }

    private Map<Integer, List<Rule>> bySyscall() {
        Map<Integer, List<Rule>> map = new LinkedHashMap<>();
        for (Rule r : rules) {
            map.computeIfAbsent(r.syscall(), k -> new ArrayList<>()).add(r);
        }
        return map;
    }

    /**
     * The instructions run once the syscall number matched: each rule's conditions, failing to
     * the next rule, then its return; after the last rule the default action (A no longer holds
     * the number, and no other syscall can match anyway).
     */
    private List<long[]> ruleBlock(List<Rule> syscallRules) {
        List<long[]> block = new ArrayList<>();
        for (Rule rule : syscallRules) {
            List<long[]> tests = new ArrayList<>();
            for (ArgCondition c : rule.conditions()) {
                addWordTest(tests, OFF_ARGS + 8 * c.index(), c.mask() & 0xffffffffL, c.value() & 0xffffffffL);
                addWordTest(tests, OFF_ARGS + 8 * c.index() + 4, c.mask() >>> 32, c.value() >>> 32);
            }
            // each test's "false" branch placeholder (-1) jumps past this rule's return
            int total = tests.size() + 1;
            for (int i = 0; i < tests.size(); i++) {
                long[] t = tests.get(i);
                if (t[2] == -1) {
                    t[2] = total - i - 1;
                }
            }
            block.addAll(tests);
            block.add(insn(RET_K, 0, 0, rule.action().encode()));
            if (rule.conditions().isEmpty()) {
                break; // an unconditional rule decides; later rules for this syscall are unreachable
            }
        }
        if (!syscallRules.getLast().conditions().isEmpty() || block.isEmpty()) {
            block.add(insn(RET_K, 0, 0, defaultAction.encode()));
        }
        return block;
    }

    private static void addWordTest(List<long[]> tests, int offset, long mask, long value) {
        if (mask == 0) {
            return; // no bits of this half are tested
        }
        tests.add(insn(LD_W_ABS, 0, 0, offset));
        if (mask != 0xffffffffL) {
            tests.add(insn(AND_K, 0, 0, mask));
        }
        tests.add(insn(JEQ_K, 0, -1, value));
    }

    private static long[] insn(int code, int jt, int jf, long k) {
        return new long[] {code, jt, jf, k};
    }

    /** Readable form of the rules, for logs and JSON. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("arch ").append(arch).append("; default ").append(defaultAction.describe());
        for (Rule r : rules) {
            sb.append("; ").append(r.syscall());
            if (!r.conditions().isEmpty()) {
                sb.append(" if ").append(String.join(" && ", r.conditions().stream().map(ArgCondition::describe).toList()));
            }
            sb.append(" -> ").append(r.action().describe());
        }
        return sb.toString();
    }

    public static final class Builder {
        private final SeccompAction defaultAction;
        private SeccompAction foreignAction = SeccompAction.KILL;
        private Arch arch = Arch.X86_64;
        private final List<Rule> rules = new ArrayList<>();

        private Builder(SeccompAction defaultAction) {
            this.defaultAction = Objects.requireNonNull(defaultAction);
        }

        public Builder arch(Arch arch) {
            this.arch = arch;
            return this;
        }

        /** What happens to calls of another architecture or the x32 ABI (default: kill). */
        public Builder foreign(SeccompAction action) {
            this.foreignAction = action;
            return this;
        }

        public Builder rule(int syscall, SeccompAction action, ArgCondition... conditions) {
            if (syscall < 0) {
                throw new IllegalArgumentException("negative syscall number " + syscall);
            }
            rules.add(new Rule(syscall, List.of(conditions), action));
            return this;
        }

        public Builder rule(Rule rule) {
            rules.add(rule);
            return this;
        }

        public SeccompFilter build() {
            return new SeccompFilter(arch, defaultAction, foreignAction, rules);
        }
    }
}
