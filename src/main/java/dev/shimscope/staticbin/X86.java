package dev.shimscope.staticbin;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the scanner needs to know about x86-64 instructions and registers: a coarse kind per
 * capstone instruction id, register names grouped into families (rax/eax/ax/al are one), and
 * parsing of capstone's Intel-syntax operand text (immediates, rip-relative memory operands).
 */
final class X86 {

    static final byte OTHER = 0, CALL = 1, JMP = 2, JCC = 3, RET = 4, SYSCALL = 5, SYSENTER = 6, INT = 7, HLT = 8,
            UD2 = 9, MOV = 10, LEA = 11, PUSH = 12, NOP = 13;
    /** Returned by the byte parsers when the text is not what was asked for. */
    static final long NONE = Long.MIN_VALUE;

    static final int RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7, R8 = 8, R9 = 9, R10 = 10,
            R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15, RIP = 16, NO_REGISTER = -1;
    static final String[] FAMILY_NAMES = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10",
            "r11", "r12", "r13", "r14", "r15", "rip"};
    /** Registers a call may clobber (System V ABI). */
    static final int CALLER_SAVED = bit(RAX) | bit(RCX) | bit(RDX) | bit(RSI) | bit(RDI) | bit(R8) | bit(R9) | bit(R10) | bit(R11);
    /** Registers that carry integer arguments, in order. */
    static final int[] ARGUMENT_REGISTERS = {RDI, RSI, RDX, RCX, R8, R9};
    /** Go's register ABI (ABIInternal, Go 1.17+): integer arguments, in order. */
    static final int[] GO_ARGUMENT_REGISTERS = {RAX, RBX, RCX, RDI, RSI, R8, R9, R10, R11};
    /** Go's ABI keeps nothing across a call but the stack and frame pointers, g (r14) and the GOT pointer (r15). */
    static final int GO_CLOBBERED = 0xffff & ~(bit(RSP) | bit(RBP) | bit(R14) | bit(R15));
    /**
     * Backtracking locations: 0..15 are register families, {@code STACK + d} is the stack slot
     * {@code [rsp + d]} as seen at that point. Parameter masks use bits 0..15 for registers and
     * {@code 16 + k} for the k-th word passed on the stack ({@code [rsp + 8 + 8k]} at entry).
     */
    static final int STACK = 64, MAX_STACK_DISPLACEMENT = 4096, STACK_PARAMS = 16;

    /** family and width in bytes of every general-purpose register name */
    private static final Map<String, int[]> REGISTERS = new HashMap<>();

    static {
        String[][] legacy = {
                {"rax", "eax", "ax", "al", "ah"}, {"rcx", "ecx", "cx", "cl", "ch"}, {"rdx", "edx", "dx", "dl", "dh"},
                {"rbx", "ebx", "bx", "bl", "bh"}, {"rsp", "esp", "sp", "spl"}, {"rbp", "ebp", "bp", "bpl"},
                {"rsi", "esi", "si", "sil"}, {"rdi", "edi", "di", "dil"}};
        int[] widths = {8, 4, 2, 1, 1};
        for (int f = 0; f < legacy.length; f++) {
            for (int i = 0; i < legacy[f].length; i++) {
                REGISTERS.put(legacy[f][i], new int[] {f, widths[i]});
            }
        }
        for (int n = 8; n <= 15; n++) {
            REGISTERS.put("r" + n, new int[] {n, 8});
            REGISTERS.put("r" + n + "d", new int[] {n, 4});
            REGISTERS.put("r" + n + "w", new int[] {n, 2});
            REGISTERS.put("r" + n + "b", new int[] {n, 1});
        }
        REGISTERS.put("rip", new int[] {RIP, 8});
    }

    private X86() {
    }

    static int bit(int family) {
        return 1 << family;
    }

    static boolean isStack(int location) {
        return location >= STACK;
    }

    /** {@code rax}, or {@code [rsp + 0x40]} for a stack slot. */
    static String locationName(int location) {
        if (!isStack(location)) {
            return FAMILY_NAMES[location];
        }
        int d = location - STACK;
        return d == 0 ? "[rsp]" : "[rsp + 0x" + Integer.toHexString(d) + "]";
    }

    /** The parameter bit of a location at a function's entry, or 0 when it is no parameter there. */
    static int parameterBit(int location, int[] argumentRegisters) {
        if (!isStack(location)) {
            for (int a : argumentRegisters) {
                if (a == location) {
                    return bit(location);
                }
            }
            return 0;
        }
        int d = location - STACK;
        int k = (d - 8) / 8;
        return d >= 8 && d % 8 == 0 && k < STACK_PARAMS ? 1 << (16 + k) : 0;
    }

    /** Where parameter {@code bitIndex} is just before a call ({@code call}) or a tail jump to the function. */
    static int parameterLocation(int bitIndex, boolean call) {
        return bitIndex < 16 ? bitIndex : STACK + 8 * (bitIndex - 16) + (call ? 0 : 8);
    }

    /** {@code rdi}, or {@code stack argument 0}. */
    static String parameterName(int bitIndex) {
        return bitIndex < 16 ? FAMILY_NAMES[bitIndex] : "stack argument " + (bitIndex - 16);
    }

    /**
     * {displacement, width} of an {@code [rsp]} / {@code [rsp + d]} memory operand (no index,
     * displacement 0..4095), width from the size prefix (8 when there is none); else null.
     */
    static int[] stackOperand(String operand) {
        int open = operand.indexOf("[rsp");
        if (open < 0) {
            return null;
        }
        int close = operand.indexOf(']', open);
        if (close < 0) {
            return null;
        }
        String inner = operand.substring(open + 4, close).trim();
        long d;
        if (inner.isEmpty()) {
            d = 0;
        } else if (inner.startsWith("+ ")) {
            Long v = immediate(inner.substring(2));
            if (v == null) {
                return null; // an index register
            }
            d = v;
        } else {
            return null;
        }
        if (d < 0 || d >= MAX_STACK_DISPLACEMENT) {
            return null;
        }
        int width = operand.startsWith("qword") ? 8 : operand.startsWith("dword") ? 4 : operand.startsWith("word") ? 2
                : operand.startsWith("byte") ? 1 : operand.startsWith("xmmword") ? 16 : operand.startsWith("ymmword") ? 32 : 8;
        return new int[] {(int) d, width};
    }

    /** Kind of every capstone instruction id. */
    static byte[] kinds(String[] names) {
        byte[] k = new byte[names.length];
        for (int id = 0; id < names.length; id++) {
            k[id] = names[id] == null ? OTHER : kindOf(names[id]);
        }
        return k;
    }

    static byte kindOf(String name) {
        return switch (name) {
            case "call", "lcall" -> CALL;
            case "jmp", "ljmp" -> JMP;
            case "ret", "retf", "retfq", "iret", "iretd", "iretq", "sysret", "sysexit" -> RET;
            case "syscall" -> SYSCALL;
            case "sysenter" -> SYSENTER;
            case "int" -> INT;
            case "hlt" -> HLT;
            case "ud2", "ud2b", "ud0", "ud1" -> UD2;
            case "mov", "movabs" -> MOV;
            case "lea" -> LEA;
            case "push" -> PUSH;
            case "nop", "int3" -> NOP;
            case "jcxz", "jecxz", "jrcxz", "loop", "loope", "loopne" -> JCC;
            default -> name.length() <= 4 && name.startsWith("j") ? JCC : OTHER;
        };
    }

    /** {family, width} of a register name, or null. */
    static int[] register(String name) {
        return REGISTERS.get(name.toLowerCase(Locale.ROOT));
    }

    static int family(String operand) {
        int[] r = register(operand.trim());
        return r == null ? NO_REGISTER : r[0];
    }

    /** Splits capstone's operand text at the commas between operands. */
    static String[] operands(String opStr) {
        if (opStr.isEmpty()) {
            return new String[0];
        }
        java.util.List<String> parts = new java.util.ArrayList<>(3);
        int from = 0;
        while (true) {
            int comma = opStr.indexOf(", ", from);
            if (comma < 0) {
                parts.add(opStr.substring(from).trim());
                return parts.toArray(new String[0]);
            }
            parts.add(opStr.substring(from, comma).trim());
            from = comma + 2;
        }
    }

    /** An immediate operand ({@code 0x1f}, {@code -0x10}, {@code 12}) or null. */
    static Long immediate(String operand) {
        String s = operand.trim();
        boolean neg = s.startsWith("-");
        if (neg) {
            s = s.substring(1);
        }
        try {
            long v;
            if (s.startsWith("0x")) {
                v = Long.parseUnsignedLong(s.substring(2), 16);
            } else if (!s.isEmpty() && Character.isDigit(s.charAt(0))) {
                v = Long.parseLong(s);
            } else {
                return null;
            }
            return neg ? -v : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The displacement of a {@code [rip + 0x...]} memory operand (possibly with a size prefix
     * such as {@code qword ptr}), or null when the operand is not rip-relative.
     */
    static Long ripDisplacement(String operand) {
        int open = operand.indexOf("[rip");
        if (open < 0) {
            return null;
        }
        int close = operand.indexOf(']', open);
        String inner = operand.substring(open + 4, close < 0 ? operand.length() : close).trim();
        if (inner.isEmpty()) {
            return 0L;
        }
        boolean neg = inner.startsWith("-");
        if (!neg && !inner.startsWith("+")) {
            return null; // e.g. [rip + rax*8] cannot be written, but be safe
        }
        Long v = immediate(inner.substring(1).trim());
        if (v == null) {
            return null;
        }
        return neg ? -v : v;
    }

    /** An absolute memory operand such as {@code qword ptr [0x404018]} (non-PIE code), or null. */
    static Long absoluteAddress(String operand) {
        int open = operand.indexOf('[');
        int close = operand.indexOf(']');
        if (open < 0 || close < open) {
            return null;
        }
        String inner = operand.substring(open + 1, close).trim();
        return inner.startsWith("0x") ? immediate(inner) : null;
    }

    // ---- the same on operand bytes (hot path: no String per instruction) -------------------

    /** The immediate spanning {@code b[from, to)} (hex with 0x, or decimal, optional minus), or {@link #NONE}. */
    static long immediate(byte[] b, int from, int to) {
        while (from < to && b[from] == ' ') {
            from++;
        }
        boolean neg = from < to && b[from] == '-';
        if (neg) {
            from++;
        }
        if (from >= to) {
            return NONE;
        }
        long v = 0;
        if (to - from > 2 && b[from] == '0' && b[from + 1] == 'x') {
            if (to - from - 2 > 16) {
                return NONE;
            }
            for (int i = from + 2; i < to; i++) {
                int d = Character.digit(b[i], 16);
                if (d < 0) {
                    return NONE;
                }
                v = (v << 4) | d;
            }
        } else {
            for (int i = from; i < to; i++) {
                if (b[i] < '0' || b[i] > '9' || i - from > 18) {
                    return NONE;
                }
                v = v * 10 + (b[i] - '0');
            }
        }
        return neg ? -v : v;
    }

    /** Index of ", " separating the first operand from the second, or -1. */
    static int comma(byte[] b, int len) {
        for (int i = 0; i + 1 < len; i++) {
            if (b[i] == ',' && b[i + 1] == ' ') {
                return i;
            }
        }
        return -1;
    }

    static boolean hasBracket(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '[') {
                return true;
            }
        }
        return false;
    }

    /** The displacement of a {@code [rip ...]} operand within {@code b[from, to)}, or {@link #NONE}. */
    static long ripDisplacement(byte[] b, int from, int to) {
        for (int i = from; i + 3 < to; i++) {
            if (b[i] == '[' && b[i + 1] == 'r' && b[i + 2] == 'i' && b[i + 3] == 'p') {
                int j = i + 4;
                int close = j;
                while (close < to && b[close] != ']') {
                    close++;
                }
                while (j < close && b[j] == ' ') {
                    j++;
                }
                if (j == close) {
                    return 0;
                }
                boolean neg = b[j] == '-';
                if (!neg && b[j] != '+') {
                    return NONE;
                }
                long v = immediate(b, j + 1, close);
                return v == NONE ? NONE : neg ? -v : v;
            }
        }
        return NONE;
    }

    /** An absolute memory operand {@code [0x404018]} within {@code b[from, to)}, or {@link #NONE}. */
    static long absoluteAddress(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '[') {
                int close = i + 1;
                while (close < to && b[close] != ']') {
                    close++;
                }
                if (close - i > 3 && b[i + 1] == '0' && b[i + 2] == 'x') {
                    return immediate(b, i + 1, close);
                }
                return NONE;
            }
        }
        return NONE;
    }

    static boolean isMemory(String operand) {
        return operand.indexOf('[') >= 0;
    }
}
