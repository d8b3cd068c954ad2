package dev.shimscope.elf;

/**
 * One RELA relocation of a dynamic object: the address it patches, its type, the symbol it names
 * (null for RELATIVE / IRELATIVE) and the addend.
 */
public record ElfRelocation(long offset, int type, ElfSymbol symbol, long addend) {

    public static final int R_X86_64_64 = 1;
    public static final int R_X86_64_COPY = 5;
    public static final int R_X86_64_GLOB_DAT = 6;
    public static final int R_X86_64_JUMP_SLOT = 7;
    public static final int R_X86_64_RELATIVE = 8;
    public static final int R_X86_64_DTPMOD64 = 16;
    public static final int R_X86_64_TPOFF64 = 18;
    public static final int R_X86_64_IRELATIVE = 37;

    public String typeName() {
        return switch (type) {
            case R_X86_64_64 -> "R_X86_64_64";
            case R_X86_64_COPY -> "R_X86_64_COPY";
            case R_X86_64_GLOB_DAT -> "R_X86_64_GLOB_DAT";
            case R_X86_64_JUMP_SLOT -> "R_X86_64_JUMP_SLOT";
            case R_X86_64_RELATIVE -> "R_X86_64_RELATIVE";
            case R_X86_64_DTPMOD64 -> "R_X86_64_DTPMOD64";
            case 17 -> "R_X86_64_DTPOFF64";
            case R_X86_64_TPOFF64 -> "R_X86_64_TPOFF64";
            case R_X86_64_IRELATIVE -> "R_X86_64_IRELATIVE";
            default -> "type " + type;
        };
    }
}
