package dev.shimscope.elf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a Go binary says about itself: the toolchain version and module/build settings from
 * {@code .go.buildinfo}, and every function's entry address and name from the pclntab (Go's
 * own function table, present even in stripped binaries, which have neither symbols nor FDEs
 * for Go code). Reads the pclntab layouts of Go 1.2–1.15, 1.16–1.17 and 1.18 onwards (1.20+
 * only changed the magic); the table is the {@code .gopclntab} section, or found by its
 * header in the read-only data of a PIE, where the linker puts it without a section of its own.
 */
public final class GoInfo {

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int MAGIC_12 = 0xfffffffb, MAGIC_116 = 0xfffffffa, MAGIC_118 = 0xfffffff0, MAGIC_120 = 0xfffffff1;
    private static final byte[] BUILDINFO_MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);

    private final String version;
    private final String buildSettings;
    private final long[] functionStarts;
    private final String[] functionNames;
    private final long textEnd;
    private final long pclntabStart;
    private final long pclntabEnd;

    private GoInfo(String version, String buildSettings, long[] starts, String[] names, long textEnd, long tabStart,
                   long tabEnd) {
        this.version = version;
        this.buildSettings = buildSettings;
        this.functionStarts = starts;
        this.functionNames = names;
        this.textEnd = textEnd;
        this.pclntabStart = tabStart;
        this.pclntabEnd = tabEnd;
    }

    /** The Go facts of {@code elf}, or empty when it is no Go binary (neither buildinfo nor pclntab). */
    public static Optional<GoInfo> read(ElfFile elf) {
        String[] build = readBuildInfo(elf);
        // without .gopclntab the table is searched for only in a binary that says it is Go, so that
        // a C library holding the magic bytes by chance is never taken for Go code
        Table t = build != null || elf.section(".gopclntab").isPresent() ? findPclntab(elf) : null;
        if (build == null && t == null) {
            return Optional.empty();
        }
        return Optional.of(new GoInfo(build == null ? null : build[0], build == null ? "" : build[1],
                t == null ? new long[0] : t.starts, t == null ? new String[0] : t.names, t == null ? 0 : t.textEnd,
                t == null ? 0 : t.address, t == null ? 0 : t.end));
    }

    /** The toolchain, e.g. {@code go1.19.8}; null when the binary has no build information. */
    public String version() {
        return version;
    }

    /** The module and build lines ({@code go version -m}), empty when absent. */
    public String buildSettings() {
        return buildSettings;
    }

    /** A {@code build KEY=VALUE} setting, such as {@code CGO_ENABLED} or {@code -buildmode}. */
    public Optional<String> buildSetting(String key) {
        for (String line : buildSettings.split("\n")) {
            String prefix = "build\t" + key + "=";
            if (line.startsWith(prefix)) {
                return Optional.of(line.substring(prefix.length()));
            }
        }
        return Optional.empty();
    }

    /** Entry addresses of the functions in the pclntab, ascending. */
    public long[] functionStarts() {
        return functionStarts;
    }

    /** Names parallel to {@link #functionStarts()} (e.g. {@code syscall.Syscall}). */
    public String[] functionNames() {
        return functionNames;
    }

    /** The end of the last function (the pclntab's final entry). */
    public long textEnd() {
        return textEnd;
    }

    /** [start, end) of the pclntab in the address space: metadata, not function pointers. */
    public long[] pclntabRange() {
        return new long[] {pclntabStart, pclntabEnd};
    }

    /**
     * Whether Go code calls C (cgo): the runtime/cgo package is linked in. CGO_ENABLED=1 alone
     * only says cgo was available when building.
     */
    public boolean cgo() {
        for (String n : functionNames) {
            if (n.startsWith("runtime/cgo.") || n.equals("_cgo_topofstack") || n.startsWith("x_cgo_")) {
                return true;
            }
        }
        return false;
    }

    // ---- .go.buildinfo ------------------------------------------------------------------------

    private static String[] readBuildInfo(ElfFile elf) {
        Optional<ElfSection> sec = elf.section(".go.buildinfo");
        if (sec.isEmpty() || sec.get().size() < 32 || !sec.get().hasFileBytes()) {
            return null;
        }
        MemorySegment d = elf.bytes();
        long off = sec.get().offset();
        for (int i = 0; i < BUILDINFO_MAGIC.length; i++) {
            if (d.get(ValueLayout.JAVA_BYTE, off + i) != BUILDINFO_MAGIC[i]) {
                return null;
            }
        }
        int flags = d.get(ValueLayout.JAVA_BYTE, off + 15);
        long end = off + sec.get().size();
        if ((flags & 2) != 0) {
            // Go 1.18+: the two strings follow inline, each preceded by its varint length
            long[] p = {off + 32};
            String v = varintString(d, p, end);
            String mod = varintString(d, p, end);
            return v == null ? null : new String[] {v, trimSentinels(mod)};
        }
        // before 1.18: pointers to (pointer, length) string headers
        long vHeader = elf.wordAt(sec.get().address() + 16).orElse(0L);
        long mHeader = elf.wordAt(sec.get().address() + 24).orElse(0L);
        String v = goString(elf, vHeader);
        return v == null ? null : new String[] {v, trimSentinels(goString(elf, mHeader))};
    }

    private static String varintString(MemorySegment d, long[] p, long end) {
        long len = 0;
        int shift = 0;
        while (p[0] < end) {
            int b = d.get(ValueLayout.JAVA_BYTE, p[0]++) & 0xff;
            len |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        if (len < 0 || p[0] + len > end) {
            return null;
        }
        byte[] b = d.asSlice(p[0], len).toArray(ValueLayout.JAVA_BYTE);
        p[0] += len;
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String goString(ElfFile elf, long header) {
        if (header == 0) {
            return null;
        }
        long ptr = elf.wordAt(header).orElse(0L);
        long len = elf.wordAt(header + 8).orElse(-1L);
        long off = elf.fileOffset(ptr);
        if (off < 0 || len < 0 || len > 1 << 20 || off + len > elf.bytes().byteSize()) {
            return null;
        }
        return new String(elf.bytes().asSlice(off, len).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** modinfo is framed by 16 sentinel bytes on each side. */
    private static String trimSentinels(String s) {
        if (s == null) {
            return "";
        }
        return s.length() >= 33 && s.charAt(s.length() - 17) == '\n' ? s.substring(16, s.length() - 16) : s;
    }

    // ---- pclntab ------------------------------------------------------------------------------

    private record Table(long address, long end, long[] starts, String[] names, long textEnd) {
    }

    private static Table findPclntab(ElfFile elf) {
        Optional<ElfSection> own = elf.section(".gopclntab");
        if (own.isPresent() && own.get().hasFileBytes()) {
            return parse(elf, own.get().address(), own.get().offset(), own.get().offset() + own.get().size());
        }
        // PIE and external linking: the table sits in .data.rel.ro (or .rodata) without a section
        for (ElfSection s : elf.sections()) {
            if (!s.allocated() || s.executable() || !s.hasFileBytes() || s.size() < 64
                    || !(s.name().startsWith(".data.rel.ro") || s.name().equals(".rodata"))) {
                continue;
            }
            MemorySegment d = elf.bytes();
            long end = s.offset() + s.size();
            for (long o = s.offset(); o + 64 <= end; o += 8) {
                int magic = d.get(U32, o);
                if ((magic == MAGIC_118 || magic == MAGIC_120 || magic == MAGIC_116)
                        && d.get(ValueLayout.JAVA_BYTE, o + 4) == 0 && d.get(ValueLayout.JAVA_BYTE, o + 5) == 0
                        && (d.get(ValueLayout.JAVA_BYTE, o + 6) == 1 || d.get(ValueLayout.JAVA_BYTE, o + 6) == 4)
                        && d.get(ValueLayout.JAVA_BYTE, o + 7) == 8) { // instruction quantum: 1 on x86, 4 on arm64
                    Table t = parse(elf, s.address() + (o - s.offset()), o, end);
                    if (t != null) {
                        return t;
                    }
                }
            }
        }
        return null;
    }

    /** Parses the table at file offset {@code base} (virtual address {@code addr}); null when it does not check out. */
    private static Table parse(ElfFile elf, long addr, long base, long limit) {
        MemorySegment d = elf.bytes();
        try {
            int magic = d.get(U32, base);
            if (d.get(ValueLayout.JAVA_BYTE, base + 7) != 8) {
                return null;
            }
            long nfunc = d.get(U64, base + 8);
            if (nfunc <= 0 || nfunc > 10_000_000) {
                return null;
            }
            long[] starts = new long[(int) nfunc];
            String[] names = new String[(int) nfunc];
            long textEnd;
            if (magic == MAGIC_118 || magic == MAGIC_120) {
                long textStart = word(elf, addr + 24);
                long funcnames = base + d.get(U64, base + 32);
                long pcln = base + d.get(U64, base + 64);
                for (int i = 0; i < nfunc; i++) {
                    long e = pcln + 8L * i;
                    starts[i] = textStart + Integer.toUnsignedLong(d.get(U32, e));
                    long func = pcln + Integer.toUnsignedLong(d.get(U32, e + 4));
                    names[i] = name(d, funcnames + d.get(U32, func + 4), limit);
                }
                textEnd = textStart + Integer.toUnsignedLong(d.get(U32, pcln + 8L * nfunc));
            } else if (magic == MAGIC_116) {
                long funcnames = base + d.get(U64, base + 24);
                long pcln = base + d.get(U64, base + 56);
                for (int i = 0; i < nfunc; i++) {
                    long e = pcln + 16L * i;
                    starts[i] = word(elf, addr + (e - base));
                    long func = pcln + d.get(U64, e + 8);
                    names[i] = name(d, funcnames + d.get(U32, func + 8), limit);
                }
                textEnd = word(elf, addr + (pcln + 16L * nfunc - base));
            } else if (magic == MAGIC_12) {
                long tab = base + 16;
                for (int i = 0; i < nfunc; i++) {
                    long e = tab + 16L * i;
                    starts[i] = word(elf, addr + (e - base));
                    long func = base + d.get(U64, e + 8);
                    names[i] = name(d, base + d.get(U32, func + 8), limit);
                }
                textEnd = word(elf, addr + (tab + 16L * nfunc - base));
            } else {
                return null;
            }
            for (int i = 1; i < starts.length; i++) {
                if (starts[i] < starts[i - 1]) {
                    return null; // not a function table after all
                }
            }
            return new Table(addr, addr + (limit - base), starts, names, textEnd);
        } catch (IndexOutOfBoundsException e) {
            return null;
        }
    }

    /** A pointer-sized word of the table: relocated (PIE) or as stored. */
    private static long word(ElfFile elf, long addr) {
        long v = elf.wordAt(addr).orElse(0L);
        if (v == 0) {
            ElfRelocation r = elf.relocationAt(addr);
            if (r != null) {
                return r.addend();
            }
        }
        return v;
    }

    private static String name(MemorySegment d, long off, long limit) {
        long end = off;
        long max = Math.min(limit, d.byteSize());
        while (end < max && d.get(ValueLayout.JAVA_BYTE, end) != 0) {
            end++;
        }
        return new String(d.asSlice(off, end - off).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Go " + version + " (" + functionStarts.length + " functions" + (cgo() ? ", cgo" : "") + ")";
    }

    /** For tests and reports: the names of the functions containing {@code address}. */
    public Optional<String> functionAt(long address) {
        int i = Arrays.binarySearch(functionStarts, address);
        int k = i >= 0 ? i : -i - 2;
        return k >= 0 && address < textEnd ? Optional.of(functionNames[k]) : Optional.empty();
    }
}
