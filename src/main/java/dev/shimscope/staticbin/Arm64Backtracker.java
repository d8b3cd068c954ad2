package dev.shimscope.staticbin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@link Backtracker} of aarch64 code: the values a register (x0..x30) or a stack slot
 * ({@code [sp + d]}) can hold before an instruction, walking backwards through its block and
 * every direct-branch predecessor and the fall-through, budget-limited. It understands
 * {@code mov}/{@code movz}/{@code orr} of immediates, register copies (a 32-bit copy of an
 * argument stays the argument), {@code uxtw}/{@code sxtw}, {@code add}/{@code sub} of
 * immediates, {@code csel}/{@code csinc}/{@code cset}, and {@code str}/{@code stp}/{@code ldr}/
 * {@code ldp} on {@code [sp, #d]} with pre- and post-indexed sp updates and {@code sub/add sp}
 * (Go spills the number around {@code runtime.entersyscall}; Go's ABI0 assembly takes it at
 * {@code [sp + 8]}). A call clobbers x0–x18 (AAPCS64) or, in Go code, everything but x28 (g) and
 * x29, and leaves the caller's stack slots alone; {@code svc} clobbers x0; anything else that
 * writes the location makes the value unknown. x0–x7 (Go: x0–x15) and {@code [sp + 8 + 8k]} at
 * the function's entry are arguments, resolved at the callers.
 */
final class Arm64Backtracker {

    private static final int BUDGET = 600;
    /** Locations: 0..30 registers, {@code STACK + d} the slot {@code [sp + d]}. */
    static final int STACK = 64, MAX_STACK_DISPLACEMENT = 4096;

    private final Arm64Scanner m;
    private Set<Long> visited;
    private int budget;
    /** Argument registers the last {@link #site} query reached at its function's entry. */
    int lastParams;

    Arm64Backtracker(Arm64Scanner m) {
        this.m = m;
    }

    /** A parameter bit as a location before a call or a branch to the function (sp is not moved by bl). */
    static int parameterLocation(int bit) {
        return bit < 16 ? bit : STACK + 8 + 8 * (bit - 16);
    }

    static String locationName(int loc) {
        return loc >= STACK ? "[sp, #" + (loc - STACK) + "]" : "x" + loc;
    }

    /** Backtracks location {@code reg} (x0..x30, or {@link #STACK} + d) before instruction {@code i} and describes the site. */
    SyscallSite site(int i, int region, SyscallSite.Kind k, int reg, String callee) {
        visited = new HashSet<>();
        budget = BUDGET;
        Backtracker.Values v = before(i, reg, region);
        List<Integer> nrs = new ArrayList<>();
        boolean odd = false;
        for (long c : v.constants) {
            if (c >= 0 && c < 4096) {
                nrs.add((int) c);
            } else {
                odd = true;
            }
        }
        lastParams = v.params;
        StringBuilder note = new StringBuilder();
        if (callee != null) {
            note.append("number passed to ").append(callee).append(" in ").append(locationName(reg));
        }
        SyscallSite.Status status;
        if (v.unknown || odd) {
            status = nrs.isEmpty() && v.params == 0 ? SyscallSite.Status.UNRESOLVED : SyscallSite.Status.PARTIAL;
            (note.isEmpty() ? note : note.append("; ")).append(odd && !v.unknown ? "a constant that is no syscall number" : v.why);
        } else if (v.params != 0) {
            status = SyscallSite.Status.ARGUMENT;
            List<String> regs = new ArrayList<>();
            for (int r = 0; r < 32; r++) {
                if ((v.params & (1 << r)) != 0) {
                    regs.add(r < 16 ? "x" + r : "stack argument " + (r - 16));
                }
            }
            (note.isEmpty() ? note : note.append("; ")).append("number from argument ").append(String.join("/", regs))
                    .append(", resolved at the callers");
        } else if (nrs.isEmpty()) {
            status = SyscallSite.Status.UNRESOLVED;
            (note.isEmpty() ? note : note.append("; ")).append("no path to the site sets the number");
        } else {
            status = SyscallSite.Status.RESOLVED;
        }
        return new SyscallSite(m.addr[i], region, k, nrs.stream().mapToInt(Integer::intValue).toArray(), status,
                note.toString());
    }

    private Backtracker.Values before(int i, int reg, int region) {
        if (!visited.add(((long) i << 16) | reg)) {
            return new Backtracker.Values();
        }
        if (--budget < 0) {
            return Backtracker.Values.unknown("backtracking budget exhausted");
        }
        Backtracker.Values out = new Backtracker.Values();
        int[] preds = m.jumpsTo.getOrDefault(m.addr[i], new int[0]);
        boolean fall = i > 0 && m.fallsThrough(i - 1) && m.addr[i - 1] + 4 == m.addr[i];
        if (i <= 0 || m.regionStartInsn.get(i)) {
            int d = reg - STACK;
            if (m.regionOf(m.addr[i]) != region) {
                out.add(Backtracker.Values.unknown("value comes from the start of another function"));
            } else if (reg < (m.goAbi(region) ? 16 : 8)) {
                out.params |= 1 << reg;
            } else if (reg >= STACK && d >= 8 && d % 8 == 0 && (d - 8) / 8 < 16) {
                out.params |= 1 << (16 + (d - 8) / 8);
            } else {
                out.add(Backtracker.Values.unknown(locationName(reg) + " at the start of the function"));
            }
            if (fall) {
                out.add(after(i - 1, reg, region));
            }
            for (int p : preds) {
                if (m.regionOf(m.addr[p]) == region) {
                    out.add(before(p, reg, region));
                }
            }
            return out;
        }
        if (preds.length == 0 && !fall) {
            if (m.mnemonic[i].equals("nop")) {
                return out; // padding after a branch: never executed on the way to the site
            }
            return Backtracker.Values.unknown("block entered by an indirect jump");
        }
        if (fall) {
            out.add(after(i - 1, reg, region));
        }
        for (int p : preds) {
            out.add(before(p, reg, region));
        }
        return out;
    }

    private Backtracker.Values after(int j, int reg, int region) {
        byte k = m.kind[j];
        if (k == A64.CALL || k == A64.CALLR) {
            boolean clobbered = reg < STACK && (m.goAbi(region) ? reg != 28 && reg != 29 : reg <= 18);
            return clobbered ? Backtracker.Values.unknown(reg == 0 ? "return value of a call" : "register clobbered by a call")
                    : before(j, reg, region);
        }
        if (k == A64.SVC) {
            return reg == 0 ? Backtracker.Values.unknown("result of an earlier syscall") : before(j, reg, region);
        }
        if (k == A64.JMP || k == A64.JCC) {
            return before(j, reg, region);
        }
        String mn = m.mnemonic[j];
        String[] ops = A64.split(m.operands[j]);
        if (ops.length == 0) {
            return before(j, reg, region);
        }
        if (reg >= STACK) {
            return afterForSlot(j, reg - STACK, mn, ops, region);
        }
        int[] mem = ops.length >= 2 ? spOperand(ops) : null;
        boolean load = mn.startsWith("ld") && !mn.contains("x") && !mn.startsWith("ldadd");
        if (load && mem != null && mem[0] >= 0 && !ops[0].startsWith("w") && (mn.equals("ldr") || mn.equals("ldur"))
                && A64.register(ops[0]) == reg) {
            return slot(j, mem[0], region); // a 64-bit load from [sp + d] (before any writeback)
        }
        if (load && mem != null && mem[0] >= 0 && mn.equals("ldp") && ops.length >= 3 && !ops[0].startsWith("w")) {
            if (A64.register(ops[0]) == reg) {
                return slot(j, mem[0], region);
            }
            if (A64.register(ops[1]) == reg) {
                return slot(j, mem[0] + 8, region);
            }
        }
        boolean store = A64.isStore(mn);
        // pre-indexed ([x1, #16]!) and post-indexed ([x1], #16) addressing writes the base register
        for (int o = 0; o < ops.length; o++) {
            boolean pre = ops[o].startsWith("[") && ops[o].endsWith("!");
            boolean post = ops[o].startsWith("[") && ops[o].endsWith("]") && o + 1 < ops.length && ops[o + 1].startsWith("#");
            if ((pre || post) && A64.register(A64.split(ops[o].substring(1, ops[o].indexOf(']')))[0]) == reg) {
                return Backtracker.Values.unknown("base register written back by " + mn);
            }
        }
        if (store) {
            return before(j, reg, region);
        }
        int dst = A64.register(ops[0]);
        boolean pair = mn.startsWith("ldp") || mn.startsWith("ldnp") || mn.startsWith("ldxp") || mn.startsWith("ldaxp");
        if (pair && ops.length > 1 && A64.register(ops[1]) == reg) {
            return Backtracker.Values.unknown("loaded from memory by " + mn);
        }
        if (dst != reg) {
            return before(j, reg, region);
        }
        boolean w = ops[0].startsWith("w");
        long mask = w ? 0xffffffffL : -1L;
        switch (mn) {
            case "mov", "movz" -> {
                if (ops.length >= 2 && ops[1].startsWith("#")) {
                    long v = A64.lastImmediate(ops[1]);
                    if (ops.length == 3 && ops[2].startsWith("lsl #")) {
                        v <<= A64.lastImmediate(ops[2]);
                    }
                    return Backtracker.Values.of(v & mask);
                }
                int src = ops.length >= 2 ? A64.register(ops[1]) : -1;
                if (src == A64.XZR) {
                    return Backtracker.Values.of(0);
                }
                if (src >= 0 && src < A64.SP) {
                    return low32(before(j, src, region), w);
                }
                return Backtracker.Values.unknown("computed by " + mn);
            }
            case "uxtw", "sxtw" -> {
                int src = ops.length >= 2 ? A64.register(ops[1]) : -1;
                return src >= 0 && src < A64.SP ? low32(before(j, src, region), true)
                        : Backtracker.Values.unknown("computed by " + mn);
            }
            case "orr" -> {
                if (ops.length == 3 && A64.register(ops[1]) == A64.XZR && ops[2].startsWith("#")) {
                    return Backtracker.Values.of(A64.lastImmediate(ops[2]) & mask);
                }
                return Backtracker.Values.unknown("computed by orr");
            }
            case "add", "sub" -> {
                int src = A64.register(ops[1]);
                if (ops.length == 3 && ops[2].startsWith("#") && src >= 0 && src < A64.SP) {
                    long c = A64.lastImmediate(ops[2]);
                    long d = mn.equals("add") ? c : -c;
                    return before(j, src, region).map(x -> (x + d) & mask, mn);
                }
                return Backtracker.Values.unknown("computed by " + mn);
            }
            case "csel", "csinc" -> {
                Backtracker.Values v = new Backtracker.Values();
                for (int o = 1; o <= 2 && o < ops.length; o++) {
                    int src = A64.register(ops[o]);
                    long inc = mn.equals("csinc") && o == 2 ? 1 : 0;
                    v.add(src == A64.XZR ? Backtracker.Values.of(inc) : src >= 0 && src < A64.SP
                            ? before(j, src, region).map(x -> (x + inc) & mask, mn) : Backtracker.Values.unknown("computed by " + mn));
                }
                return v;
            }
            case "cset" -> {
                Backtracker.Values v = Backtracker.Values.of(0);
                v.constants.add(1L);
                return v;
            }
            default -> {
                return Backtracker.Values.unknown(mn.startsWith("ld") ? "loaded from memory" : "computed by " + mn);
            }
        }
    }

    /**
     * The {@code [sp, #d]} memory operand of an instruction as {offset of the access relative to sp
     * before the instruction, sp change}: {@code [sp, #-16]!} gives {-16, -16}, {@code [sp], #16} gives {0, 16},
     * {@code [sp, #8]} gives {8, 0}; null when the base is not sp or the offset is not constant.
     */
    static int[] spOperand(String[] ops) {
        int idx = -1;
        for (int i = 1; i < ops.length; i++) {
            if (ops[i].startsWith("[")) {
                idx = i;
                break;
            }
        }
        if (idx < 0) {
            return null;
        }
        String op = ops[idx];
        int close = op.indexOf(']');
        if (close < 0) {
            return null;
        }
        String[] inner = A64.split(op.substring(1, close));
        if (inner.length == 0 || A64.register(inner[0]) != A64.SP) {
            return null;
        }
        long off = inner.length > 1 ? A64.lastImmediate(inner[1]) : 0;
        if (inner.length > 1 && !inner[1].startsWith("#")) {
            return null;
        }
        if (op.endsWith("!")) {
            return new int[] {(int) off, (int) off};
        }
        if (idx + 1 < ops.length && ops[idx + 1].startsWith("#")) {
            return new int[] {0, (int) A64.lastImmediate(ops[idx + 1])};
        }
        return new int[] {(int) off, 0};
    }

    /** Values of the slot {@code [sp + d]} just after instruction {@code j}. */
    private Backtracker.Values afterForSlot(int j, int d, String mn, String[] ops, int region) {
        if (mn.equals("sub") || mn.equals("add")) {
            if (ops.length == 3 && A64.register(ops[0]) == A64.SP && A64.register(ops[1]) == A64.SP
                    && ops[2].startsWith("#")) {
                long c = A64.lastImmediate(ops[2]);
                return slot(j, d + (mn.equals("sub") ? -c : c), region);
            }
        }
        if (ops.length >= 1 && A64.register(ops[0]) == A64.SP && !A64.isStore(mn)) {
            return Backtracker.Values.unknown("stack pointer changed by " + mn);
        }
        int[] mem = spOperand(ops);
        if (mem == null) {
            return before(j, STACK + d, region); // accesses through other registers are assumed not to alias
        }
        // [sp_after + d] is [sp_before + d + change]
        int before = d + mem[1];
        boolean store = mn.startsWith("st") && !mn.contains("x");
        if (store) {
            int width = mn.endsWith("b") ? 1 : mn.endsWith("h") ? 2 : ops[0].startsWith("w") ? 4 : 8;
            boolean pair = mn.startsWith("stp") || mn.startsWith("stnp");
            int[] srcs = pair ? new int[] {A64.register(ops[0]), A64.register(ops[1])} : new int[] {A64.register(ops[0])};
            for (int s = 0; s < srcs.length; s++) {
                int at = mem[0] + s * width;
                if (at == before && width == 8) {
                    return srcs[s] == A64.XZR ? Backtracker.Values.of(0)
                            : srcs[s] >= 0 && srcs[s] < A64.SP ? before(j, srcs[s], region)
                            : Backtracker.Values.unknown("stored from " + ops[s]);
                }
                if (at < before + 8 && at + width > before) {
                    return Backtracker.Values.unknown("stack slot written by " + mn);
                }
            }
        }
        return slot(j, before, region);
    }

    private Backtracker.Values slot(int j, long d, int region) {
        if (d < 0 || d >= MAX_STACK_DISPLACEMENT) {
            return Backtracker.Values.unknown("slot outside the tracked frame");
        }
        return before(j, STACK + (int) d, region);
    }

    /**
     * A 32-bit copy: constants keep their low half; an argument stays an argument (a syscall
     * number fits in 32 bits, so the callers' constants are the numbers).
     */
    private static Backtracker.Values low32(Backtracker.Values v, boolean w) {
        if (!w) {
            return v;
        }
        Backtracker.Values out = new Backtracker.Values();
        v.constants.forEach(c -> out.constants.add(c & 0xffffffffL));
        out.unknown = v.unknown;
        out.why = v.why;
        out.params = v.params;
        return out;
    }

}
