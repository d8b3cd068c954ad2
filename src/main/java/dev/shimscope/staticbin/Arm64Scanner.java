package dev.shimscope.staticbin;

import dev.shimscope.elf.ElfFile;
import dev.shimscope.elf.ElfRelocation;
import dev.shimscope.elf.ElfSection;
import dev.shimscope.elf.ElfSymbol;
import dev.shimscope.syscall.Arch;

import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link ModuleScanner} of aarch64 modules: disassembles the executable sections with
 * capstone's ARM64 mode and builds the same {@link ModuleModel} — regions between function
 * starts (symbols, .eh_frame_hdr, {@code bl} targets, PLT entries), edges ({@code bl}, branches
 * that leave the region, fall-through, addresses made with {@code adrp}+{@code add} or
 * {@code adr}), calls through the GOT ({@code adrp}+{@code ldr}, PLT stubs), indirect branches
 * ({@code blr}, {@code br}), and {@code svc #0} sites whose number is backtracked in x8/w8 by
 * {@link Arm64Backtracker} (AAPCS64: arguments in x0–x7, x0–x18 clobbered by calls). Numbers passed as arguments are
 * resolved at the callers, transitively, as on x86-64; calls to an imported {@code syscall()}
 * are backtracked on x0.
 */
final class Arm64Scanner {

    private static final int CHUNK = 4096;

    private static final String[] NAMES = Capstone.instructionNames(Arch.AARCH64);
    private static final byte[] KINDS = A64.kinds(NAMES);

    private final ElfFile elf;
    private final Capstone cs;
    private final List<ElfSection> exec;
    private final Map<Long, ElfRelocation> relocByOffset = new HashMap<>();

    int count;
    long[] addr;
    byte[] kind;
    private long[] target;
    String[] mnemonic;
    String[] operands;
    private long undecodable;
    private long[] regionStart;
    private int[] regionFirst;
    BitSet regionStartInsn;
    Map<Long, int[]> jumpsTo;

    /** Go's function table, when this is a Go binary: its functions use Go's register ABI. */
    private final dev.shimscope.elf.GoInfo go;

    Arm64Scanner(ElfFile elf, Capstone cs) {
        this.elf = elf;
        this.cs = cs;
        this.go = elf.goInfo().filter(g -> g.functionStarts().length > 0).orElse(null);
        this.exec = elf.executableSections();
        long bytes = exec.stream().mapToLong(ElfSection::size).sum();
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8, bytes / 4 + 16);
        addr = new long[capacity];
        kind = new byte[capacity];
        target = new long[capacity];
        mnemonic = new String[capacity];
        operands = new String[capacity];
        for (ElfRelocation r : elf.relocations()) {
            relocByOffset.put(r.offset(), r);
        }
    }

    /** Whether a region is Go code (within the pclntab's functions): Go's ABI, x0–x15 arguments. */
    boolean goAbi(int region) {
        long a = regionStart[region];
        return go != null && a >= go.functionStarts()[0] && a < go.textEnd();
    }

    boolean inExec(long a) {
        for (ElfSection s : exec) {
            if (s.contains(a)) {
                return true;
            }
        }
        return false;
    }

    ModuleModel scan(String sha256) {
        long[] known = knownStarts();
        for (ElfSection s : exec) {
            decode(s);
        }
        buildRegions(known);
        return buildModel(sha256);
    }

    // ---- decoding -----------------------------------------------------------------------------

    private long[] knownStarts() {
        ModuleScanner.LongList l = new ModuleScanner.LongList();
        for (ElfSection s : exec) {
            l.add(s.address());
            if (s.name().startsWith(".plt") || s.name().equals(".iplt")) {
                // PLT0 is 32 bytes, then one 16-byte stub per import
                long first = s.name().equals(".plt") ? s.address() + 32 : s.address();
                for (long a = first; a < s.address() + s.size(); a += 16) {
                    l.add(a);
                }
            }
        }
        ModuleScanner.addKnownStarts(elf, go, this::inExec, l);
        return l.sortedUnique();
    }

    private void decode(ElfSection s) {
        long end = s.address() + s.size();
        long pos = s.address();
        while (pos + 4 <= end) {
            int n = cs.decode(elf.bytes(), s.offset() + (pos - s.address()), end - pos, pos, CHUNK);
            if (n == 0) {
                undecodable += 4; // fixed-size instructions: skip one word (data, or an encoding capstone 4 lacks)
                pos += 4;
                continue;
            }
            for (int j = 0; j < n; j++) {
                int id = cs.id(j);
                byte k = id < KINDS.length ? KINDS[id] : A64.OTHER;
                String ops = cs.operands(j);
                long t = 0;
                if (k == A64.CALL || k == A64.JMP || k == A64.JCC || k == A64.ADRP || k == A64.ADR) {
                    t = A64.lastImmediate(ops);
                } else if (k == A64.OTHER && id < NAMES.length && NAMES[id] != null && NAMES[id].equals("b")) {
                    k = A64.JMP;
                }
                String mn = cs.mnemonic(j);
                if (mn.startsWith("b.")) { // capstone gives b.cond the id of b
                    k = A64.JCC;
                    t = A64.lastImmediate(ops);
                }
                append(cs.address(j), k, t, mn, ops);
                pos = cs.address(j) + 4;
            }
        }
    }

    private void append(long a, byte k, long t, String mn, String ops) {
        if (count == addr.length) {
            int n = count * 2;
            addr = Arrays.copyOf(addr, n);
            kind = Arrays.copyOf(kind, n);
            target = Arrays.copyOf(target, n);
            mnemonic = Arrays.copyOf(mnemonic, n);
            operands = Arrays.copyOf(operands, n);
        }
        addr[count] = a;
        kind[count] = k;
        target[count] = t;
        mnemonic[count] = mn;
        operands[count] = ops;
        count++;
    }

    private void buildRegions(long[] known) {
        ModuleScanner.LongList starts = new ModuleScanner.LongList();
        for (long k : known) {
            starts.add(k);
        }
        jumpsTo = new HashMap<>();
        for (int i = 0; i < count; i++) {
            if (kind[i] == A64.CALL && inExec(target[i])) {
                starts.add(target[i]);
            }
        }
        regionStart = starts.sortedUnique();
        regionFirst = new int[regionStart.length + 1];
        regionStartInsn = new BitSet(count);
        for (int r = 0; r < regionStart.length; r++) {
            regionFirst[r] = ModuleScanner.lowerBound(addr, count, regionStart[r]);
            if (regionFirst[r] < count) {
                regionStartInsn.set(regionFirst[r]);
            }
        }
        regionFirst[regionStart.length] = count;
        Map<Long, ModuleScanner.IntList> j = new HashMap<>();
        for (int i = 0; i < count; i++) {
            if ((kind[i] == A64.JMP || kind[i] == A64.JCC) && inExec(target[i])) {
                j.computeIfAbsent(target[i], x -> new ModuleScanner.IntList()).add(i);
            }
        }
        j.forEach((t, l) -> jumpsTo.put(t, Arrays.copyOf(l.a, l.n)));
    }

    int regionOf(long a) {
        int i = Arrays.binarySearch(regionStart, a);
        return i >= 0 ? i : -i - 2;
    }

    boolean fallsThrough(int i) {
        byte k = kind[i];
        return k != A64.JMP && k != A64.RET && k != A64.JMPR && k != A64.STOP;
    }

    // ---- model --------------------------------------------------------------------------------

    /** What a GOT slot holds: an import (name), a function of this module (address) or data. */
    private Object slot(long slot) {
        ElfRelocation r = relocByOffset.get(slot);
        if (r == null) {
            Long w = elf.type() == ElfFile.ET_EXEC ? elf.wordAt(slot).orElse(null) : null;
            return w != null && inExec(w) ? w : null;
        }
        ElfSymbol s = r.symbol();
        if (s == null) {
            return inExec(r.addend()) ? (Object) r.addend() : null;
        }
        if (s.type() == ElfSymbol.STT_OBJECT || s.type() == ElfSymbol.STT_TLS) {
            return null;
        }
        if (s.defined() && !s.exported()) {
            long t = s.value() + r.addend();
            return inExec(t) ? (Object) t : null;
        }
        return s.name();
    }

    private Arm64Backtracker bt;

    private ModuleModel buildModel(String sha256) {
        bt = new Arm64Backtracker(this);
        int n = regionStart.length;
        Map<String, Integer> importIndex = new LinkedHashMap<>();
        ModuleScanner.IntList[] callees = new ModuleScanner.IntList[n];
        ModuleScanner.IntList[] imports = new ModuleScanner.IntList[n];
        BitSet[] numbers = new BitSet[n];
        byte[] flags = new byte[n];
        int[] params = new int[n];
        String[] names = regionNames();
        String[] pltImport = new String[n];
        List<SyscallSite> sites = new ArrayList<>();
        Map<Integer, List<int[]>> callersOf = new HashMap<>();
        List<int[]> syscallFunctionCalls = new ArrayList<>();
        long indirect = 0;
        for (int r = 0; r < n; r++) {
            callees[r] = new ModuleScanner.IntList();
            imports[r] = new ModuleScanner.IntList();
            numbers[r] = new BitSet();
        }
        long[] page = new long[33];
        for (int r = 0; r < n; r++) {
            Arrays.fill(page, Long.MIN_VALUE);
            ElfSection sec = elf.sectionAt(regionStart[r]).orElse(null);
            boolean inPlt = sec != null && (sec.name().startsWith(".plt") || sec.name().equals(".iplt"));
            for (int i = regionFirst[r]; i < regionFirst[r + 1]; i++) {
                scanInstruction(i, r, inPlt, page, names, pltImport, sites, numbers, flags, params, callees, imports,
                        importIndex, callersOf, syscallFunctionCalls);
                if (kind[i] == A64.CALLR || kind[i] == A64.JMPR) {
                    indirect += inPlt ? 0 : 1;
                }
                // a register written by anything but adrp no longer holds a page address
                if (kind[i] != A64.ADRP && kind[i] != A64.CALL && kind[i] != A64.JMP && kind[i] != A64.JCC && !A64.isStore(mnemonic[i])) {
                    int d = A64.register(A64.firstOperand(operands[i]));
                    if (d >= 0 && d < 33) {
                        page[d] = Long.MIN_VALUE;
                    }
                }
                if (kind[i] == A64.CALL || kind[i] == A64.CALLR) {
                    for (int x = 0; x <= 18; x++) {
                        page[x] = Long.MIN_VALUE;
                    }
                }
            }
            int last = regionFirst[r + 1] - 1;
            while (last >= regionFirst[r] && mnemonic[last].equals("nop")) {
                last--; // alignment padding between functions
            }
            // compiled code never ends a function with a call that returns: a final bl is to a
            // function that does not return (abort, __stack_chk_fail), so no fall-through edge
            if (last >= regionFirst[r] && r + 1 < n && fallsThrough(last) && kind[last] != A64.CALL) {
                callees[r].add(r + 1);
            }
        }
        // PLT stubs stand for their import; calls to syscall@plt carry the number in x0
        for (int r = 0; r < n; r++) {
            if (pltImport[r] != null) {
                imports[r].add(importIndex.computeIfAbsent(pltImport[r], x -> importIndex.size()));
                if (ModuleScanner.SYSCALL_FUNCTIONS.contains(pltImport[r])) {
                    for (int[] c : callersOf.getOrDefault(r, List.of())) {
                        syscallFunctionCalls.add(c);
                    }
                }
            }
        }
        Deque<Integer> work = new ArrayDeque<>();
        for (int r = 0; r < n; r++) {
            if (params[r] != 0) {
                work.add(r);
            }
        }
        for (int[] c : syscallFunctionCalls) {
            SyscallSite site = bt.site(c[1], c[0], SyscallSite.Kind.WRAPPER_CALL, 0, "syscall()");
            sites.add(site);
            if (record(site, c[0], numbers, flags, params)) {
                work.add(c[0]);
            }
        }
        Set<Long> done = new HashSet<>();
        while (!work.isEmpty()) {
            int t = work.poll();
            for (int[] c : callersOf.getOrDefault(t, List.of())) {
                for (int reg = 0; reg < 32; reg++) {
                    if ((params[t] & (1 << reg)) == 0 || !done.add(((long) c[1] << 5) | reg)) {
                        continue;
                    }
                    String callee = (names[t] != null ? names[t] : "fn_" + Long.toHexString(regionStart[t])) + "()";
                    SyscallSite site = bt.site(c[1], c[0], SyscallSite.Kind.WRAPPER_CALL,
                            Arm64Backtracker.parameterLocation(reg), callee);
                    sites.add(site);
                    if (record(site, c[0], numbers, flags, params)) {
                        work.add(c[0]);
                    }
                }
            }
        }

        Map<String, int[]> exports = new LinkedHashMap<>();
        for (ElfSymbol s : elf.dynamicSymbols()) {
            if (s.exported() && s.isCode() && inExec(s.value())) {
                int r = regionOf(s.value());
                int[] prev = exports.get(s.name());
                if (prev == null) {
                    exports.put(s.name(), new int[] {r});
                } else if (Arrays.stream(prev).noneMatch(x -> x == r)) {
                    int[] m = Arrays.copyOf(prev, prev.length + 1);
                    m[prev.length] = r;
                    exports.put(s.name(), m);
                }
            }
        }
        ModuleScanner.IntList pool = new ModuleScanner.IntList();
        ModuleScanner.IntList poolImports = new ModuleScanner.IntList();
        ModuleScanner.IntList roots = new ModuleScanner.IntList();
        for (ElfRelocation rel : elf.relocations()) {
            if (rel.type() == ElfRelocation.R_X86_64_IRELATIVE && inExec(rel.addend())) {
                roots.add(regionOf(rel.addend()));
            }
            ElfSection at = elf.sectionAt(rel.offset()).orElse(null);
            if (at != null && (at.name().equals(".got") || at.name().equals(".got.plt"))) {
                continue;
            }
            Object s = switch (rel.type()) {
                case ElfRelocation.R_X86_64_RELATIVE, ElfRelocation.R_X86_64_IRELATIVE ->
                        inExec(rel.addend()) ? (Object) rel.addend() : null;
                case ElfRelocation.R_X86_64_64, ElfRelocation.R_X86_64_GLOB_DAT, ElfRelocation.R_X86_64_JUMP_SLOT ->
                        slot(rel.offset());
                default -> null;
            };
            if (s instanceof Long a) {
                pool.add(regionOf(a));
            } else if (s instanceof String name) {
                poolImports.add(importIndex.computeIfAbsent(name, x -> importIndex.size()));
            }
        }
        if (elf.type() == ElfFile.ET_EXEC) {
            scanDataWords(pool);
        }
        for (long a : elf.initAndFiniFunctions()) {
            if (inExec(a)) {
                roots.add(regionOf(a));
            }
        }
        int entryRegion = inExec(elf.entry()) ? regionOf(elf.entry()) : -1;
        int[][] calleeArr = new int[n][];
        int[][] importArr = new int[n][];
        int[][] nrArr = new int[n][];
        for (int r = 0; r < n; r++) {
            calleeArr[r] = callees[r].sortedUnique();
            importArr[r] = imports[r].sortedUnique();
            nrArr[r] = numbers[r].stream().toArray();
        }
        return new ModuleModel(elf.path().toString(), sha256, elf.kind(), elf.soname().orElse(null), elf.needed(),
                elf.rpath(), elf.runpath(), elf.interpreter().orElse(null), regionStart, names, calleeArr, importArr,
                nrArr, flags, params, importIndex.keySet().toArray(String[]::new), exports, pool.sortedUnique(),
                poolImports.sortedUnique(), roots.sortedUnique(), entryRegion, sites, count, undecodable, indirect,
                ModuleScanner.lookupNames(elf, importIndex.keySet()));
    }

    private void scanInstruction(int i, int r, boolean inPlt, long[] page, String[] names, String[] pltImport,
                                 List<SyscallSite> sites, BitSet[] numbers, byte[] flags, int[] params,
                                 ModuleScanner.IntList[] callees, ModuleScanner.IntList[] imports,
                                 Map<String, Integer> importIndex, Map<Integer, List<int[]>> callersOf,
                                 List<int[]> syscallFunctionCalls) {
        switch (kind[i]) {
            case A64.SVC -> {
                SyscallSite site = bt.site(i, r, SyscallSite.Kind.SVC, 8, null);
                sites.add(site);
                record(site, r, numbers, flags, params);
            }
            case A64.CALL, A64.JMP, A64.JCC -> {
                long t = target[i];
                if (!inExec(t)) {
                    return;
                }
                int tr = regionOf(t);
                if (tr != r || kind[i] == A64.CALL) {
                    callees[r].add(tr);
                }
                if (regionStart[tr] == t && (tr != r || kind[i] == A64.CALL) && kind[i] != A64.JCC) {
                    callersOf.computeIfAbsent(tr, x -> new ArrayList<>()).add(new int[] {r, i});
                }
            }
            case A64.CALLR, A64.JMPR -> {
                if (!inPlt) {
                    flags[r] |= ModuleModel.FLAG_INDIRECT;
                }
            }
            case A64.ADRP -> {
                int d = A64.register(A64.firstOperand(operands[i]));
                if (d >= 0 && d < 33) {
                    page[d] = target[i];
                }
            }
            case A64.ADR -> takeAddress(target[i], r, callees);
            case A64.ADD, A64.LDR -> {
                String[] ops = A64.split(operands[i]);
                if (ops.length < 2) {
                    return;
                }
                int base;
                long off;
                if (kind[i] == A64.ADD) {
                    if (ops.length != 3 || !ops[2].startsWith("#")) {
                        return;
                    }
                    base = A64.register(ops[1]);
                    off = A64.lastImmediate(ops[2]);
                } else {
                    if (!ops[1].startsWith("[") || ops[1].endsWith("!") || ops.length > 2) {
                        return;
                    }
                    String[] mem = A64.split(ops[1].substring(1, ops[1].length() - 1));
                    base = A64.register(mem[0]);
                    off = mem.length > 1 ? A64.lastImmediate(mem[1]) : 0;
                }
                if (base < 0 || base >= 33 || page[base] == Long.MIN_VALUE) {
                    return;
                }
                long a = page[base] + off;
                if (kind[i] == A64.ADD) {
                    takeAddress(a, r, callees);
                    return;
                }
                Object s = slot(a);
                if (s instanceof String name) {
                    if (inPlt) {
                        pltImport[r] = name;
                        if (names[r] == null) {
                            names[r] = name + "@plt";
                        }
                    } else {
                        imports[r].add(importIndex.computeIfAbsent(name, x -> importIndex.size()));
                        if (ModuleScanner.SYSCALL_FUNCTIONS.contains(name) && i + 1 < count && kind[i + 1] == A64.CALLR) {
                            syscallFunctionCalls.add(new int[] {r, i + 1});
                        }
                    }
                } else if (s instanceof Long local) {
                    takeAddress(local, r, callees);
                }
            }
            default -> {
            }
        }
    }

    private void takeAddress(long a, int r, ModuleScanner.IntList[] callees) {
        if (inExec(a)) {
            int tr = regionOf(a);
            if (tr != r) {
                callees[r].add(tr);
            }
        }
    }

    private boolean record(SyscallSite site, int r, BitSet[] numbers, byte[] flags, int[] params) {
        for (int nr : site.numbers()) {
            numbers[r].set(nr);
        }
        if (site.status() == SyscallSite.Status.UNRESOLVED || site.status() == SyscallSite.Status.PARTIAL) {
            flags[r] |= ModuleModel.FLAG_UNRESOLVED;
        }
        int before = params[r];
        params[r] |= bt.lastParams;
        return params[r] != before;
    }

    private String[] regionNames() {
        String[] out = new String[regionStart.length];
        for (ElfSymbol s : elf.symbols()) {
            if (s.defined() && s.isCode() && !s.name().isEmpty() && !s.name().startsWith("$")) {
                int i = Arrays.binarySearch(regionStart, s.value());
                if (i >= 0 && (out[i] == null || ModuleScanner.better(s.name(), out[i]))) {
                    out[i] = s.name();
                }
            }
        }
        for (ElfSymbol s : elf.dynamicSymbols()) {
            if (s.exported() && s.isCode() && !s.name().isEmpty()) {
                int i = Arrays.binarySearch(regionStart, s.value());
                if (i >= 0) {
                    out[i] = s.name();
                }
            }
        }
        if (go != null) {
            for (int k = 0; k < go.functionStarts().length; k++) {
                int i = Arrays.binarySearch(regionStart, go.functionStarts()[k]);
                if (i >= 0 && out[i] == null && !go.functionNames()[k].isEmpty()) {
                    out[i] = go.functionNames()[k];
                }
            }
        }
        for (int i = 0; i < regionStart.length; i++) {
            if (out[i] == null && regionStart[i] == elf.entry()) {
                out[i] = "_start";
            }
        }
        return out;
    }

    /** Non-PIE code has no relocations for its own function pointers: look at every aligned data word. */
    private void scanDataWords(ModuleScanner.IntList pool) {
        for (ElfSection s : elf.sections()) {
            String nm = s.name();
            if (!s.allocated() || s.executable() || !s.hasFileBytes() || s.size() < 8 || nm.startsWith(".eh_frame")
                    || nm.startsWith(".gcc_except") || nm.startsWith(".note") || nm.startsWith(".rela")) {
                continue;
            }
            for (long a = (s.address() + 7) & ~7L; a + 8 <= s.address() + s.size(); a += 8) {
                long w = elf.bytes().get(ValueLayout.JAVA_LONG_UNALIGNED, s.offset() + (a - s.address()));
                if (inExec(w)) {
                    pool.add(regionOf(w));
                }
            }
        }
    }

}
