package dev.shimscope.store;

import dev.shimscope.io.OwnerLock;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The writer lock of a {@link ResultStore}: an {@link OwnerLock} on {@code DIR/.lock}, so a
 * crash never leaves the store locked and a waiting writer can say who holds it.
 */
final class StoreLock implements AutoCloseable {

    static final String FILE_NAME = ".lock";

    private final OwnerLock lock;

    private StoreLock(OwnerLock lock) {
        this.lock = lock;
    }

    /** Waits up to {@code timeout} for the lock; then fails naming the holder's pid. */
    static StoreLock acquire(Path storeDir, Duration timeout) throws IOException {
        Path real = storeDir.toRealPath();
        Path file = real.resolve(FILE_NAME);
        OwnerLock lock = OwnerLock.acquire(file, timeout);
        if (lock == null) {
            long pid = OwnerLock.holder(file);
            throw new IOException("results store " + real + " is busy: " + (pid > 0 ? "process " + pid : "another process")
                    + " has been writing to it for more than " + timeout.toSeconds() + " s; try again when it is done");
        }
        return new StoreLock(lock);
    }

    @Override
    public void close() {
        lock.release();
    }
}
