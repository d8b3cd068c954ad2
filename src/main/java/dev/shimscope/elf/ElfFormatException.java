package dev.shimscope.elf;

/**
 * The file is not an ELF that shimscope can read: not ELF at all, the wrong class, byte order or
 * machine, or truncated. The message is one line naming the file, the problem and what to do.
 */
public final class ElfFormatException extends IllegalArgumentException {
    public ElfFormatException(String message) {
        super(message);
    }
}
