package dev.shimscope.elf;

import dev.shimscope.syscall.Arch;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A 64-bit little-endian ELF file (x86_64 or aarch64; aarch64 relocation types are reported as
 * their x86_64 equivalents, see {@link ElfRelocation}),
 * memory-mapped and read lazily: header, program headers, sections, symbols and dynamic
 * symbols, the dynamic section (DT_NEEDED, RPATH, RUNPATH, SONAME, init/fini functions), RELA
 * relocations (JUMP_SLOT, GLOB_DAT, IRELATIVE, RELATIVE ...), the interpreter, the TLS segment
 * and the function starts listed in .eh_frame_hdr. Anything else — not ELF, 32-bit,
 * big-endian, another machine, truncated — is rejected at {@link #open} with an
 * {@link ElfFormatException} whose one-line message names the file.
 */
public final class ElfFile implements AutoCloseable {

    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;
    static final int DT_NULL = 0, DT_NEEDED = 1, DT_PLTRELSZ = 2, DT_RELA = 7, DT_RELASZ = 8, DT_RELAENT = 9,
            DT_INIT = 12, DT_FINI = 13, DT_SONAME = 14, DT_RPATH = 15, DT_STRTAB = 5, DT_JMPREL = 23,
            DT_BIND_NOW = 24, DT_INIT_ARRAY = 25, DT_FINI_ARRAY = 26, DT_INIT_ARRAYSZ = 27, DT_FINI_ARRAYSZ = 28,
            DT_RUNPATH = 29, DT_FLAGS = 30, DT_RELRSZ = 35, DT_RELR = 36, DT_PREINIT_ARRAY = 32, DT_PREINIT_ARRAYSZ = 33, DT_FLAGS_1 = 0x6ffffffb;
    static final long DF_BIND_NOW = 0x8, DF_1_NOW = 0x1, DF_1_PIE = 0x08000000L;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final int type;
    private final int machine;
    private final Arch arch;
    private final long entry;
    private final List<ElfSegment> segments;
    private final List<ElfSection> sections;
    private final Map<String, ElfSection> sectionsByName = new HashMap<>();

    private List<ElfSymbol> symbols;
    private List<ElfSymbol> dynamicSymbols;
    private List<long[]> dynamicEntries;
    private List<ElfRelocation> relocations;
    private Map<Long, ElfRelocation> relocationsByOffset;
    private Optional<GoInfo> goInfo;

    private ElfFile(Path path, Arena arena, MemorySegment data) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        long size = data.byteSize();
        if (size < 4 || data.get(ValueLayout.JAVA_BYTE, 0) != 0x7f || data.get(ValueLayout.JAVA_BYTE, 1) != 'E'
                || data.get(ValueLayout.JAVA_BYTE, 2) != 'L' || data.get(ValueLayout.JAVA_BYTE, 3) != 'F') {
            throw fail("is not an ELF file (no \\x7fELF magic); give an executable or a shared library");
        }
        if (size < 6) {
            throw truncated("the ELF identification needs 16 bytes");
        }
        int elfClass = data.get(ValueLayout.JAVA_BYTE, 4);
        int encoding = data.get(ValueLayout.JAVA_BYTE, 5);
        if (elfClass == 1) {
            throw fail("is a 32-bit ELF (ELFCLASS32); shimscope analyses 64-bit ELF files (x86_64, aarch64) only");
        }
        if (elfClass != 2) {
            throw fail("has an invalid ELF class " + elfClass + "; the file is damaged or not an ELF file");
        }
        if (encoding == 2) {
            throw fail("is a big-endian ELF (ELFDATA2MSB); shimscope analyses little-endian ELF files (x86_64, aarch64) only");
        }
        if (encoding != 1) {
            throw fail("has an invalid ELF byte order " + encoding + "; the file is damaged");
        }
        if (size < 64) {
            throw truncated("it has " + size + " bytes and an ELF64 header needs 64");
        }
        type = u16(16);
        machine = u16(18);
        if (machine == Arch.X86_64.elfMachine()) {
            arch = Arch.X86_64;
        } else if (machine == Arch.AARCH64.elfMachine()) {
            arch = Arch.AARCH64;
        } else {
            throw fail("is an ELF for machine " + machine + machineName(machine)
                    + "; shimscope analyses x86_64 and aarch64");
        }
        entry = u64(24);
        long phoff = u64(32);
        long shoff = u64(40);
        int phentsize = u16(54), phnum = u16(56), shentsize = u16(58), shnum = u16(60), shstrndx = u16(62);
        if (phnum > 0 && phentsize < 56) {
            throw fail("has program headers of " + phentsize + " bytes (ELF64 needs 56); the file is damaged");
        }
        checkRange(phoff, (long) phnum * phentsize, "the program header table");
        List<ElfSegment> segs = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            long o = phoff + (long) i * phentsize;
            segs.add(new ElfSegment(u32(o), u32(o + 4), u64(o + 8), u64(o + 16), u64(o + 32), u64(o + 40), u64(o + 48)));
        }
        segments = Collections.unmodifiableList(segs);
        for (ElfSegment s : segments) {
            if (s.type() == ElfSegment.PT_LOAD || s.type() == ElfSegment.PT_INTERP || s.type() == ElfSegment.PT_DYNAMIC) {
                checkRange(s.offset(), s.fileSize(), "a " + s.typeName() + " segment");
            }
        }
        List<ElfSection> secs = new ArrayList<>();
        if (shoff != 0 && shnum > 0) {
            if (shentsize < 64) {
                throw fail("has section headers of " + shentsize + " bytes (ELF64 needs 64); the file is damaged");
            }
            checkRange(shoff, (long) shnum * shentsize, "the section header table");
            long[][] raw = new long[shnum][];
            for (int i = 0; i < shnum; i++) {
                long o = shoff + (long) i * shentsize;
                raw[i] = new long[] {u32(o), u32(o + 4), u64(o + 8), u64(o + 16), u64(o + 24), u64(o + 32),
                        u32(o + 40), u32(o + 44), u64(o + 56)};
            }
            long strOff = shstrndx < shnum ? raw[shstrndx][4] : 0;
            long strSize = shstrndx < shnum ? raw[shstrndx][5] : 0;
            checkRange(strOff, strSize, "the section name table");
            for (int i = 0; i < shnum; i++) {
                long[] r = raw[i];
                String name = strSize > 0 && r[0] < strSize ? cString(strOff + r[0], strOff + strSize) : "";
                ElfSection s = new ElfSection(i, name, (int) r[1], r[2], r[3], r[4], r[5], (int) r[6], (int) r[7], r[8]);
                if (s.hasFileBytes() && s.type() != 0) {
                    checkRange(s.offset(), s.size(), "section " + (name.isEmpty() ? "#" + i : name));
                }
                secs.add(s);
                sectionsByName.putIfAbsent(name, s);
            }
        }
        sections = Collections.unmodifiableList(secs);
    }

    /** Maps and checks the file; throws {@link ElfFormatException} for anything shimscope cannot analyse. */
    public static ElfFile open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new ElfFormatException(path + " is a directory, not an ELF file; give an executable or a shared library");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.NULL.reinterpret(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new ElfFile(path, arena, seg);
        } catch (RuntimeException | IOException e) {
            arena.close();
            throw e;
        }
    }

    private ElfFormatException fail(String what) {
        return new ElfFormatException(path + " " + what);
    }

    private ElfFormatException truncated(String detail) {
        return new ElfFormatException(path + " is a truncated ELF file: " + detail + "; give the complete file");
    }

    private void checkRange(long offset, long length, String what) {
        long size = data.byteSize();
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw truncated(what + " ends at offset " + (offset + length) + " but the file has " + size + " bytes");
        }
    }

    private static String machineName(int m) {
        return switch (m) {
            case 3 -> " (i386)";
            case 8 -> " (MIPS)";
            case 20 -> " (PowerPC)";
            case 21 -> " (PowerPC64)";
            case 40 -> " (ARM)";
            case 243 -> " (RISC-V)";
            case 22 -> " (S/390)";
            default -> "";
        };
    }

    int u16(long off) {
        return Short.toUnsignedInt(data.get(U16, off));
    }

    int u32(long off) {
        return data.get(U32, off);
    }

    long u64(long off) {
        return data.get(U64, off);
    }

    /** A NUL-terminated string starting at {@code off}, not reading at or past {@code limit}. */
    String cString(long off, long limit) {
        long end = off;
        long max = Math.min(limit, data.byteSize());
        while (end < max && data.get(ValueLayout.JAVA_BYTE, end) != 0) {
            end++;
        }
        byte[] b = data.asSlice(off, end - off).toArray(ValueLayout.JAVA_BYTE);
        return new String(b, StandardCharsets.UTF_8);
    }

    public Path path() {
        return path;
    }

    /** The whole file, mapped read-only; valid until {@link #close()}. */
    public MemorySegment bytes() {
        return data;
    }

    public Arch arch() {
        return arch;
    }

    public int machine() {
        return machine;
    }

    /** e_type: {@link #ET_EXEC}, {@link #ET_DYN}, ... */
    public int type() {
        return type;
    }

    public long entry() {
        return entry;
    }

    public List<ElfSegment> segments() {
        return segments;
    }

    public List<ElfSection> sections() {
        return sections;
    }

    public Optional<ElfSection> section(String name) {
        return Optional.ofNullable(sectionsByName.get(name));
    }

    public Optional<ElfSegment> segment(int type) {
        return segments.stream().filter(s -> s.type() == type).findFirst();
    }

    /** The program interpreter (PT_INTERP), e.g. /lib64/ld-linux-x86-64.so.2. */
    public Optional<String> interpreter() {
        return segment(ElfSegment.PT_INTERP).map(s -> cString(s.offset(), s.offset() + s.fileSize()));
    }

    /** The thread-local storage template (PT_TLS), if the file has one. */
    public Optional<ElfSegment> tlsSegment() {
        return segment(ElfSegment.PT_TLS);
    }

    /** True when the file has no .symtab (only exported symbols in .dynsym, if any, are named). */
    public boolean stripped() {
        return sections.stream().noneMatch(s -> s.type() == ElfSection.SHT_SYMTAB);
    }

    public ElfKind kind() {
        boolean interp = interpreter().isPresent();
        boolean pieFlag = (dynamicValue(DT_FLAGS_1).orElse(0L) & DF_1_PIE) != 0;
        if (type == ET_EXEC) {
            return interp ? ElfKind.DYNAMIC : ElfKind.STATIC;
        }
        if (type == ET_DYN) {
            if (pieFlag) {
                return interp ? ElfKind.DYNAMIC_PIE : ElfKind.STATIC_PIE;
            }
            // Before DF_1_PIE existed a PIE was an ET_DYN with an interpreter and no SONAME.
            if (interp && soname().isEmpty() && !sectionsByName.containsKey(".gnu.version_d")) {
                return ElfKind.DYNAMIC_PIE;
            }
            return ElfKind.SHARED_LIBRARY;
        }
        return ElfKind.OTHER;
    }

    /** Whether all symbols are bound at load time (DF_BIND_NOW, DF_1_NOW or DT_BIND_NOW). */
    public boolean bindNow() {
        return dynamicValue(DT_BIND_NOW).isPresent()
                || (dynamicValue(DT_FLAGS).orElse(0L) & DF_BIND_NOW) != 0
                || (dynamicValue(DT_FLAGS_1).orElse(0L) & DF_1_NOW) != 0;
    }

    // ---- addresses ----------------------------------------------------------------------------

    /** The file offset holding virtual address {@code addr}, or -1 when no PT_LOAD maps it from the file. */
    public long fileOffset(long addr) {
        for (ElfSegment s : segments) {
            if (s.type() == ElfSegment.PT_LOAD && addr >= s.address() && addr < s.address() + s.fileSize()) {
                return s.offset() + (addr - s.address());
            }
        }
        return -1;
    }

    /** The 64-bit word stored at virtual address {@code addr} in the file, if it is in the file. */
    public Optional<Long> wordAt(long addr) {
        long off = fileOffset(addr);
        return off >= 0 && off + 8 <= data.byteSize() ? Optional.of(u64(off)) : Optional.empty();
    }

    /** The section containing virtual address {@code addr}, if any. */
    public Optional<ElfSection> sectionAt(long addr) {
        for (ElfSection s : sections) {
            if (s.allocated() && s.size() > 0 && s.contains(addr)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Executable sections with file bytes, in address order. */
    public List<ElfSection> executableSections() {
        return sections.stream().filter(s -> s.executable() && s.allocated() && s.hasFileBytes() && s.size() > 0)
                .sorted((a, b) -> Long.compare(a.address(), b.address())).toList();
    }

    // ---- symbols ------------------------------------------------------------------------------

    /** .symtab entries (empty when stripped). */
    public synchronized List<ElfSymbol> symbols() {
        if (symbols == null) {
            symbols = readSymbols(ElfSection.SHT_SYMTAB, false);
        }
        return symbols;
    }

    /** .dynsym entries: exports and imports. */
    public synchronized List<ElfSymbol> dynamicSymbols() {
        if (dynamicSymbols == null) {
            dynamicSymbols = readSymbols(ElfSection.SHT_DYNSYM, true);
        }
        return dynamicSymbols;
    }

    /** Defined code symbols from .dynsym that other modules can bind to. */
    public List<ElfSymbol> exportedFunctions() {
        return dynamicSymbols().stream().filter(s -> s.exported() && s.isCode()).toList();
    }

    /** Undefined symbols of .dynsym (what this file needs from other modules). */
    public List<ElfSymbol> importedSymbols() {
        return dynamicSymbols().stream().filter(s -> !s.defined() && !s.name().isEmpty()).toList();
    }

    private List<ElfSymbol> readSymbols(int sectionType, boolean dynamic) {
        for (ElfSection s : sections) {
            if (s.type() != sectionType) {
                continue;
            }
            if (s.link() <= 0 || s.link() >= sections.size()) {
                throw fail("has a symbol table " + s.name() + " without a string table; the file is damaged");
            }
            ElfSection strtab = sections.get(s.link());
            long strEnd = strtab.offset() + strtab.size();
            long entSize = s.entrySize() == 0 ? 24 : s.entrySize();
            int count = (int) (s.size() / entSize);
            List<ElfSymbol> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long o = s.offset() + i * entSize;
                int nameOff = u32(o);
                int info = data.get(ValueLayout.JAVA_BYTE, o + 4) & 0xff;
                int other = data.get(ValueLayout.JAVA_BYTE, o + 5) & 0xff;
                int shndx = u16(o + 6);
                String name = Integer.toUnsignedLong(nameOff) < strtab.size() ? cString(strtab.offset() + nameOff, strEnd) : "";
                out.add(new ElfSymbol(name, u64(o + 8), u64(o + 16), info & 0xf, info >>> 4, other & 0x3, shndx, dynamic));
            }
            return Collections.unmodifiableList(out);
        }
        return List.of();
    }

    // ---- dynamic section ----------------------------------------------------------------------

    /** The (tag, value) pairs of the dynamic section, up to DT_NULL; empty for a static file. */
    public synchronized List<long[]> dynamicEntries() {
        if (dynamicEntries == null) {
            List<long[]> out = new ArrayList<>();
            segment(ElfSegment.PT_DYNAMIC).ifPresent(d -> {
                for (long o = d.offset(); o + 16 <= d.offset() + d.fileSize(); o += 16) {
                    long tag = u64(o);
                    if (tag == DT_NULL) {
                        break;
                    }
                    out.add(new long[] {tag, u64(o + 8)});
                }
            });
            dynamicEntries = Collections.unmodifiableList(out);
        }
        return dynamicEntries;
    }

    private Optional<Long> dynamicValue(long tag) {
        for (long[] e : dynamicEntries()) {
            if (e[0] == tag) {
                return Optional.of(e[1]);
            }
        }
        return Optional.empty();
    }

    private List<String> dynamicStrings(long tag) {
        Optional<Long> strtab = dynamicValue(DT_STRTAB);
        if (strtab.isEmpty()) {
            return List.of();
        }
        long base = fileOffset(strtab.get());
        if (base < 0) {
            throw fail("has a dynamic string table outside its loaded segments; the file is damaged");
        }
        List<String> out = new ArrayList<>();
        for (long[] e : dynamicEntries()) {
            if (e[0] == tag) {
                if (base + e[1] >= data.byteSize()) {
                    throw truncated("a dynamic string lies past the end of the file");
                }
                out.add(cString(base + e[1], data.byteSize()));
            }
        }
        return out;
    }

    /** DT_NEEDED entries in order. */
    public List<String> needed() {
        return dynamicStrings(DT_NEEDED);
    }

    public Optional<String> soname() {
        return dynamicStrings(DT_SONAME).stream().findFirst();
    }

    /** DT_RPATH, split at ':' (used by ld.so only when there is no DT_RUNPATH). */
    public List<String> rpath() {
        return splitPath(dynamicStrings(DT_RPATH));
    }

    /** DT_RUNPATH, split at ':'. */
    public List<String> runpath() {
        return splitPath(dynamicStrings(DT_RUNPATH));
    }

    private static List<String> splitPath(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            for (String p : v.split(":")) {
                if (!p.isEmpty()) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /**
     * Functions the loader calls before or after main: DT_PREINIT_ARRAY, DT_INIT, DT_INIT_ARRAY,
     * DT_FINI, DT_FINI_ARRAY (array slots filled by RELATIVE relocations are resolved).
     */
    public List<Long> initAndFiniFunctions() {
        List<Long> out = new ArrayList<>();
        dynamicValue(DT_INIT).ifPresent(out::add);
        dynamicValue(DT_FINI).ifPresent(out::add);
        Map<Long, ElfRelocation> byOffset = new HashMap<>();
        for (ElfRelocation r : relocations()) {
            byOffset.put(r.offset(), r);
        }
        long[][] arrays = {{DT_PREINIT_ARRAY, DT_PREINIT_ARRAYSZ}, {DT_INIT_ARRAY, DT_INIT_ARRAYSZ}, {DT_FINI_ARRAY, DT_FINI_ARRAYSZ}};
        boolean anyDynamic = !dynamicEntries().isEmpty();
        for (long[] a : arrays) {
            Optional<Long> start = dynamicValue(a[0]);
            long size = dynamicValue(a[1]).orElse(0L);
            if (start.isPresent()) {
                addArray(out, start.get(), size, byOffset);
            }
        }
        if (!anyDynamic) {
            // static: the arrays are only known by their sections
            for (ElfSection s : sections) {
                if (s.type() == ElfSection.SHT_INIT_ARRAY || s.type() == ElfSection.SHT_FINI_ARRAY || s.type() == 16) {
                    addArray(out, s.address(), s.size(), byOffset);
                }
            }
        }
        return out;
    }

    private void addArray(List<Long> out, long start, long size, Map<Long, ElfRelocation> relocs) {
        for (long a = start; a + 8 <= start + size; a += 8) {
            ElfRelocation r = relocs.get(a);
            if (r != null && r.type() == ElfRelocation.R_X86_64_RELATIVE) {
                out.add(r.addend());
            } else if (r == null) {
                wordAt(a).filter(v -> v != 0 && v != -1L).ifPresent(out::add);
            }
        }
    }

    // ---- relocations --------------------------------------------------------------------------

    /**
     * All RELA relocations the dynamic loader (or a static binary's startup code, for IRELATIVE)
     * applies: DT_RELA and DT_JMPREL tables, or the allocated SHT_RELA sections of a static file.
     */
    public synchronized List<ElfRelocation> relocations() {
        if (relocations == null) {
            List<ElfRelocation> out = new ArrayList<>();
            List<ElfSymbol> dynsyms = dynamicSymbols();
            Optional<Long> rela = dynamicValue(DT_RELA);
            Optional<Long> jmprel = dynamicValue(DT_JMPREL);
            Optional<Long> relr = dynamicValue(DT_RELR);
            if (rela.isPresent() || jmprel.isPresent() || relr.isPresent()) {
                rela.ifPresent(a -> readRela(out, a, dynamicValue(DT_RELASZ).orElse(0L), dynsyms));
                jmprel.ifPresent(a -> readRela(out, a, dynamicValue(DT_PLTRELSZ).orElse(0L), dynsyms));
                relr.ifPresent(a -> readRelr(out, a, dynamicValue(DT_RELRSZ).orElse(0L)));
            } else {
                for (ElfSection s : sections) {
                    if (s.type() == ElfSection.SHT_RELA && s.allocated()) {
                        readRelaAt(out, s.offset(), s.size(), dynsyms);
                    }
                }
            }
            relocations = Collections.unmodifiableList(out);
        }
        return relocations;
    }

    /** The relocation that patches the word at {@code addr}, or null. */
    public synchronized ElfRelocation relocationAt(long addr) {
        if (relocationsByOffset == null) {
            relocationsByOffset = new HashMap<>();
            for (ElfRelocation r : relocations()) {
                relocationsByOffset.putIfAbsent(r.offset(), r);
            }
        }
        return relocationsByOffset.get(addr);
    }

    /** Go's build information and function table, when this is a Go binary. */
    public synchronized Optional<GoInfo> goInfo() {
        if (goInfo == null) {
            goInfo = GoInfo.read(this);
        }
        return goInfo;
    }

    private void readRela(List<ElfRelocation> out, long addr, long size, List<ElfSymbol> syms) {
        long off = fileOffset(addr);
        if (off < 0) {
            throw fail("has a relocation table at 0x" + Long.toHexString(addr) + " outside its loaded segments; the file is damaged");
        }
        checkRange(off, size, "the relocation table");
        readRelaAt(out, off, size, syms);
    }

    /**
     * DT_RELR (packed RELATIVE relocations, -z pack-relative-relocs): an even word is an address
     * to relocate, an odd word a bitmap of the 63 words that follow; the addend is the word
     * stored at the address. They are returned as R_X86_64_RELATIVE.
     */
    private void readRelr(List<ElfRelocation> out, long addr, long size) {
        long off = fileOffset(addr);
        if (off < 0) {
            throw fail("has a RELR table at 0x" + Long.toHexString(addr) + " outside its loaded segments; the file is damaged");
        }
        checkRange(off, size, "the RELR relocation table");
        long next = 0;
        for (long o = off; o + 8 <= off + size; o += 8) {
            long w = u64(o);
            if ((w & 1) == 0) {
                addRelative(out, w);
                next = w + 8;
            } else {
                long bits = w >>> 1;
                for (int b = 0; b < 63; b++) {
                    if ((bits & (1L << b)) != 0) {
                        addRelative(out, next + b * 8L);
                    }
                }
                next += 63 * 8;
            }
        }
    }

    private void addRelative(List<ElfRelocation> out, long where) {
        out.add(new ElfRelocation(where, ElfRelocation.R_X86_64_RELATIVE, null, wordAt(where).orElse(0L)));
    }

    private void readRelaAt(List<ElfRelocation> out, long off, long size, List<ElfSymbol> syms) {
        for (long o = off; o + 24 <= off + size; o += 24) {
            long info = u64(o + 8);
            int symIndex = (int) (info >>> 32);
            ElfSymbol sym = symIndex > 0 && symIndex < syms.size() ? syms.get(symIndex) : null;
            out.add(new ElfRelocation(u64(o), arch == Arch.AARCH64 ? ElfRelocation.fromAarch64((int) info) : (int) info,
                    sym, u64(o + 16)));
        }
    }

    // ---- unwind tables ------------------------------------------------------------------------

    /**
     * Function start addresses from the binary search table of .eh_frame_hdr (one per FDE, so
     * also for stripped files and for split-off .cold parts), sorted; empty if absent.
     */
    public long[] unwindFunctionStarts() {
        Optional<ElfSegment> hdr = segment(ElfSegment.PT_GNU_EH_FRAME);
        if (hdr.isEmpty()) {
            return new long[0];
        }
        long base = hdr.get().offset();
        long vaddr = hdr.get().address();
        if (hdr.get().fileSize() < 12 || base + 12 > data.byteSize()) {
            return new long[0];
        }
        int version = data.get(ValueLayout.JAVA_BYTE, base) & 0xff;
        int ehFramePtrEnc = data.get(ValueLayout.JAVA_BYTE, base + 1) & 0xff;
        int countEnc = data.get(ValueLayout.JAVA_BYTE, base + 2) & 0xff;
        int tableEnc = data.get(ValueLayout.JAVA_BYTE, base + 3) & 0xff;
        // The form every binutils/lld writer uses: pcrel|sdata4 pointer, udata4 count, datarel|sdata4 table.
        if (version != 1 || ehFramePtrEnc != 0x1b || countEnc != 0x03 || tableEnc != 0x3b) {
            return new long[0];
        }
        long count = Integer.toUnsignedLong(u32(base + 8));
        long tableEnd = base + 12 + count * 8;
        if (tableEnd > data.byteSize() || count > hdr.get().fileSize()) {
            return new long[0];
        }
        long[] out = new long[(int) count];
        for (int i = 0; i < count; i++) {
            out[i] = vaddr + u32(base + 12 + i * 8L);
        }
        Arrays.sort(out);
        return out;
    }

    /**
     * [start, end) code ranges of the FDEs listed in .eh_frame_hdr, sorted by start (empty when
     * the file has no unwind table or uses encodings other than GCC's pcrel/datarel sdata4).
     */
    public long[][] unwindFunctionRanges() {
        Optional<ElfSegment> hdr = segment(ElfSegment.PT_GNU_EH_FRAME);
        if (hdr.isEmpty() || hdr.get().fileSize() < 12) {
            return new long[0][];
        }
        long base = hdr.get().offset();
        long vaddr = hdr.get().address();
        if (base + 12 > data.byteSize() || (data.get(ValueLayout.JAVA_BYTE, base + 3) & 0xff) != 0x3b
                || (data.get(ValueLayout.JAVA_BYTE, base + 2) & 0xff) != 0x03) {
            return new long[0][];
        }
        long count = Integer.toUnsignedLong(u32(base + 8));
        if (base + 12 + count * 8 > data.byteSize()) {
            return new long[0][];
        }
        List<long[]> out = new ArrayList<>();
        Map<Long, Integer> cieEncoding = new HashMap<>();
        for (int i = 0; i < count; i++) {
            long start = vaddr + u32(base + 12 + i * 8L);
            long fdeAddr = vaddr + u32(base + 16 + i * 8L);
            long fde = fileOffset(fdeAddr);
            if (fde < 0 || fde + 16 > data.byteSize() || u32(fde) == -1) {
                continue;
            }
            long cie = fde + 4 - Integer.toUnsignedLong(u32(fde + 4));
            int enc = cieEncoding.computeIfAbsent(cie, this::cieAddressEncoding);
            if (enc < 0) {
                continue;
            }
            int size = pointerSize(enc);
            long at = fde + 8 + size;
            if (at + size > data.byteSize()) {
                continue;
            }
            long range = size == 4 ? Integer.toUnsignedLong(u32(at)) : size == 2 ? u16(at) : u64(at);
            out.add(new long[] {start, start + range});
        }
        out.sort((a, b) -> Long.compare(a[0], b[0]));
        return out.toArray(long[][]::new);
    }

    /** The FDE pointer encoding ('R' augmentation) of the CIE at file offset {@code cie}; -1 if unknown. */
    private int cieAddressEncoding(long cie) {
        try {
            if (cie < 0 || cie + 9 > data.byteSize() || u32(cie + 4) != 0) {
                return -1;
            }
            int version = data.get(ValueLayout.JAVA_BYTE, cie + 8) & 0xff;
            long p = cie + 9;
            String aug = cString(p, Math.min(data.byteSize(), p + 16));
            p += aug.length() + 1;
            p = skipLeb(p); // code alignment
            p = skipLeb(p); // data alignment
            p = version == 1 ? p + 1 : skipLeb(p); // return address register
            if (!aug.startsWith("z")) {
                return 0;
            }
            p = skipLeb(p); // augmentation data length
            for (int i = 1; i < aug.length(); i++) {
                char c = aug.charAt(i);
                int e = data.get(ValueLayout.JAVA_BYTE, p) & 0xff;
                switch (c) {
                    case 'R' -> {
                        return e;
                    }
                    case 'L' -> p += 1;
                    case 'P' -> p += 1 + pointerSize(e);
                    default -> {
                        return -1;
                    }
                }
            }
            return 0;
        } catch (IndexOutOfBoundsException e) {
            return -1;
        }
    }

    private static int pointerSize(int encoding) {
        return switch (encoding & 0x0f) {
            case 0x02, 0x0a -> 2;
            case 0x03, 0x0b -> 4;
            default -> 8;
        };
    }

    private long skipLeb(long p) {
        while ((data.get(ValueLayout.JAVA_BYTE, p) & 0x80) != 0) {
            p++;
        }
        return p + 1;
    }

    @Override
    public void close() {
        arena.close();
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
