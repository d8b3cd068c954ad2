package dev.shimscope.elf;

/**
 * One RELA relocation of a dynamic object: the address it patches, its type, the symbol it names
 * (null for RELATIVE / IRELATIVE) and the addend. Types are x86_64 numbers; an aarch64 file's
 * ABS64, COPY, GLOB_DAT, JUMP_SLOT, RELATIVE, IRELATIVE and TLS relocations are given as their
 * x86_64 equivalents, so the analysis reads both the same way.
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

    /** The x86_64 type equivalent to an aarch64 relocation type (others are kept, offset by 0x10000). */
    public static int fromAarch64(int type) {
        return switch (type) {
            case 257 -> R_X86_64_64;          // R_AARCH64_ABS64
            case 1024 -> R_X86_64_COPY;
            case 1025 -> R_X86_64_GLOB_DAT;
            case 1026 -> R_X86_64_JUMP_SLOT;
            case 1027 -> R_X86_64_RELATIVE;
            case 1028 -> R_X86_64_DTPMOD64;    // R_AARCH64_TLS_DTPMOD
            case 1029 -> 17;                   // R_AARCH64_TLS_DTPREL
            case 1030 -> R_X86_64_TPOFF64;     // R_AARCH64_TLS_TPREL
            case 1032 -> R_X86_64_IRELATIVE;
            default -> 0x10000 + type;
        };
    }

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
