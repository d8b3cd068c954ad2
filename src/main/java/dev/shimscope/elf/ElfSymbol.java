package dev.shimscope.elf;

/**
 * One entry of .symtab or .dynsym ({@code dynamic}). {@code defined()} is false for imports (SHN_UNDEF).
 */
public record ElfSymbol(String name, long value, long size, int type, int binding, int visibility, int sectionIndex,
                        boolean dynamic) {

    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;
    public static final int STT_FILE = 4;
    public static final int STT_TLS = 6;
    public static final int STT_GNU_IFUNC = 10;
    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;
    public static final int STB_GNU_UNIQUE = 10;
    public static final int SHN_UNDEF = 0;
    public static final int SHN_ABS = 0xfff1;

    public boolean defined() {
        return sectionIndex != SHN_UNDEF;
    }

    /** A function or an IFUNC (code) symbol. */
    public boolean isCode() {
        return type == STT_FUNC || type == STT_GNU_IFUNC;
    }

    /** Visible to other modules: global, weak or unique binding and default or protected visibility. */
    public boolean exported() {
        return defined() && binding != STB_LOCAL && (visibility == 0 || visibility == 3);
    }
}
