package dev.shimscope.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock that names its owner: an {@code fcntl} lock on a file (which the kernel drops
 * when the holder dies, so a crash never leaves anything locked) with the holder's pid written
 * into it, so that the one refused can say who holds it; plus an in-process lock, because a JVM
 * holds file locks per process, not per thread. Used for a results store's writers and for an
 * exploration's journal.
 */
public final class OwnerLock implements AutoCloseable {

    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path file;
    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private OwnerLock(Path file, ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
        this.file = file;
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /** Takes the lock at once, or returns null if another process or thread holds it. */
    public static OwnerLock acquire(Path file) throws IOException {
        return acquire(file, Duration.ZERO);
    }

    /** Waits up to {@code timeout} for the lock; null if it is still held by another then. */
    public static OwnerLock acquire(Path file, Duration timeout) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(abs, p -> new ReentrantLock());
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!threadLock.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the lock " + abs, e);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(abs, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            while ((lock = tryLock(channel)) == null) {
                if (System.nanoTime() >= deadline) {
                    channel.close();
                    threadLock.unlock();
                    return null;
                }
                Thread.sleep(25);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new OwnerLock(abs, threadLock, channel, lock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            threadLock.unlock();
            throw e;
        } catch (InterruptedException e) {
            closeQuietly(channel);
            threadLock.unlock();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the lock " + abs, e);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    /** The pid written by the holder of the lock at {@code file}, 0 if unknown. */
    public static long holder(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d{1,18}") ? Long.parseLong(pid) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Releases the lock; the file stays (deleting it could split two waiters onto two files). */
    public void release() {
        try {
            fileLock.release();
            channel.close();
        } catch (IOException e) {
            // closing the channel drops the lock in any case
        } finally {
            if (threadLock.isHeldByCurrentThread()) {
                threadLock.unlock();
            }
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        release();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing releases the lock; nothing else to do
            }
        }
    }
}
