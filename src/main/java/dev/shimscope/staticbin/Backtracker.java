package dev.shimscope.staticbin;

import dev.shimscope.elf.ElfFile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the values a register or a stack slot can hold just before an instruction by walking
 * backwards through the instructions of its basic block and, at a block start, through every
 * known predecessor (direct jumps to it and the fall-through), depth- and budget-limited. It
 * understands {@code mov} of immediates and registers, {@code xor/sub r,r}, {@code movzx/sx},
 * {@code cmov} (both values), {@code xchg}, {@code lea r,[r+imm]} and add/sub/and/or/inc/dec
 * with immediates; stores to and loads from {@code [rsp + d]}, pushes, pops and stack pointer
 * adjustments (Go spills the syscall number around {@code runtime.entersyscall}; Go's ABI0
 * assembly takes its arguments on the stack); calls clobber the registers their ABI does not
 * keep (System V, or Go's register ABI in Go functions) and leave the caller's stack slots alone;
 * anything else that writes the location makes the value unknown. Reaching the start of the
 * function with an argument register (or a stack argument) means the value is the function's
 * argument, resolved at its callers.
 */
final class Backtracker {

    private static final int MAX_VALUES = 64;
    private static final int BUDGET = 600;
    private static final Set<String> NO_WRITE = Set.of("cmp", "test", "bt", "push", "comisd", "comiss", "ucomisd",
            "ucomiss", "vcomisd", "vcomiss", "vucomisd", "vucomiss", "prefetcht0", "prefetchw", "nop", "endbr64",
            "clflush", "ptest", "vptest");

    private final ModuleScanner m;
    private final ElfFile elf;
    private final Capstone cs;
    private final Map<Integer, String[]> decoded = new HashMap<>();
    private Set<Long> visited;
    private int budget;
    /** Argument registers the last {@link #site} query reached at its function's entry. */
    int lastParams;

    Backtracker(ModuleScanner m, ElfFile elf, Capstone cs) {
        this.m = m;
        this.elf = elf;
        this.cs = cs;
    }

    /** A value set: constants, plus whether some path was not understood, plus entry registers reached. */
    static final class Values {
        final TreeSet<Long> constants = new TreeSet<>();
        boolean unknown;
        int params;
        String why;

        static Values unknown(String why) {
            Values v = new Values();
            v.unknown = true;
            v.why = why;
            return v;
        }

        static Values of(long c) {
            Values v = new Values();
            v.constants.add(c);
            return v;
        }

        void add(Values o) {
            constants.addAll(o.constants);
            unknown |= o.unknown;
            params |= o.params;
            if (why == null) {
                why = o.why;
            }
            if (constants.size() > MAX_VALUES) {
                constants.clear();
                unknown = true;
                why = "more than " + MAX_VALUES + " possible values";
            }
        }

        Values map(java.util.function.LongUnaryOperator f, String op) {
            Values v = new Values();
            for (long c : constants) {
                v.constants.add(f.applyAsLong(c));
            }
            v.unknown = unknown;
            v.why = why;
            if (params != 0) {
                v.unknown = true;
                v.why = "argument changed by " + op;
            }
            return v;
        }
    }

    /** While set, {@code lea r, [rip + X]} gives the address X as a constant (for the names passed to dlsym). */
    private boolean addresses;

    /**
     * The values of location {@code fam} before instruction {@code i}, with rip-relative
     * addresses as constants: what a call passes as a pointer to a string.
     */
    Values addressesBefore(int i, int region, int fam) {
        visited = new HashSet<>();
        budget = BUDGET;
        addresses = true;
        try {
            return before(i, fam, region);
        } finally {
            addresses = false;
        }
    }

    /** Backtracks location {@code fam} (see {@link X86#STACK}) before instruction {@code i} and describes the site. */
    SyscallSite site(int i, int region, SyscallSite.Kind kind, int fam, String callee) {
        visited = new HashSet<>();
        budget = BUDGET;
        Values v = before(i, fam, region);
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
        SyscallSite.Status status;
        StringBuilder note = new StringBuilder();
        if (callee != null) {
            note.append("number passed to ").append(callee).append(" in ").append(X86.locationName(fam));
        }
        if (v.unknown || odd) {
            status = nrs.isEmpty() && v.params == 0 ? SyscallSite.Status.UNRESOLVED : SyscallSite.Status.PARTIAL;
            sep(note).append(odd && !v.unknown ? "a constant that is no syscall number" : v.why);
        } else if (v.params != 0) {
            status = SyscallSite.Status.ARGUMENT;
            sep(note).append("number from argument ").append(registers(v.params)).append(", resolved at the callers");
        } else if (nrs.isEmpty()) {
            status = SyscallSite.Status.UNRESOLVED;
            sep(note).append("no path to the site sets the number");
        } else {
            status = SyscallSite.Status.RESOLVED;
        }
        return new SyscallSite(m.addr[i], region, kind, nrs.stream().mapToInt(Integer::intValue).toArray(), status,
                note.toString());
    }

    private static StringBuilder sep(StringBuilder sb) {
        return sb.isEmpty() ? sb : sb.append("; ");
    }

    private static String registers(int mask) {
        List<String> l = new ArrayList<>();
        for (int r = 0; r < 32; r++) {
            if ((mask & (1 << r)) != 0) {
                l.add(X86.parameterName(r));
            }
        }
        return String.join("/", l);
    }

    /** Values of {@code fam} just before instruction {@code i} executes. */
    private Values before(int i, int fam, int region) {
        if (!visited.add(((long) i << 16) | fam)) {
            return new Values(); // a loop: the values come in through another path
        }
        if (--budget < 0) {
            return Values.unknown("backtracking budget exhausted");
        }
        Values out = new Values();
        if (i <= 0 || m.regionStartInsn.get(i)) {
            int param = X86.parameterBit(fam, m.goAbi(region) ? X86.GO_ARGUMENT_REGISTERS : X86.ARGUMENT_REGISTERS);
            int r = m.regionOf(m.addr[i]);
            if (r != region) {
                out.add(Values.unknown("value comes from the start of another function"));
            } else if (param != 0) {
                out.params |= param;
            } else {
                out.add(Values.unknown(X86.locationName(fam) + " at the start of the function"));
            }
            if (i > 0 && m.fallsThrough(i - 1) && m.addr[i - 1] + m.size[i - 1] == m.addr[i]) {
                out.add(after(i - 1, fam, region));
            }
            for (int p : m.jumpSources(m.addr[i])) {
                if (m.regionOf(m.addr[p]) == region) {
                    out.add(before(p, fam, region));
                }
            }
            return out;
        }
        int[] preds = m.jumpSources(m.addr[i]);
        boolean fallThrough = m.fallsThrough(i - 1);
        if (preds.length == 0 && !fallThrough) {
            if (m.kind[i] == X86.NOP) {
                return out; // padding after a jump: never executed on the way to the site
            }
            return Values.unknown("block entered by an indirect jump");
        }
        if (fallThrough) {
            out.add(after(i - 1, fam, region));
        }
        for (int p : preds) {
            out.add(before(p, fam, region));
        }
        return out;
    }

    /** Values of {@code fam} just after instruction {@code j} executes. */
    private Values after(int j, int fam, int region) {
        byte k = m.kind[j];
        if (k == X86.CALL) {
            int clobbered = m.goAbi(region) ? X86.GO_CLOBBERED : X86.CALLER_SAVED;
            if (!X86.isStack(fam) && (clobbered & X86.bit(fam)) != 0) {
                return Values.unknown(fam == X86.RAX ? "return value of a call" : "register clobbered by a call");
            }
            return before(j, fam, region);
        }
        if (k == X86.SYSCALL) {
            if (fam == X86.RAX || fam == X86.RCX || fam == X86.R11) {
                return Values.unknown("result of an earlier syscall");
            }
            return before(j, fam, region);
        }
        if (k == X86.JCC || k == X86.JMP) {
            return before(j, fam, region);
        }
        if (X86.isStack(fam)) {
            return afterForSlot(j, fam, region);
        }
        String[] d = decode(j);
        String mn = d[0];
        String[] ops = X86.operands(d[1]);
        int implicit = implicitWrites(mn, ops.length);
        if ((implicit & X86.bit(fam)) != 0) {
            if ((mn.equals("cdqe") || mn.equals("cwde")) && fam == X86.RAX) {
                return before(j, fam, region);
            }
            return Values.unknown("set by " + mn);
        }
        if (ops.length == 0) {
            return before(j, fam, region);
        }
        if (mn.equals("xchg") && ops.length == 2) {
            int a = X86.family(ops[0]), b = X86.family(ops[1]);
            if (a == fam) {
                return b >= 0 ? before(j, b, region) : Values.unknown("exchanged with memory");
            }
            if (b == fam) {
                return a >= 0 ? before(j, a, region) : Values.unknown("exchanged with memory");
            }
            return before(j, fam, region);
        }
        if (mn.equals("xadd") && ops.length == 2 && X86.family(ops[1]) == fam) {
            return Values.unknown("set by xadd");
        }
        int[] dst = X86.register(ops[0]);
        if (dst == null || dst[0] != fam || NO_WRITE.contains(mn)) {
            return before(j, fam, region);
        }
        int width = dst[1];
        if (mn.equals("pop") && width == 8) {
            return before(j, X86.STACK, region);
        }
        String src = ops.length > 1 ? ops[1] : null;
        int[] slot = src == null ? null : X86.stackOperand(src);
        if (slot != null && width >= 4 && slot[1] >= width
                && (mn.equals("mov") || mn.equals("movsxd") || mn.equals("movzx"))) {
            Values v = before(j, X86.STACK + slot[0], region);
            return width == 4 ? v.map(c -> c & 0xffffffffL, "mov") : v;
        }
        Long imm = src == null ? null : X86.immediate(src);
        int[] srcReg = src == null ? null : X86.register(src);
        switch (mn) {
            case "mov", "movabs" -> {
                if (width < 4) {
                    return Values.unknown("partial register write");
                }
                if (imm != null) {
                    return Values.of(width == 4 ? imm & 0xffffffffL : imm);
                }
                if (srcReg != null && srcReg[0] != X86.RIP) {
                    Values v = before(j, srcReg[0], region);
                    return width == 4 ? v.map(c -> c & 0xffffffffL, "mov") : v;
                }
                return src == null ? Values.unknown("loaded from memory") : initialValue(j, src, width);
            }
            case "movzx", "movsx", "movsxd" -> {
                if (srcReg != null) {
                    return before(j, srcReg[0], region);
                }
                return Values.unknown("loaded from memory");
            }
            case "xor", "sub", "sbb" -> {
                if (srcReg != null && srcReg[0] == fam) {
                    if (!mn.equals("sbb")) {
                        return Values.of(0);
                    }
                    Values v = Values.of(0); // sbb r,r is -CF: 0 or all ones
                    v.constants.add(width == 4 ? 0xffffffffL : -1L);
                    return v;
                }
                if (imm != null && width >= 4) {
                    long c = imm;
                    long mask = width == 4 ? 0xffffffffL : -1L;
                    Values v = before(j, fam, region);
                    return mn.equals("xor") ? v.map(x -> (x ^ c) & mask, mn)
                            : mn.equals("sub") ? v.map(x -> (x - c) & mask, mn) : Values.unknown("set by sbb");
                }
                return Values.unknown("computed by " + mn);
            }
            case "add", "and", "or" -> {
                if (imm != null && width >= 4) {
                    long c = imm;
                    long mask = width == 4 ? 0xffffffffL : -1L;
                    Values v = before(j, fam, region);
                    return switch (mn) {
                        case "add" -> v.map(x -> (x + c) & mask, mn);
                        case "and" -> v.map(x -> x & c & mask, mn);
                        default -> v.map(x -> (x | c) & mask, mn);
                    };
                }
                return Values.unknown("computed by " + mn);
            }
            case "inc", "dec" -> {
                long c = mn.equals("inc") ? 1 : -1;
                return before(j, fam, region).map(x -> x + c, mn);
            }
            case "lea" -> {
                if (addresses && src != null && width == 8) {
                    Long disp = X86.ripDisplacement(src);
                    if (disp != null) {
                        return Values.of(m.addr[j] + m.size[j] + disp);
                    }
                }
                if (src != null && width >= 4) {
                    Object[] base = leaBase(src);
                    if (base != null) {
                        long c = (Long) base[1];
                        return before(j, (Integer) base[0], region).map(x -> x + c, "lea");
                    }
                }
                return Values.unknown("computed by lea");
            }
            default -> {
                if (mn.startsWith("cmov")) {
                    Values v = new Values();
                    v.add(before(j, fam, region));
                    v.add(srcReg != null ? before(j, srcReg[0], region) : Values.unknown("conditionally loaded from memory"));
                    return v;
                }
                return Values.unknown("computed by " + mn);
            }
        }
    }

    /**
     * A number loaded from a global variable (Go keeps some syscall numbers in package variables,
     * e.g. internal/syscall/unix's fcntl number): the variable's initial value in the file is
     * counted, and the site stays partial because the program may have changed it.
     */
    private Values initialValue(int j, String src, int width) {
        Long disp = X86.ripDisplacement(src);
        Long abs = disp == null ? X86.absoluteAddress(src) : null;
        if (disp == null && abs == null) {
            return Values.unknown("loaded from memory");
        }
        long at = disp != null ? m.addr[j] + m.size[j] + disp : abs;
        var sec = elf.sectionAt(at).orElse(null);
        if (sec == null || sec.executable() || !sec.hasFileBytes() || at + width > sec.address() + sec.size()
                || elf.relocationAt(at) != null) {
            return Values.unknown("loaded from memory");
        }
        long off = sec.offset() + (at - sec.address());
        long v = width == 8 ? elf.bytes().get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, off)
                : Integer.toUnsignedLong(elf.bytes().get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, off));
        Values out = Values.of(v);
        out.unknown = true;
        out.why = String.format("loaded from the variable at 0x%x: its initial value %d counted", at, v);
        return out;
    }

    /** Values of the stack slot {@code slot} just after instruction {@code j}: stores, pushes, pops and rsp arithmetic. */
    private Values afterForSlot(int j, int slot, int region) {
        int d = slot - X86.STACK;
        String[] dec = decode(j);
        String mn = dec[0];
        String[] ops = X86.operands(dec[1]);
        switch (mn) {
            case "push" -> {
                if (d >= 8) {
                    return before(j, slot - 8, region);
                }
                if (d != 0 || ops.length != 1) {
                    return Values.unknown("partly overwritten by push");
                }
                Long imm = X86.immediate(ops[0]);
                int[] reg = X86.register(ops[0]);
                if (imm != null) {
                    return Values.of(imm);
                }
                return reg != null && reg[1] == 8 && reg[0] != X86.RIP ? before(j, reg[0], region)
                        : Values.unknown("pushed from memory");
            }
            case "pop" -> {
                return d + 8 < X86.MAX_STACK_DISPLACEMENT ? before(j, slot + 8, region) : Values.unknown("deep stack slot");
            }
            case "leave", "enter" -> {
                return Values.unknown("stack frame changed by " + mn);
            }
            default -> {
            }
        }
        if (ops.length == 0) {
            return before(j, slot, region);
        }
        int[] dst = X86.register(ops[0]);
        if (dst != null && dst[0] == X86.RSP && !NO_WRITE.contains(mn)) {
            Long imm = ops.length > 1 ? X86.immediate(ops[1]) : null;
            if (imm != null && (mn.equals("sub") || mn.equals("add"))) {
                long before = mn.equals("sub") ? d - imm : d + imm;
                if (before < 0 || before >= X86.MAX_STACK_DISPLACEMENT) {
                    return Values.unknown("slot outside the tracked frame");
                }
                return before(j, X86.STACK + (int) before, region);
            }
            return Values.unknown("stack pointer changed by " + mn);
        }
        int[] mem = X86.stackOperand(ops[0]);
        if (mem == null || NO_WRITE.contains(mn) || mn.startsWith("cmp") || mn.startsWith("test")) {
            // stores through other registers are assumed not to alias the stack slot
            return before(j, slot, region);
        }
        boolean overlaps = mem[0] < d + 8 && mem[0] + mem[1] > d;
        if (!overlaps) {
            return before(j, slot, region);
        }
        if (mn.equals("mov") && mem[0] == d && mem[1] >= 4 && ops.length == 2) {
            Long imm = X86.immediate(ops[1]);
            int[] src = X86.register(ops[1]);
            long mask = mem[1] == 4 ? 0xffffffffL : -1L;
            if (imm != null) {
                return Values.of(imm & mask);
            }
            if (src != null && src[0] != X86.RIP) {
                Values v = before(j, src[0], region);
                return mem[1] == 4 ? v.map(c -> c & mask, "store") : v;
            }
        }
        return Values.unknown("stack slot written by " + mn);
    }

    /** {@code [reg]}, {@code [reg + 0x10]}, {@code [reg - 8]} as {register family, displacement}; else null. */
    private static Object[] leaBase(String operand) {
        int open = operand.indexOf('['), close = operand.indexOf(']');
        if (open < 0 || close < open) {
            return null;
        }
        String inner = operand.substring(open + 1, close).trim();
        String[] parts = inner.split(" ");
        int[] reg = X86.register(parts[0]);
        if (reg == null || reg[0] == X86.RIP) {
            return null;
        }
        if (parts.length == 1) {
            return new Object[] {reg[0], 0L};
        }
        if (parts.length == 3 && (parts[1].equals("+") || parts[1].equals("-"))) {
            Long d = X86.immediate(parts[2]);
            if (d == null) {
                return null;
            }
            return new Object[] {reg[0], parts[1].equals("+") ? d : -d};
        }
        return null;
    }

    /** Register families an instruction writes without naming them as its first operand. */
    private static int implicitWrites(String mn, int operands) {
        int ax = X86.bit(X86.RAX), dx = X86.bit(X86.RDX), cx = X86.bit(X86.RCX), bx = X86.bit(X86.RBX);
        int di = X86.bit(X86.RDI), si = X86.bit(X86.RSI);
        String base = mn;
        int sp = base.lastIndexOf(' ');
        boolean rep = false;
        if (sp >= 0) {
            rep = base.startsWith("rep");
            base = base.substring(sp + 1);
        }
        int w = rep ? cx : 0;
        if (base.startsWith("movs") && operands == 2 && !base.equals("movsx") && !base.equals("movsxd")
                && !base.equals("movsd") && !base.equals("movss")) {
            return w | di | si;
        }
        if (base.startsWith("stos")) {
            return w | di;
        }
        if (base.startsWith("lods")) {
            return w | si | ax;
        }
        if (base.startsWith("scas") || base.startsWith("cmps")) {
            return w | di | si;
        }
        return switch (base) {
            case "cdq", "cqo", "cwd" -> dx;
            case "cdqe", "cwde", "cbw" -> ax;
            case "cpuid" -> ax | bx | cx | dx;
            case "rdtsc", "xgetbv", "rdpkru", "rdmsr" -> ax | dx;
            case "rdtscp" -> ax | cx | dx;
            case "mul", "div", "idiv" -> ax | dx;
            case "imul" -> operands == 1 ? ax | dx : 0;
            case "cmpxchg", "cmpxchg8b", "cmpxchg16b" -> ax | dx;
            case "loop", "loope", "loopne" -> cx;
            case "syscall" -> ax | cx | X86.bit(X86.R11);
            default -> w;
        };
    }

    private String[] decode(int j) {
        String[] d = decoded.get(j);
        if (d == null) {
            d = m.redecode(j);
            decoded.put(j, d);
        }
        return d;
    }
}
