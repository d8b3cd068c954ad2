package dev.shimscope.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.Set;

/**
 * Reads what a run left in its out directory without trusting it. The application under test
 * could write anything there: a FIFO (opening it would block the tool), a link to
 * {@code /dev/zero} or to a host file (reading it would never end, or read what the run must not
 * see), a file of terabytes. So a file is read only if it is a regular file, opened without
 * following links, and at most a given number of bytes of it; anything else is an
 * {@link UntrustedOutputException} that the caller turns into a failed run with its message.
 *
 * <p>Checking before opening is race-free here: the caller reads only after the run's pid
 * namespace is gone, so no process of the run is left to swap the file.
 */
public final class RunOutput {

    /** Limit for small control files (a status, a time in ms). */
    public static final long SMALL = 4096;
    /** Limit for logs kept in full (a test's output, matched by expect/reject). */
    public static final long LOG = 16L << 20;
    /** Limit for a trace file. */
    public static final long TRACE = 8L << 30;

    private RunOutput() {
    }

    /** A file the run left that cannot be read safely. */
    public static final class UntrustedOutputException extends IOException {
        public UntrustedOutputException(String message) {
            super(message);
        }
    }

    /**
     * The file's attributes, if it is a regular file; empty if it does not exist.
     *
     * @throws UntrustedOutputException if it is a link, FIFO, device, directory or socket, or larger than {@code max}
     *                                  while {@code tail} is false
     */
    public static Optional<BasicFileAttributes> check(Path file, long max, boolean tail) throws UntrustedOutputException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UntrustedOutputException(file.getFileName() + " in the run's out directory cannot be read: " + e.getMessage());
        }
        if (!a.isRegularFile()) {
            String kind = a.isSymbolicLink() ? "a symbolic link" : a.isDirectory() ? "a directory" : "a FIFO, socket or device";
            throw new UntrustedOutputException("the run replaced " + file.getFileName() + " in its out directory with "
                    + kind + " (not read)");
        }
        if (!tail && a.size() > max) {
            throw new UntrustedOutputException(file.getFileName() + " in the run's out directory has " + a.size()
                    + " bytes, more than the " + max + " accepted (not read)");
        }
        return Optional.of(a);
    }

    /**
     * The text of {@code file} (UTF-8, malformed bytes replaced), empty if it does not exist; with
     * {@code tail}, a file over {@code max} bytes gives its last {@code max} bytes.
     */
    public static Optional<String> read(Path file, long max, boolean tail) throws UntrustedOutputException {
        Optional<BasicFileAttributes> a = check(file, max, tail);
        if (a.isEmpty()) {
            return Optional.empty();
        }
        try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            long size = ch.size();
            long from = Math.max(0, size - max);
            ch.position(from);
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(max, size - from));
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // read up to the limit; a file that shrank ends early
            }
            return Optional.of(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UntrustedOutputException(file.getFileName() + " in the run's out directory cannot be read: " + e.getMessage());
        }
    }

    /** A stream over a checked regular file (for parsing large files such as a trace). */
    public static InputStream open(Path file, long max) throws IOException {
        if (check(file, max, false).isEmpty()) {
            throw new NoSuchFileException(file.toString());
        }
        return Channels.newInputStream(Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)));
    }
}
