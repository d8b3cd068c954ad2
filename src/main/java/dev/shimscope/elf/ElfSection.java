package dev.shimscope.elf;

/** One section header: name, type, flags, where it is loaded and where its bytes are in the file. */
public record ElfSection(int index, String name, int type, long flags, long address, long offset, long size,
                         int link, int info, long entrySize) {

    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_RELA = 4;
    public static final int SHT_DYNAMIC = 6;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_DYNSYM = 11;
    public static final int SHT_INIT_ARRAY = 14;
    public static final int SHT_FINI_ARRAY = 15;
    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;

    public boolean executable() {
        return (flags & SHF_EXECINSTR) != 0;
    }

    public boolean allocated() {
        return (flags & SHF_ALLOC) != 0;
    }

    /** Whether the section occupies file bytes (not .bss). */
    public boolean hasFileBytes() {
        return type != SHT_NOBITS;
    }

    public boolean contains(long addr) {
        return addr >= address && addr < address + size;
    }
}
