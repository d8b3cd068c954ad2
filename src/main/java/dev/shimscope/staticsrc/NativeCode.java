package dev.shimscope.staticsrc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of a program that is not LLVM IR: assembler objects linked beside the bitcode (for
 * musl on x86_64: {@code syscall_cp.s}, {@code clone.s}, {@code vfork.s}, {@code restore.s},
 * {@code __set_thread_area.s}, {@code __unmapself.s}, the string and math routines, crti/crtn),
 * read from {@code llvm-objdump -d -r} output. Each symbol is a function whose code runs from its
 * label to the next label that the code before it cannot fall through to (after a ret, jmp, hlt
 * or ud2). For each: its {@code syscall} sites with the number found by a straight-line
 * backward scan (a constant moved into rax/eax, {@code xor eax,eax} then {@code mov al}, or an
 * argument register moved into rax, which makes the number the caller's argument), the symbols
 * its relocations name (calls, jumps, addresses: all edges), and whether it calls through a
 * register.
 */
final class NativeCode {

    /** A syscall site: a constant number, an argument index (0 = rdi), or neither (unresolved, with why). */
    record Site(String function, String object, String address, Long number, int argument, String note) {
    }

    /** One native function. */
    record Function(String name, String object, List<Site> sites, Set<String> references, boolean callsThroughRegister) {
    }

    private static final Pattern MEMBER = Pattern.compile("^(\\S.*):\\s+file format (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("^[0-9a-f]+ <(.+)>:$");
    private static final Pattern INSN = Pattern.compile("^\\s*([0-9a-f]+):\\s+(\\S+)(?:\\s+(.*?))?\\s*(?:#.*)?$");
    private static final Pattern RELOC = Pattern.compile("^\\s*[0-9a-f]+:\\s+R_X86_64_\\w+\\s+([^\\s+-]+)");
    private static final Pattern TARGET_SYMBOL = Pattern.compile("<([^+>]+)(?:\\+0x[0-9a-f]+)?>");
    private static final Pattern JUMP_TARGET = Pattern.compile("^0x([0-9a-f]+)");
    private static final List<String> ARG_REGS = List.of("rdi", "rsi", "rdx", "rcx", "r8", "r9");
    private static final Set<String> RAX = Set.of("%rax", "%eax", "%ax", "%al", "%ah");

    final Map<String, Function> functions = new LinkedHashMap<>();

    private record Insn(long address, String mnemonic, String operands, List<String> relocations) {
    }

    /**
     * Parses objdump output; {@code keep} names the objects to use ({@code path} or
     * {@code path(member)} as the linker's trace prints them), null for all.
     */
    static NativeCode parse(String objdump, Set<String> keep) throws IOException {
        NativeCode code = new NativeCode();
        String object = null;
        boolean use = false;
        List<Insn> insns = new ArrayList<>();
        Map<String, Integer> labels = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new StringReader(objdump))) {
            String line;
            while ((line = r.readLine()) != null) {
                Matcher mm = MEMBER.matcher(line);
                if (mm.matches()) {
                    code.section(object, insns, labels);
                    object = mm.group(1);
                    use = (keep == null || keep.contains(object)) && mm.group(2).startsWith("elf64-x86-64");
                    insns = new ArrayList<>();
                    labels = new LinkedHashMap<>();
                    continue;
                }
                if (!use) {
                    continue;
                }
                if (line.startsWith("Disassembly of section ")) {
                    code.section(object, insns, labels);
                    insns = new ArrayList<>();
                    labels = new LinkedHashMap<>();
                    continue;
                }
                Matcher lm = LABEL.matcher(line);
                if (lm.matches()) {
                    labels.putIfAbsent(lm.group(1), insns.size());
                    continue;
                }
                Matcher rm = RELOC.matcher(line);
                if (rm.find() && !insns.isEmpty()) {
                    insns.getLast().relocations().add(rm.group(1));
                    continue;
                }
                Matcher im = INSN.matcher(line);
                if (im.matches()) {
                    insns.add(new Insn(Long.parseLong(im.group(1), 16), im.group(2),
                            im.group(3) == null ? "" : im.group(3).strip(), new ArrayList<>()));
                }
            }
        }
        code.section(object, insns, labels);
        return code;
    }

    private void section(String object, List<Insn> insns, Map<String, Integer> labels) {
        if (object == null || insns.isEmpty()) {
            return;
        }
        Set<Long> jumpTargets = new HashSet<>();
        for (Insn i : insns) {
            if (i.mnemonic().startsWith("j")) {
                Matcher m = JUMP_TARGET.matcher(i.operands());
                if (m.find()) {
                    jumpTargets.add(Long.parseLong(m.group(1), 16));
                }
            }
        }
        Set<Integer> labelStarts = new HashSet<>(labels.values());
        for (Map.Entry<String, Integer> e : labels.entrySet()) {
            String name = e.getKey();
            if (name.startsWith(".")) {
                continue; // the section's own name, not a symbol
            }
            int start = e.getValue();
            List<Site> sites = new ArrayList<>();
            Set<String> refs = new LinkedHashSet<>();
            boolean viaRegister = false;
            for (int k = start; k < insns.size(); k++) {
                if (k > start && labelStarts.contains(k) && endsFlow(insns.get(k - 1))) {
                    break; // the next symbol, not reached by falling through
                }
                Insn i = insns.get(k);
                refs.addAll(i.relocations());
                Matcher target = TARGET_SYMBOL.matcher(i.operands());
                if ((i.mnemonic().startsWith("j") || i.mnemonic().startsWith("call")) && target.find()) {
                    refs.add(target.group(1));
                }
                String mn = i.mnemonic();
                if ((mn.startsWith("call") || mn.startsWith("jmp")) && i.operands().startsWith("*")) {
                    viaRegister = true;
                }
                if (mn.equals("syscall")) {
                    sites.add(number(name, object, insns, k, jumpTargets));
                }
            }
            refs.remove(name);
            functions.putIfAbsent(name, new Function(name, object, List.copyOf(sites), refs, viaRegister));
        }
    }

    private static boolean endsFlow(Insn i) {
        String m = i.mnemonic();
        return m.startsWith("ret") || m.equals("jmp") || m.equals("jmpq") || m.equals("hlt") || m.equals("ud2");
    }

    /** The straight-line backward scan for rax at the syscall at {@code at}. */
    private static Site number(String fn, String object, List<Insn> insns, int at, Set<Long> jumpTargets) {
        String addr = "0x" + Long.toHexString(insns.get(at).address());
        for (int k = at - 1; k >= 0; k--) {
            Insn i = insns.get(k);
            String dest = destination(i.operands());
            String mn = i.mnemonic();
            boolean implicit = mn.startsWith("call") || mn.equals("syscall") || mn.equals("cpuid") || mn.startsWith("rdtsc")
                    || mn.startsWith("cqto") || mn.startsWith("cltq") || mn.startsWith("xchg") || mn.startsWith("cmpxchg");
            if (!implicit && !RAX.contains(dest)) {
                continue;
            }
            if (enteredBetween(insns, k, at, jumpTargets)) {
                return new Site(fn, object, addr, null, -1, "a jump enters between the write of rax and the syscall");
            }
            if (implicit) {
                return new Site(fn, object, addr, null, -1, "rax set by " + mn);
            }
            String src = source(i.operands());
            if (mn.startsWith("mov") && src.startsWith("$")) {
                long v = immediate(src);
                if (dest.equals("%al")) {
                    // mov al only completes the number when eax was cleared just before
                    for (int j = k - 1; j >= 0; j--) {
                        Insn p = insns.get(j);
                        if (RAX.contains(destination(p.operands()))) {
                            if (p.mnemonic().startsWith("xor") && source(p.operands()).equals(destination(p.operands()))) {
                                return new Site(fn, object, addr, v & 0xff, -1, "xor eax,eax; mov al");
                            }
                            break;
                        }
                    }
                    return new Site(fn, object, addr, null, -1, "only al is set");
                }
                return new Site(fn, object, addr, v, -1, "mov to " + dest);
            }
            if (mn.startsWith("xor") && src.equals(dest)) {
                return new Site(fn, object, addr, 0L, -1, "xor");
            }
            if (mn.startsWith("mov") && src.startsWith("%") && (dest.equals("%rax") || dest.equals("%eax"))) {
                int arg = argumentRegister(src);
                if (arg >= 0 && !writtenBefore(insns, k, src)) {
                    return new Site(fn, object, addr, null, arg, "argument " + ARG_REGS.get(arg));
                }
            }
            return new Site(fn, object, addr, null, -1, "rax set by '" + mn + " " + i.operands() + "'");
        }
        return new Site(fn, object, addr, null, -1, "rax not set in this function");
    }

    private static boolean enteredBetween(List<Insn> insns, int from, int to, Set<Long> jumpTargets) {
        for (int k = from + 1; k <= to; k++) {
            if (jumpTargets.contains(insns.get(k).address())) {
                return true;
            }
        }
        return false;
    }

    private static boolean writtenBefore(List<Insn> insns, int k, String reg) {
        String base = reg.substring(1);
        for (int j = k - 1; j >= 0; j--) {
            String d = destination(insns.get(j).operands());
            if (d.length() > 1 && sameRegister(d.substring(1), base)) {
                return true;
            }
            if (insns.get(j).mnemonic().startsWith("call")) {
                return true;
            }
        }
        return false;
    }

    private static int argumentRegister(String reg) {
        for (int i = 0; i < ARG_REGS.size(); i++) {
            if (sameRegister(reg.substring(1), ARG_REGS.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** rdi/edi/di/dil and r8/r8d/r8w/r8b name one register. */
    private static boolean sameRegister(String a, String b) {
        return canonical(a).equals(canonical(b));
    }

    private static String canonical(String r) {
        if (r.matches("r\\d+[dwb]?")) {
            return r.replaceAll("[dwb]$", "");
        }
        String s = r.replaceFirst("^[re]", "");
        return switch (s) {
            case "dil" -> "di";
            case "sil" -> "si";
            case "al", "ah" -> "ax";
            case "bl", "bh" -> "bx";
            case "cl", "ch" -> "cx";
            case "dl", "dh" -> "dx";
            default -> s;
        };
    }

    private static String destination(String operands) {
        List<String> ops = IrText.splitTop(operands, ',');
        return ops.isEmpty() ? "" : ops.getLast();
    }

    private static String source(String operands) {
        List<String> ops = IrText.splitTop(operands, ',');
        return ops.isEmpty() ? "" : ops.getFirst();
    }

    private static long immediate(String s) {
        String v = s.substring(1);
        boolean neg = v.startsWith("-");
        if (neg) {
            v = v.substring(1);
        }
        long x = v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseLong(v);
        return neg ? -x : x;
    }
}
