package dev.shimscope.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Checks and reads the files a user names on the command line (specs, OS lists, CSV files,
 * binaries) and the files a command will write, so that a wrong one is one clear line naming
 * it and saying what was expected, before any long work starts: a directory, a FIFO (which
 * would block), a device, a file too large, bytes that are not UTF-8 text, a missing parent
 * directory of an output. Every message names the file.
 */
public final class InputFiles {

    /** Largest text input read whole (specs, lists, CSV files). */
    public static final long TEXT_LIMIT = 64L << 20;

    private InputFiles() {
    }

    /** Thrown for an unusable input or output file; the message is the line to show. */
    public static final class BadFileException extends IllegalArgumentException {
        public BadFileException(String message) {
            super(message);
        }
    }

    /**
     * The attributes of {@code file}, which must be a regular file (links are followed).
     *
     * @param what what the file should be, for the message ("an OS support list")
     */
    public static BasicFileAttributes requireRegular(Path file, String what) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new BadFileException("no such file: " + file + " (expected " + what + ")");
        } catch (AccessDeniedException e) {
            throw new BadFileException("permission denied: " + file);
        } catch (IOException e) {
            throw new BadFileException("cannot read " + file + ": " + e.getMessage());
        }
        if (a.isDirectory()) {
            throw new BadFileException(file + " is a directory; expected " + what);
        }
        if (!a.isRegularFile()) {
            throw new BadFileException(file + " is not a regular file (a FIFO, socket or device); expected " + what);
        }
        if (!Files.isReadable(file)) {
            throw new BadFileException("permission denied: " + file);
        }
        return a;
    }

    /** The UTF-8 text of a regular file of at most {@link #TEXT_LIMIT} bytes; anything else is a clear error. */
    public static String readText(Path file, String what) {
        BasicFileAttributes a = requireRegular(file, what);
        if (a.size() > TEXT_LIMIT) {
            throw new BadFileException(file + " has " + a.size() + " bytes, too large for " + what
                    + " (at most " + TEXT_LIMIT + ")");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BadFileException("cannot read " + file + ": " + e.getMessage());
        }
        return decode(bytes, file.toString(), what);
    }

    /**
     * Decodes UTF-8 strictly: invalid bytes or a NUL (binary data) are an error naming the
     * source and the offset, never a silent replacement.
     */
    public static String decode(byte[] bytes, String source, String what) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new BadFileException(source + " is not a text file (a NUL byte at offset " + i + "); expected " + what);
            }
        }
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return d.decode(in).toString();
        } catch (CharacterCodingException e) {
            throw new BadFileException(source + " is not a text file (invalid UTF-8 near offset " + in.position()
                    + "); expected " + what);
        }
    }

    /**
     * Checks that {@code out} can be written as {@code what}: its directory exists and is
     * writable, and it is not a directory itself. Nothing is created.
     */
    public static void requireWritable(Path out, String what) {
        if (out == null) {
            return;
        }
        Path parent = out.toAbsolutePath().normalize().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new BadFileException("cannot write " + what + " " + out + ": directory " + parent
                    + " does not exist (create it first)");
        }
        if (!Files.isWritable(parent)) {
            throw new BadFileException("cannot write " + what + " " + out + ": directory " + parent + " is not writable");
        }
        if (Files.isDirectory(out)) {
            throw new BadFileException("cannot write " + what + " " + out + ": it is a directory");
        }
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(out)) {
            throw new BadFileException("cannot write " + what + " " + out + ": it exists and is not a regular file");
        }
        if (Files.exists(out) && !Files.isWritable(out)) {
            throw new BadFileException("cannot write " + what + " " + out + ": it is not writable");
        }
    }
}
