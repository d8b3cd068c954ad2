package dev.shimscope.staticbin;

import java.util.ArrayList;
import java.util.List;

/**
 * What the aarch64 scanner needs to know about A64 instructions: a coarse kind per capstone
 * instruction id, register numbers from capstone's operand text (x5 and w5 are one register,
 * xzr/wzr the zero register), splitting operand text at top-level commas, immediates.
 */
final class A64 {

    static final byte OTHER = 0, CALL = 1, JMP = 2, JCC = 3, RET = 4, SVC = 5, STOP = 6, CALLR = 7, JMPR = 8, ADRP = 9,
            ADR = 10, ADD = 11, LDR = 12;
    /** Register numbers beyond x0..x30. */
    static final int SP = 31, XZR = 32;

    private A64() {
    }

    /** Kind of every capstone ARM64 instruction id (b.cond shares b's id: the scanner tells them apart). */
    static byte[] kinds(String[] names) {
        byte[] k = new byte[names.length];
        for (int id = 0; id < names.length; id++) {
            String n = names[id];
            if (n == null) {
                continue;
            }
            k[id] = switch (n) {
                case "bl" -> CALL;
                case "b" -> JMP;
                case "cbz", "cbnz", "tbz", "tbnz" -> JCC;
                case "ret", "retaa", "retab", "eret" -> RET;
                case "svc" -> SVC;
                case "brk", "udf", "hlt" -> STOP;
                case "blr", "blraa", "blraaz", "blrab", "blrabz" -> CALLR;
                case "br", "braa", "braaz", "brab", "brabz" -> JMPR;
                case "adrp" -> ADRP;
                case "adr" -> ADR;
                case "add" -> ADD;
                case "ldr" -> LDR;
                default -> OTHER;
            };
        }
        return k;
    }

    /** The last {@code #imm} operand (a branch or adrp target), or 0. */
    static long lastImmediate(String ops) {
        int h = ops.lastIndexOf('#');
        if (h < 0) {
            return 0;
        }
        Long v = X86.immediate(ops.substring(h + 1).trim());
        return v == null ? 0 : v;
    }

    /** Instructions whose first register operand is read, not written (stores, compares, barriers). */
    static boolean isStore(String mn) {
        return (mn.startsWith("st") && !mn.contains("xr") && !mn.contains("xp")) || mn.startsWith("cmp")
                || mn.startsWith("cmn") || mn.startsWith("tst") || mn.startsWith("ccm") || mn.startsWith("prfm")
                || mn.startsWith("fcmp") || mn.equals("msr") || mn.startsWith("dmb") || mn.startsWith("dsb");
    }

    /** Register number of {@code x5}/{@code w5} (0..30), 31 for sp, {@link #XZR} for xzr/wzr, else -1. */
    static int register(String op) {
        String o = op.trim();
        if (o.equals("xzr") || o.equals("wzr")) {
            return XZR;
        }
        if (o.equals("sp") || o.equals("wsp")) {
            return SP;
        }
        if (o.equals("x29") || o.equals("fp")) {
            return 29;
        }
        if (o.equals("x30") || o.equals("lr")) {
            return 30;
        }
        if (o.length() >= 2 && o.length() <= 3 && (o.charAt(0) == 'x' || o.charAt(0) == 'w')) {
            try {
                int n = Integer.parseInt(o.substring(1));
                return n <= 30 ? n : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    /** The text of the first operand. */
    static String firstOperand(String ops) {
        int c = ops.indexOf(',');
        return c < 0 ? ops : ops.substring(0, c);
    }

    /** Splits operand text at top-level ", " (not inside [...]). */
    static String[] split(String ops) {
        List<String> out = new ArrayList<>(4);
        int depth = 0, from = 0;
        for (int i = 0; i < ops.length(); i++) {
            char c = ops.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(ops.substring(from, i).trim());
                from = i + 1;
            }
        }
        String last = ops.substring(from).trim();
        if (!last.isEmpty()) {
            out.add(last);
        }
        return out.toArray(String[]::new);
    }
}
