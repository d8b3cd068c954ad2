package dev.shimscope.staticbin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@link Backtracker} of aarch64 code: the values a register (x0..x30) can hold before an
 * instruction, walking backwards through its block and every direct-branch predecessor and the
 * fall-through, budget-limited. It understands {@code mov}/{@code movz}/{@code orr} of
 * immediates, register copies (a 32-bit copy of an argument stays the argument), {@code
 * uxtw}/{@code sxtw}, {@code add}/{@code sub} of immediates and {@code csel}/{@code csinc}/{@code
 * cset}; a call clobbers x0–x18 (AAPCS64), {@code svc} x0; anything else that writes the register
 * makes the value unknown. x0–x7 at the function's entry are arguments, resolved at the callers.
 */
final class Arm64Backtracker {

    private static final int BUDGET = 600;

    private final Arm64Scanner m;
    private Set<Long> visited;
    private int budget;
    /** Argument registers the last {@link #site} query reached at its function's entry. */
    int lastParams;

    Arm64Backtracker(Arm64Scanner m) {
        this.m = m;
    }

    /** Backtracks register {@code reg} (x0..x30) before instruction {@code i} and describes the site. */
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
            note.append("number passed to ").append(callee).append(" in x").append(reg);
        }
        SyscallSite.Status status;
        if (v.unknown || odd) {
            status = nrs.isEmpty() && v.params == 0 ? SyscallSite.Status.UNRESOLVED : SyscallSite.Status.PARTIAL;
            (note.isEmpty() ? note : note.append("; ")).append(odd && !v.unknown ? "a constant that is no syscall number" : v.why);
        } else if (v.params != 0) {
            status = SyscallSite.Status.ARGUMENT;
            List<String> regs = new ArrayList<>();
            for (int r = 0; r < 8; r++) {
                if ((v.params & (1 << r)) != 0) {
                    regs.add("x" + r);
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
        if (!visited.add(((long) i << 6) | reg)) {
            return new Backtracker.Values();
        }
        if (--budget < 0) {
            return Backtracker.Values.unknown("backtracking budget exhausted");
        }
        Backtracker.Values out = new Backtracker.Values();
        int[] preds = m.jumpsTo.getOrDefault(m.addr[i], new int[0]);
        boolean fall = i > 0 && m.fallsThrough(i - 1) && m.addr[i - 1] + 4 == m.addr[i];
        if (i <= 0 || m.regionStartInsn.get(i)) {
            if (m.regionOf(m.addr[i]) != region) {
                out.add(Backtracker.Values.unknown("value comes from the start of another function"));
            } else if (reg < 8) {
                out.params |= 1 << reg;
            } else {
                out.add(Backtracker.Values.unknown("x" + reg + " at the start of the function"));
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
            return reg <= 18 ? Backtracker.Values.unknown(reg == 0 ? "return value of a call" : "register clobbered by a call")
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
