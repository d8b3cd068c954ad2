package dev.shimscope.elf;

/** One program header (segment): what the loader maps, or PT_INTERP / PT_TLS / PT_DYNAMIC metadata. */
public record ElfSegment(int type, int flags, long offset, long address, long fileSize, long memorySize, long align) {

    public static final int PT_LOAD = 1;
    public static final int PT_DYNAMIC = 2;
    public static final int PT_INTERP = 3;
    public static final int PT_TLS = 7;
    public static final int PT_GNU_EH_FRAME = 0x6474e550;
    public static final int PT_GNU_STACK = 0x6474e551;
    public static final int PT_GNU_RELRO = 0x6474e552;
    public static final int PF_X = 1;
    public static final int PF_W = 2;
    public static final int PF_R = 4;

    public String typeName() {
        return switch (type) {
            case PT_LOAD -> "LOAD";
            case PT_DYNAMIC -> "DYNAMIC";
            case PT_INTERP -> "INTERP";
            case 4 -> "NOTE";
            case 6 -> "PHDR";
            case PT_TLS -> "TLS";
            case PT_GNU_EH_FRAME -> "GNU_EH_FRAME";
            case PT_GNU_STACK -> "GNU_STACK";
            case PT_GNU_RELRO -> "GNU_RELRO";
            case 0x6474e553 -> "GNU_PROPERTY";
            default -> String.format("0x%x", type);
        };
    }
}
