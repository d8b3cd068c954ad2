package dev.shimscope.staticbin;

import dev.shimscope.elf.ElfFile;
import dev.shimscope.elf.ElfKind;
import dev.shimscope.elf.ElfRelocation;
import dev.shimscope.elf.ElfSection;
import dev.shimscope.elf.ElfSymbol;
import dev.shimscope.elf.GoInfo;

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
 * Disassembles the executable sections of one ELF module (linear sweep with capstone,
 * re-synchronised at every known function start) and builds its {@link ModuleModel}: code
 * regions between function starts (symbols, .eh_frame_hdr entries, call targets, PLT
 * entries, init functions), their edges (direct calls, jumps into other regions, addresses of
 * code taken with lea / GOT loads / immediates), calls through the GOT or the PLT into other
 * modules, indirect branches, syscall sites with their numbers (see {@link Backtracker}), the
 * functions referenced from data, and the loader's roots.
 */
final class ModuleScanner {

    /** Imported functions whose first argument is a syscall number (libc's {@code syscall(2)}). */
    static final Set<String> SYSCALL_FUNCTIONS = Set.of("syscall");

    static final byte AUX_NONE = 0, AUX_TARGET = 1, AUX_SLOT = 2, AUX_ADDR = 3, AUX_INDIRECT = 4, AUX_INT = 5;

    private static final String[] NAMES = Capstone.instructionNames();
    private static final byte[] KINDS = X86.kinds(NAMES);

    private final ElfFile elf;
    private final Capstone cs;
    private final List<ElfSection> exec;
    private final boolean absoluteCode;
    private final long[] execStart;
    private final long[] execEnd;
    private final long execLow;
    private final long execHigh;
    private final Map<Long, ElfRelocation> relocByOffset = new HashMap<>();
    /** Go's function table, when the module is a Go binary; its functions use Go's register ABI. */
    private final GoInfo go;
    private final long goLow;
    private final long goHigh;

    // decoded instructions, in address order
    int count;
    long[] addr;
    byte[] size;
    byte[] kind;
    byte[] auxKind;
    long[] aux;
    long undecodable;
    long resyncs;
    long decodeCalls;

    // regions
    long[] regionStart;
    int[] regionFirst;
    BitSet regionStartInsn;
    long[] jumpPairs; // (target << 24 | source index) for direct jmp/jcc, sorted
    long jumpBase;

    ModuleScanner(ElfFile elf, Capstone cs) {
        this.elf = elf;
        this.cs = cs;
        this.exec = elf.executableSections();
        execStart = new long[exec.size()];
        execEnd = new long[exec.size()];
        long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
        for (int i = 0; i < exec.size(); i++) {
            execStart[i] = exec.get(i).address();
            execEnd[i] = exec.get(i).address() + exec.get(i).size();
            lo = Math.min(lo, execStart[i]);
            hi = Math.max(hi, execEnd[i]);
        }
        execLow = lo;
        execHigh = hi;
        // x86-64 code averages a little over 3.5 bytes an instruction: size the arrays once
        long codeBytes = 0;
        for (ElfSection s : exec) {
            codeBytes += s.size();
        }
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8, codeBytes / 3 + 1024);
        addr = new long[capacity];
        size = new byte[capacity];
        kind = new byte[capacity];
        auxKind = new byte[capacity];
        aux = new long[capacity];
        this.absoluteCode = elf.type() == ElfFile.ET_EXEC;
        this.go = elf.goInfo().filter(g -> g.functionStarts().length > 0).orElse(null);
        goLow = go == null ? 0 : go.functionStarts()[0];
        goHigh = go == null ? 0 : go.textEnd();
        for (ElfRelocation r : elf.relocations()) {
            relocByOffset.put(r.offset(), r);
        }
    }

    boolean inExec(long a) {
        if (a < execLow || a >= execHigh) {
            return false;
        }
        for (int i = 0; i < execStart.length; i++) {
            if (a >= execStart[i] && a < execEnd[i]) {
                return true;
            }
        }
        return false;
    }

    /** Whether a region is Go code (between the first and the last function of the pclntab). */
    boolean goAbi(int region) {
        long a = regionStart[region];
        return go != null && a >= goLow && a < goHigh;
    }

    private static boolean isPlt(ElfSection s) {
        return s.name().startsWith(".plt") || s.name().equals(".iplt");
    }

    ModuleModel scan(String sha256) {
        long t0 = System.nanoTime();
        long[] known = knownStarts();
        long t1 = System.nanoTime();
        for (ElfSection s : exec) {
            decodeSection(s, known);
        }
        long t2 = System.nanoTime();
        buildRegions(known);
        long t3 = System.nanoTime();
        ModuleModel model = buildModel(sha256);
        long t4 = System.nanoTime();
        if (Boolean.getBoolean("shimscope.timing")) {
            System.err.printf("%s: starts %d ms, decode %d ms (%d calls, %d resyncs), regions %d ms, model %d ms%n",
                    elf.path(), (t1 - t0) / 1000000, (t2 - t1) / 1000000, decodeCalls, resyncs, (t3 - t2) / 1000000,
                    (t4 - t3) / 1000000);
        }
        return model;
    }

    // ---- pass 1: decode -----------------------------------------------------------------------

    private long[] knownStarts() {
        LongList l = new LongList();
        for (ElfSection s : exec) {
            l.add(s.address());
            if (isPlt(s)) {
                long step = s.entrySize() >= 8 ? s.entrySize() : 16;
                for (long a = s.address(); a < s.address() + s.size(); a += step) {
                    l.add(a);
                }
            }
        }
        addKnownStarts(elf, go, this::inExec, l);
        return l.sortedUnique();
    }

    /**
     * The function starts every architecture's scanner knows besides its PLT: symbols of code,
     * unwind entries, Go's function table, init/fini arrays, relative relocations' targets, the
     * entry point — those inside executable sections.
     */
    static void addKnownStarts(ElfFile elf, GoInfo go, java.util.function.LongPredicate inExec, LongList l) {
        for (List<ElfSymbol> syms : List.of(elf.symbols(), elf.dynamicSymbols())) {
            for (ElfSymbol sym : syms) {
                if (sym.defined() && sym.isCode() && inExec.test(sym.value())) {
                    l.add(sym.value());
                }
            }
        }
        for (long a : elf.unwindFunctionStarts()) {
            if (inExec.test(a)) {
                l.add(a);
            }
        }
        if (go != null) {
            for (long a : go.functionStarts()) {
                if (inExec.test(a)) {
                    l.add(a);
                }
            }
        }
        for (long a : elf.initAndFiniFunctions()) {
            if (inExec.test(a)) {
                l.add(a);
            }
        }
        for (ElfRelocation r : elf.relocations()) {
            if ((r.type() == ElfRelocation.R_X86_64_RELATIVE || r.type() == ElfRelocation.R_X86_64_IRELATIVE)
                    && inExec.test(r.addend())) {
                l.add(r.addend());
            }
        }
        if (inExec.test(elf.entry())) {
            l.add(elf.entry());
        }
    }

    private static final int CHUNK = 4096;
    private static final long RESYNC_WINDOW = 256;

    private void decodeSection(ElfSection s, long[] known) {
        long end = s.address() + s.size();
        long pos = s.address();
        int k = lowerBound(known, s.address() + 1);
        long lastFailure = Long.MIN_VALUE / 2;
        chunks:
        while (pos < end) {
            int n = cs.decode(elf.bytes(), s.offset() + (pos - s.address()), end - pos, pos, CHUNK);
            decodeCalls++;
            if (n == 0) {
                undecodable++;
                lastFailure = pos;
                pos++;
                continue;
            }
            for (int j = 0; j < n; j++) {
                long a = cs.address(j);
                int sz = cs.size(j);
                while (k < known.length && known[k] <= a) {
                    k++;
                }
                if (k < known.length && known[k] < a + sz && a - lastFailure < RESYNC_WINDOW) {
                    // shortly after undecodable bytes the sweep may be out of step with the real
                    // instruction boundaries: resume at the known function start. Elsewhere a start
                    // inside an instruction is deliberate (glibc's FDE for __restore_rt starts one
                    // byte early) and the sweep is trusted.
                    resyncs++;
                    pos = known[k];
                    continue chunks;
                }
                pos = a + sz;
                decoded(j, a, sz);
            }
        }
    }

    private final byte[] ops = new byte[160];

    private void decoded(int j, long a, int sz) {
        int id = cs.id(j);
        byte kd = id < KINDS.length ? KINDS[id] : X86.OTHER;
        byte ak = AUX_NONE;
        long av = 0;
        switch (kd) {
            case X86.CALL, X86.JMP, X86.JCC -> {
                int len = cs.operandBytes(j, ops);
                long imm = X86.immediate(ops, 0, len);
                if (imm != X86.NONE) {
                    ak = AUX_TARGET;
                    av = imm;
                } else if (kd != X86.JCC) {
                    long disp = X86.ripDisplacement(ops, 0, len);
                    long abs = disp == X86.NONE ? X86.absoluteAddress(ops, 0, len) : X86.NONE;
                    if (disp != X86.NONE) {
                        ak = AUX_SLOT;
                        av = a + sz + disp;
                    } else if (abs != X86.NONE) {
                        ak = AUX_SLOT;
                        av = abs;
                    } else {
                        ak = AUX_INDIRECT;
                    }
                }
            }
            case X86.LEA, X86.MOV, X86.PUSH -> {
                int len = cs.operandBytes(j, ops);
                int comma = X86.comma(ops, len);
                int srcFrom = comma >= 0 ? comma + 2 : 0;
                boolean dstIsRegister = comma >= 0 && !X86.hasBracket(ops, 0, comma);
                long disp = X86.ripDisplacement(ops, srcFrom, len);
                if (disp != X86.NONE && dstIsRegister) {
                    long target = a + sz + disp;
                    if (kd == X86.LEA) {
                        if (inExec(target)) {
                            ak = AUX_ADDR;
                            av = target;
                        }
                    } else {
                        ak = AUX_SLOT;
                        av = target;
                    }
                } else if (absoluteCode) {
                    long imm = X86.immediate(ops, srcFrom, len);
                    long abs = imm == X86.NONE ? X86.absoluteAddress(ops, srcFrom, len) : X86.NONE;
                    if (imm != X86.NONE && kd != X86.LEA && inExec(imm)) {
                        ak = AUX_ADDR;
                        av = imm;
                    } else if (abs != X86.NONE && (dstIsRegister || kd == X86.PUSH)) {
                        if (kd == X86.LEA) {
                            if (inExec(abs)) {
                                ak = AUX_ADDR;
                                av = abs;
                            }
                        } else {
                            ak = AUX_SLOT;
                            av = abs;
                        }
                    }
                }
            }
            case X86.INT -> {
                int len = cs.operandBytes(j, ops);
                long imm = X86.immediate(ops, 0, len);
                ak = AUX_INT;
                av = imm == X86.NONE ? -1 : imm;
            }
            default -> {
            }
        }
        append(a, sz, kd, ak, av);
    }

    /** Decodes the single instruction {@code i} again: {mnemonic, operands}. */
    String[] redecode(int i) {
        if (cs.decode(elf.bytes(), elf.fileOffset(addr[i]), size[i], addr[i], 1) != 1) {
            return new String[] {"(bad)", ""};
        }
        return new String[] {cs.mnemonic(0), cs.operands(0)};
    }

    private void append(long a, int sz, byte kd, byte ak, long av) {
        if (count == addr.length) {
            int n = count * 2;
            addr = Arrays.copyOf(addr, n);
            size = Arrays.copyOf(size, n);
            kind = Arrays.copyOf(kind, n);
            auxKind = Arrays.copyOf(auxKind, n);
            aux = Arrays.copyOf(aux, n);
        }
        addr[count] = a;
        size[count] = (byte) sz;
        kind[count] = kd;
        auxKind[count] = ak;
        aux[count] = av;
        count++;
    }

    // ---- pass 2: regions ----------------------------------------------------------------------

    private void buildRegions(long[] known) {
        LongList starts = new LongList();
        for (long k : known) {
            starts.add(k);
        }
        LongList jumps = new LongList();
        long minTarget = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            if (auxKind[i] == AUX_TARGET && inExec(aux[i])) {
                if (kind[i] == X86.CALL) {
                    starts.add(aux[i]);
                } else {
                    minTarget = Math.min(minTarget, aux[i]);
                }
            }
        }
        regionStart = starts.sortedUnique();
        regionFirst = new int[regionStart.length + 1];
        regionStartInsn = new BitSet(count);
        for (int r = 0; r < regionStart.length; r++) {
            regionFirst[r] = lowerBound(addr, count, regionStart[r]);
            if (regionFirst[r] < count) {
                regionStartInsn.set(regionFirst[r]);
            }
        }
        regionFirst[regionStart.length] = count;
        jumpBase = minTarget == Long.MAX_VALUE ? 0 : minTarget;
        for (int i = 0; i < count; i++) {
            if (auxKind[i] == AUX_TARGET && kind[i] != X86.CALL && inExec(aux[i])) {
                jumps.add(((aux[i] - jumpBase) << 24) | i);
            }
        }
        jumpPairs = jumps.sortedUnique();
    }

    int regionOf(long a) {
        int i = Arrays.binarySearch(regionStart, a);
        return i >= 0 ? i : -i - 2;
    }

    /** Indices of the direct jumps to {@code target}. */
    int[] jumpSources(long target) {
        if (target < jumpBase) {
            return new int[0];
        }
        long key = (target - jumpBase) << 24;
        int lo = lowerBound(jumpPairs, jumpPairs.length, key);
        int hi = lo;
        while (hi < jumpPairs.length && (jumpPairs[hi] >>> 24) == (target - jumpBase)) {
            hi++;
        }
        int[] out = new int[hi - lo];
        for (int j = lo; j < hi; j++) {
            out[j - lo] = (int) (jumpPairs[j] & 0xffffff);
        }
        return out;
    }

    boolean fallsThrough(int j) {
        byte k = kind[j];
        return k != X86.JMP && k != X86.RET && k != X86.HLT && k != X86.UD2;
    }

    // ---- pass 3: model ------------------------------------------------------------------------

    private record SlotTarget(int kind, long address, String name) {
        static final int IMPORT = 1, LOCAL = 2, DATA = 3, UNKNOWN = 4;
    }

    private SlotTarget resolveSlot(long slot) {
        ElfRelocation r = relocByOffset.get(slot);
        if (r != null) {
            switch (r.type()) {
                case ElfRelocation.R_X86_64_JUMP_SLOT, ElfRelocation.R_X86_64_GLOB_DAT, ElfRelocation.R_X86_64_64 -> {
                    ElfSymbol s = r.symbol();
                    if (s == null) {
                        return inExec(r.addend()) ? new SlotTarget(SlotTarget.LOCAL, r.addend(), null)
                                : new SlotTarget(SlotTarget.DATA, 0, null);
                    }
                    if (s.type() == ElfSymbol.STT_OBJECT || s.type() == ElfSymbol.STT_TLS) {
                        return new SlotTarget(SlotTarget.DATA, 0, null);
                    }
                    if (s.defined() && !s.exported()) {
                        long t = s.value() + r.addend();
                        return inExec(t) ? new SlotTarget(SlotTarget.LOCAL, t, null) : new SlotTarget(SlotTarget.DATA, 0, null);
                    }
                    return new SlotTarget(SlotTarget.IMPORT, 0, s.name());
                }
                case ElfRelocation.R_X86_64_RELATIVE, ElfRelocation.R_X86_64_IRELATIVE -> {
                    return inExec(r.addend()) ? new SlotTarget(SlotTarget.LOCAL, r.addend(), null)
                            : new SlotTarget(SlotTarget.DATA, 0, null);
                }
                default -> {
                    return new SlotTarget(SlotTarget.DATA, 0, null);
                }
            }
        }
        if (absoluteCode) {
            Long w = elf.wordAt(slot).orElse(null);
            if (w != null && inExec(w)) {
                return new SlotTarget(SlotTarget.LOCAL, w, null);
            }
            return new SlotTarget(w != null ? SlotTarget.DATA : SlotTarget.UNKNOWN, 0, null);
        }
        return new SlotTarget(SlotTarget.UNKNOWN, 0, null);
    }

    private ModuleModel buildModel(String sha256) {
        int n = regionStart.length;
        Map<String, Integer> importIndex = new LinkedHashMap<>();
        IntList[] callees = new IntList[n];
        IntList[] imports = new IntList[n];
        BitSet[] numbers = new BitSet[n];
        byte[] flags = new byte[n];
        int[] params = new int[n];
        String[] names = regionNames();
        String[] pltImport = new String[n];
        List<SyscallSite> sites = new ArrayList<>();
        Map<Integer, List<int[]>> callersOf = new HashMap<>();
        List<int[]> syscallFunctionCalls = new ArrayList<>();
        List<int[]> lookupCalls = new ArrayList<>();
        long indirect = 0;
        syscallTaker = -1;
        syscallTakers = new BitSet(n);
        syscallInData = Long.MIN_VALUE;
        BitSet taken = new BitSet(n);
        IntList indirectCalls = new IntList();
        Backtracker bt = new Backtracker(this, elf, cs);

        // PLT stubs first, so calls into them know which import they stand for
        for (int r = 0; r < n; r++) {
            callees[r] = new IntList();
            imports[r] = new IntList();
            numbers[r] = new BitSet();
            ElfSection sec = elf.sectionAt(regionStart[r]).orElse(null);
            if (sec != null && isPlt(sec)) {
                for (int i = regionFirst[r]; i < regionFirst[r + 1]; i++) {
                    if (kind[i] == X86.JMP && auxKind[i] == AUX_SLOT) {
                        SlotTarget t = resolveSlot(aux[i]);
                        if (t.kind() == SlotTarget.IMPORT) {
                            pltImport[r] = t.name();
                            if (names[r] == null) {
                                names[r] = t.name() + "@plt";
                            }
                        }
                        break;
                    }
                }
            }
        }
        for (int r = 0; r < n; r++) {
            ElfSection sec = elf.sectionAt(regionStart[r]).orElse(null);
            boolean inPlt = sec != null && isPlt(sec);
            int first = regionFirst[r], end = regionFirst[r + 1];
            for (int i = first; i < end; i++) {
                byte k = kind[i];
                switch (k) {
                    case X86.SYSCALL, X86.SYSENTER -> {
                        SyscallSite.Kind sk = k == X86.SYSCALL ? SyscallSite.Kind.SYSCALL_INSTRUCTION : SyscallSite.Kind.SYSENTER;
                        SyscallSite site = bt.site(i, r, sk, X86.RAX, null);
                        sites.add(site);
                        record(site, r, numbers, flags, params, bt.lastParams);
                    }
                    case X86.INT -> {
                        if (aux[i] == 0x80) {
                            SyscallSite site = bt.site(i, r, SyscallSite.Kind.INT80, X86.RAX, null);
                            sites.add(site);
                            record(site, r, numbers, flags, params, bt.lastParams);
                        }
                    }
                    case X86.CALL, X86.JMP, X86.JCC -> {
                        if (auxKind[i] == AUX_TARGET) {
                            long t = aux[i];
                            if (!inExec(t)) {
                                flags[r] |= ModuleModel.FLAG_INDIRECT;
                                indirect++;
                                continue;
                            }
                            int tr = regionOf(t);
                            if (tr != r || k == X86.CALL) {
                                callees[r].add(tr);
                            }
                            if (regionStart[tr] == t && (tr != r || k == X86.CALL)) {
                                if (pltImport[tr] != null && SYSCALL_FUNCTIONS.contains(pltImport[tr])) {
                                    syscallFunctionCalls.add(new int[] {r, i});
                                }
                                if (pltImport[tr] != null && LOOKUP_FUNCTIONS.contains(pltImport[tr])) {
                                    lookupCalls.add(new int[] {r, i});
                                }
                                callersOf.computeIfAbsent(tr, x -> new ArrayList<>()).add(new int[] {r, i});
                            }
                        } else if (auxKind[i] == AUX_SLOT) {
                            SlotTarget t = resolveSlot(aux[i]);
                            switch (t.kind()) {
                                case SlotTarget.IMPORT -> {
                                    imports[r].add(importIndex.computeIfAbsent(t.name(), x -> importIndex.size()));
                                    if (SYSCALL_FUNCTIONS.contains(t.name()) && !inPlt) {
                                        syscallFunctionCalls.add(new int[] {r, i});
                                    }
                                    if (LOOKUP_FUNCTIONS.contains(t.name()) && !inPlt) {
                                        lookupCalls.add(new int[] {r, i});
                                    }
                                }
                                case SlotTarget.LOCAL -> {
                                    int tr = regionOf(t.address());
                                    callees[r].add(tr);
                                    if (regionStart[tr] == t.address()) {
                                        callersOf.computeIfAbsent(tr, x -> new ArrayList<>()).add(new int[] {r, i});
                                    }
                                }
                                default -> {
                                    // a GOT slot without relocation in the PLT is the lazy-binding resolver
                                    if (!(inPlt && k == X86.JMP)) {
                                        flags[r] |= ModuleModel.FLAG_INDIRECT;
                                        indirect++;
                                        indirectCalls.add(i);
                                    }
                                }
                            }
                        } else if (auxKind[i] == AUX_INDIRECT) {
                            flags[r] |= ModuleModel.FLAG_INDIRECT;
                            indirect++;
                            indirectCalls.add(i);
                        }
                    }
                    case X86.LEA, X86.MOV, X86.PUSH -> {
                        if (auxKind[i] == AUX_ADDR) {
                            int tr = regionOf(aux[i]);
                            if (tr >= 0 && pltImport[tr] != null && SYSCALL_FUNCTIONS.contains(pltImport[tr])) {
                                syscallTaker = syscallTaker < 0 ? i : syscallTaker;
                                syscallTakers.set(r);
                            }
                            if (tr >= 0) {
                                taken.set(tr);
                                if (tr != r) {
                                    callees[r].add(tr);
                                }
                            }
                        } else if (auxKind[i] == AUX_SLOT && k != X86.LEA) {
                            SlotTarget t = resolveSlot(aux[i]);
                            if (t.kind() == SlotTarget.IMPORT) {
                                imports[r].add(importIndex.computeIfAbsent(t.name(), x -> importIndex.size()));
                                if (SYSCALL_FUNCTIONS.contains(t.name())) {
                                    syscallTaker = syscallTaker < 0 ? i : syscallTaker;
                                    syscallTakers.set(r);
                                }
                            } else if (t.kind() == SlotTarget.LOCAL) {
                                int tr = regionOf(t.address());
                                taken.set(tr);
                                if (tr != r) {
                                    callees[r].add(tr);
                                }
                            }
                        }
                    }
                    default -> {
                    }
                }
            }
            // control can run off the end of the region into the next one
            int last = end - 1;
            while (last >= first && isPadding(last)) {
                last--;
            }
            if (last >= first && r + 1 < n && fallsThrough(last)) {
                boolean padded = last < end - 1 || addr[last] + size[last] < regionStart[r + 1];
                // a call followed by padding is a call that does not return (__stack_chk_fail, abort ...)
                if (!(padded && kind[last] == X86.CALL)) {
                    callees[r].add(r + 1);
                }
            }
        }

        // syscall numbers passed as arguments: resolve them at the call sites, transitively
        Deque<Integer> work = new ArrayDeque<>();
        for (int r = 0; r < n; r++) {
            if (params[r] != 0) {
                work.add(r);
            }
        }
        Set<Long> done = new HashSet<>();
        for (int[] c : syscallFunctionCalls) {
            String callee = "syscall()";
            SyscallSite site = bt.site(c[1], c[0], SyscallSite.Kind.WRAPPER_CALL, X86.RDI, callee);
            sites.add(site);
            if (record(site, c[0], numbers, flags, params, bt.lastParams)) {
                work.add(c[0]);
            }
        }
        while (!work.isEmpty()) {
            int t = work.poll();
            for (int[] c : callersOf.getOrDefault(t, List.of())) {
                for (int reg = 0; reg < 32; reg++) {
                    if ((params[t] & (1 << reg)) == 0 || !done.add(((long) c[1] << 5) | reg)) {
                        continue;
                    }
                    String callee = nameOf(names, t) + "()";
                    int at = X86.parameterLocation(reg, kind[c[1]] == X86.CALL);
                    SyscallSite site = bt.site(c[1], c[0], SyscallSite.Kind.WRAPPER_CALL, at, callee);
                    sites.add(site);
                    if (record(site, c[0], numbers, flags, params, bt.lastParams)) {
                        work.add(c[0]);
                    }
                }
            }
        }

        // exports, data-referenced functions, loader roots
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
        IntList pool = new IntList();
        IntList poolImports = new IntList();
        IntList roots = new IntList();
        for (ElfRelocation rel : elf.relocations()) {
            if (rel.type() == ElfRelocation.R_X86_64_IRELATIVE && inExec(rel.addend())) {
                roots.add(regionOf(rel.addend()));
            }
            ElfSection at = elf.sectionAt(rel.offset()).orElse(null);
            if (at != null && (at.name().equals(".got") || at.name().equals(".got.plt"))) {
                continue; // read by code, which is followed instruction by instruction
            }
            switch (rel.type()) {
                case ElfRelocation.R_X86_64_RELATIVE, ElfRelocation.R_X86_64_IRELATIVE -> {
                    if (inExec(rel.addend())) {
                        pool.add(regionOf(rel.addend()));
                    }
                }
                case ElfRelocation.R_X86_64_64, ElfRelocation.R_X86_64_GLOB_DAT, ElfRelocation.R_X86_64_JUMP_SLOT -> {
                    ElfSymbol s = rel.symbol();
                    if (s == null) {
                        if (inExec(rel.addend())) {
                            pool.add(regionOf(rel.addend()));
                        }
                    } else if (s.type() != ElfSymbol.STT_OBJECT && s.type() != ElfSymbol.STT_TLS) {
                        if (s.defined() && !s.exported()) {
                            if (inExec(s.value() + rel.addend())) {
                                pool.add(regionOf(s.value() + rel.addend()));
                            }
                        } else {
                            poolImports.add(importIndex.computeIfAbsent(s.name(), x -> importIndex.size()));
                            if (SYSCALL_FUNCTIONS.contains(s.name())) {
                                syscallInData = rel.offset();
                            }
                        }
                    }
                }
                default -> {
                }
            }
        }
        if (absoluteCode) {
            scanDataWords(pool);
        }
        for (long a : elf.initAndFiniFunctions()) {
            if (inExec(a)) {
                roots.add(regionOf(a));
            }
        }
        for (int r : pool.sortedUnique()) {
            taken.set(r);
        }
        numbersThroughPointers(taken, params, indirectCalls, names, numbers, flags, sites, bt);
        if (syscallTaker >= 0 || syscallInData != Long.MIN_VALUE) {
            numbersThroughSyscallPointer(indirectCalls, numbers, flags, sites, bt);
        }
        int entryRegion = inExec(elf.entry()) ? regionOf(elf.entry()) : -1;

        markSitesOutsideFunctions(sites);
        int[][] calleeArr = new int[n][];
        int[][] importArr = new int[n][];
        int[][] nrArr = new int[n][];
        for (int r = 0; r < n; r++) {
            calleeArr[r] = callees[r].sortedUnique();
            importArr[r] = imports[r].sortedUnique();
            BitSet b = numbers[r];
            int[] a = new int[b.cardinality()];
            for (int i = b.nextSetBit(0), k = 0; i >= 0; i = b.nextSetBit(i + 1)) {
                a[k++] = i;
            }
            nrArr[r] = a;
        }
        String interp = elf.interpreter().orElse(null);
        ElfKind kd = elf.kind();
        return new ModuleModel(elf.path().toString(), sha256, kd, elf.soname().orElse(null), elf.needed(),
                elf.rpath(), elf.runpath(), interp, regionStart, names, calleeArr, importArr, nrArr, flags, params,
                importIndex.keySet().toArray(String[]::new), exports, pool.sortedUnique(), poolImports.sortedUnique(),
                roots.sortedUnique(), entryRegion, sites, count, undecodable, indirect, lookupNames(elf, importIndex.keySet(), namesPassedToLookups(lookupCalls, bt)));
    }

    /**
     * A function whose syscall number is an argument and whose address is taken (stored in data
     * or materialised by code) can be called through a pointer, where the number is not known at
     * any direct call site. It gets every constant this module passes in that register to an
     * indirect call (libcap's {@code sc->three(SYS_capset, ...)}), as a partial site: sound for
     * calls from this module, an over-approximation otherwise, and listed.
     */
    private void numbersThroughPointers(BitSet taken, int[] params, IntList indirectCalls, String[] names,
                                        BitSet[] numbers, byte[] flags, List<SyscallSite> sites, Backtracker bt) {
        Map<Integer, int[]> byRegister = new HashMap<>();
        for (int r = 0; r < params.length; r++) {
            if (params[r] == 0 || !taken.get(r)) {
                continue;
            }
            for (int reg = 0; reg < 32; reg++) {
                if ((params[r] & (1 << reg)) == 0) {
                    continue;
                }
                int param = reg;
                int[] nrs = byRegister.computeIfAbsent(reg, x -> {
                    BitSet b = new BitSet();
                    for (int k = 0; k < indirectCalls.n; k++) {
                        int i = indirectCalls.a[k];
                        int fam = X86.parameterLocation(param, kind[i] == X86.CALL);
                        SyscallSite s = bt.site(i, regionOf(addr[i]), SyscallSite.Kind.WRAPPER_CALL, fam, null);
                        for (int nr : s.numbers()) {
                            b.set(nr);
                        }
                    }
                    return b.stream().toArray();
                });
                for (int nr : nrs) {
                    numbers[r].set(nr);
                }
                flags[r] |= ModuleModel.FLAG_UNRESOLVED;
                sites.add(new SyscallSite(regionStart[r], r, SyscallSite.Kind.WRAPPER_CALL, nrs,
                        SyscallSite.Status.PARTIAL, "number passed in " + X86.parameterName(reg) + " to " + nameOf(names, r)
                        + "(), whose address is taken: every constant this module passes in "
                        + X86.parameterName(reg) + " to an indirect call (" + indirectCalls.n + " indirect calls)"));
            }
        }
    }

    /** The first instruction that takes the address of an imported syscall(), or -1. */
    private int syscallTaker;
    /** The regions whose code loads the address of an imported syscall(). */
    private BitSet syscallTakers;
    /** Where data holds the address of an imported syscall(), or Long.MIN_VALUE. */
    private long syscallInData;

    /**
     * This module holds a pointer to the imported {@code syscall()}, so an indirect call may be a
     * call to it with the number in rdi: every such call where rdi is a constant is a partial site
     * of the calling function. A pointer stored in data can reach any indirect call of the module;
     * one that code loads from the GOT is kept in a register and called by the function that
     * loaded it (Rust's std hoists {@code syscall} out of its futex loop into r12), so only that
     * function's indirect calls count. When no indirect call has a constant there, one unresolved
     * site says so, so the number is never silently lost.
     */
    private void numbersThroughSyscallPointer(IntList indirectCalls, BitSet[] numbers, byte[] flags,
                                              List<SyscallSite> sites, Backtracker bt) {
        String where = syscallTaker >= 0 ? String.format("loaded by code at 0x%x", addr[syscallTaker])
                : String.format("stored in data at 0x%x", syscallInData);
        int found = 0;
        for (int k = 0; k < indirectCalls.n; k++) {
            int i = indirectCalls.a[k];
            if (kind[i] != X86.CALL && kind[i] != X86.JMP) {
                continue;
            }
            int r = regionOf(addr[i]);
            if (syscallInData == Long.MIN_VALUE && !syscallTakers.get(r)) {
                continue;
            }
            SyscallSite s = bt.site(i, r, SyscallSite.Kind.WRAPPER_CALL, X86.RDI, null);
            if (s.numbers().length == 0) {
                continue;
            }
            found++;
            for (int nr : s.numbers()) {
                numbers[r].set(nr);
            }
            flags[r] |= ModuleModel.FLAG_UNRESOLVED;
            sites.add(new SyscallSite(addr[i], r, SyscallSite.Kind.WRAPPER_CALL, s.numbers(), SyscallSite.Status.PARTIAL,
                    "indirect call with a constant in rdi: may be syscall(), whose address this module takes (" + where + ")"));
        }
        if (found == 0) {
            long at = syscallTaker >= 0 ? addr[syscallTaker] : syscallInData;
            int r = syscallTaker >= 0 ? regionOf(at) : 0;
            sites.add(new SyscallSite(at, r, SyscallSite.Kind.WRAPPER_CALL, new int[0], SyscallSite.Status.UNRESOLVED,
                    "this module takes the address of syscall() (" + where + ") and no indirect call passes a constant in rdi"));
        }
    }

    /** Functions whose names a module passes to the dynamic linker's lookup (dlsym) or, being the linker, to its own. */
    static final Set<String> LOOKUP_FUNCTIONS = Set.of("dlsym", "dlvsym");

    /**
     * The identifier-like strings (NUL-terminated, C identifier characters, 3 to 80 long) in the
     * read-only data of a module that imports {@code dlsym}/{@code dlvsym} or defines it (a
     * dynamic linker): the names it may look up at run time. Empty for other modules.
     */
    static String[] lookupNames(ElfFile elf, Set<String> imports) {
        return lookupNames(elf, imports, null);
    }

    /** As above; {@code passed}, when not null, are the names every dlsym call is known to pass. */
    static String[] lookupNames(ElfFile elf, Set<String> imports, Set<String> passed) {
        boolean looksUp = imports.stream().anyMatch(LOOKUP_FUNCTIONS::contains)
                || elf.exportedFunctions().stream().anyMatch(s -> LOOKUP_FUNCTIONS.contains(s.name()));
        if (!looksUp) {
            return new String[0];
        }
        if (passed != null) {
            return passed.stream().sorted().toArray(String[]::new);
        }
        Set<String> out = new java.util.TreeSet<>();
        java.lang.foreign.MemorySegment d = elf.bytes();
        for (ElfSection s : elf.sections()) {
            if (!s.allocated() || s.executable() || (s.flags() & ElfSection.SHF_WRITE) != 0
                    || s.type() != ElfSection.SHT_PROGBITS || !s.name().startsWith(".rodata")) {
                continue;
            }
            long start = s.offset(), end = s.offset() + s.size();
            long from = start;
            for (long o = start; o < end; o++) {
                byte b = d.get(java.lang.foreign.ValueLayout.JAVA_BYTE, o);
                if (b == 0) {
                    int len = (int) (o - from);
                    if (len >= 3 && len <= 80 && identifier(d, from, o)) {
                        out.add(new String(d.asSlice(from, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                                java.nio.charset.StandardCharsets.US_ASCII));
                    }
                    from = o + 1;
                }
            }
        }
        return out.toArray(String[]::new);
    }

    /**
     * The names this module passes to dlsym/dlvsym when every such call passes a string constant
     * of its read-only data (backtracking rsi to a {@code lea [rip + X]}); null when some call
     * passes a name computed at run time, or when there is no call to see (then every
     * identifier string of the module counts).
     */
    private Set<String> namesPassedToLookups(List<int[]> calls, Backtracker bt) {
        if (calls.isEmpty()) {
            return null;
        }
        Set<String> out = new java.util.TreeSet<>();
        for (int[] c : calls) {
            Backtracker.Values v = bt.addressesBefore(c[1], c[0], X86.RSI);
            if (v.unknown || v.params != 0 || v.constants.isEmpty()) {
                return null;
            }
            for (long a : v.constants) {
                String name = stringAt(a);
                if (name == null) {
                    return null;
                }
                out.add(name);
            }
        }
        return out;
    }

    /** The NUL-terminated identifier at address {@code a} of a read-only data section, or null. */
    private String stringAt(long a) {
        ElfSection s = elf.sectionAt(a).orElse(null);
        if (s == null || s.executable() || !s.hasFileBytes()) {
            return null;
        }
        long from = s.offset() + (a - s.address());
        long end = from;
        long limit = s.offset() + s.size();
        java.lang.foreign.MemorySegment d = elf.bytes();
        while (end < limit && end - from <= 80 && d.get(java.lang.foreign.ValueLayout.JAVA_BYTE, end) != 0) {
            end++;
        }
        if (end >= limit || end == from || !identifier(d, from, end)) {
            return null;
        }
        return new String(d.asSlice(from, end - from).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static boolean identifier(java.lang.foreign.MemorySegment d, long from, long to) {
        for (long o = from; o < to; o++) {
            int c = d.get(java.lang.foreign.ValueLayout.JAVA_BYTE, o);
            boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (o > from && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * A site that no FDE covers, in a module that has unwind info for its functions, is most
     * likely a constant table in .text decoded as code: say so in its note (the site stays listed).
     */
    private void markSitesOutsideFunctions(List<SyscallSite> sites) {
        long[][] ranges = elf.unwindFunctionRanges();
        if (ranges.length == 0 && go == null) {
            return; // Go code has no FDEs: its pclntab says where its functions are
        }
        long[] starts = new long[ranges.length];
        for (int i = 0; i < ranges.length; i++) {
            starts[i] = ranges[i][0];
        }
        for (int i = 0; i < sites.size(); i++) {
            SyscallSite s = sites.get(i);
            if (s.kind() == SyscallSite.Kind.WRAPPER_CALL || s.fullyKnown()) {
                continue;
            }
            int j = lowerBound(starts, s.address() + 1) - 1;
            boolean covered = go != null && s.address() >= goLow && s.address() < goHigh;
            for (int k = j; k >= 0 && k > j - 8; k--) {
                covered |= s.address() >= ranges[k][0] && s.address() < ranges[k][1];
            }
            if (!covered) {
                String note = (s.note().isEmpty() ? "" : s.note() + "; ")
                        + "outside every function's unwind range: probably data in .text decoded as code";
                sites.set(i, new SyscallSite(s.address(), s.region(), s.kind(), s.numbers(), s.status(), note));
            }
        }
    }

    /** Adds a site's numbers to its region; returns true when the region's parameter set grew. */
    private boolean record(SyscallSite site, int r, BitSet[] numbers, byte[] flags, int[] params, int newParams) {
        if (!site.kind().i386()) {
            for (int nr : site.numbers()) {
                numbers[r].set(nr);
            }
        }
        if (site.status() == SyscallSite.Status.UNRESOLVED || site.status() == SyscallSite.Status.PARTIAL) {
            flags[r] |= ModuleModel.FLAG_UNRESOLVED;
        }
        int before = params[r];
        params[r] |= newParams;
        return params[r] != before;
    }

    private boolean isPadding(int i) {
        return kind[i] == X86.NOP;
    }

    private String nameOf(String[] names, int r) {
        return names[r] != null ? names[r] : "fn_" + Long.toHexString(regionStart[r]);
    }

    private String[] regionNames() {
        String[] names = new String[regionStart.length];
        for (ElfSymbol s : elf.symbols()) {
            if (s.defined() && s.isCode() && !s.name().isEmpty()) {
                int i = Arrays.binarySearch(regionStart, s.value());
                if (i >= 0 && (names[i] == null || better(s.name(), names[i]))) {
                    names[i] = s.name();
                }
            }
        }
        for (ElfSymbol s : elf.dynamicSymbols()) {
            if (s.exported() && s.isCode() && !s.name().isEmpty()) {
                int i = Arrays.binarySearch(regionStart, s.value());
                if (i >= 0) {
                    names[i] = s.name();
                }
            }
        }
        if (go != null) {
            long[] gs = go.functionStarts();
            String[] gn = go.functionNames();
            for (int k = 0; k < gs.length; k++) {
                int i = Arrays.binarySearch(regionStart, gs[k]);
                if (i >= 0 && names[i] == null && !gn[k].isEmpty()) {
                    names[i] = gn[k];
                }
            }
        }
        for (int i = 0; i < regionStart.length; i++) {
            if (names[i] == null && regionStart[i] == elf.entry()) {
                names[i] = "_start";
            }
        }
        return names;
    }

    /** Prefers public-looking names: fewer leading underscores, then shorter. */
    static boolean better(String a, String b) {
        int ua = leadingUnderscores(a), ub = leadingUnderscores(b);
        return ua != ub ? ua < ub : a.length() < b.length();
    }

    private static int leadingUnderscores(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '_') {
            i++;
        }
        return i;
    }

    /** Non-PIE code has no relocations for its own function pointers: look at every aligned data word. */
    private void scanDataWords(IntList pool) {
        for (ElfSection s : elf.sections()) {
            if (!s.allocated() || s.executable() || !s.hasFileBytes() || s.size() < 8) {
                continue;
            }
            String nm = s.name();
            if (nm.startsWith(".eh_frame") || nm.startsWith(".gcc_except") || nm.startsWith(".note")
                    || nm.startsWith(".rela") || nm.startsWith(".dyn") || nm.startsWith(".gnu.") || nm.equals(".interp")
                    || nm.equals(".hash") || nm.equals(".got") || nm.equals(".got.plt") || nm.equals(".gopclntab")
                    || nm.equals(".go.buildinfo") || nm.equals(".typelink") || nm.equals(".itablink")
                    || nm.equals(".gosymtab")) {
                continue; // metadata: offsets and tables, not function pointers
            }
            long start = (s.address() + 7) & ~7L;
            for (long a = start; a + 8 <= s.address() + s.size(); a += 8) {
                long off = s.offset() + (a - s.address());
                long w = elf.bytes().get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, off);
                if (inExec(w)) {
                    pool.add(regionOf(w));
                }
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    static int lowerBound(long[] a, long key) {
        return lowerBound(a, a.length, key);
    }

    static int lowerBound(long[] a, int n, long key) {
        int lo = 0, hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    static final class LongList {
        long[] a = new long[64];
        int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        long[] sortedUnique() {
            long[] s = Arrays.copyOf(a, n);
            Arrays.sort(s);
            int k = 0;
            for (int i = 0; i < s.length; i++) {
                if (i == 0 || s[i] != s[i - 1]) {
                    s[k++] = s[i];
                }
            }
            return Arrays.copyOf(s, k);
        }
    }

    static final class IntList {
        int[] a = new int[4];
        int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int[] sortedUnique() {
            int[] s = Arrays.copyOf(a, n);
            Arrays.sort(s);
            int k = 0;
            for (int i = 0; i < s.length; i++) {
                if (i == 0 || s[i] != s[i - 1]) {
                    s[k++] = s[i];
                }
            }
            return Arrays.copyOf(s, k);
        }
    }
}
