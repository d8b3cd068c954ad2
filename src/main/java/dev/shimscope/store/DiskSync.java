package dev.shimscope.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Gets written files onto the disk before a rename makes them visible, so that after a power
 * loss a run directory never holds empty files. A few files are fsynced, in parallel so that the
 * file system's journal commits them together. Many files (an import) get one {@code syncfs(2)}
 * on the store's file system through the FFM API instead: an fsync per file costs a journal
 * commit each (about 7 s for the Loupe data set's 400 files here), syncfs one. Where syncfs is
 * not available, every file is fsynced.
 */
final class DiskSync {

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;

    /** Up to this many files are fsynced one by one (in parallel); more get one syncfs. */
    private static final int FEW = 16;

    private static final MethodHandle OPEN;
    private static final MethodHandle SYNCFS;
    private static final MethodHandle CLOSE;

    static {
        MethodHandle[] handles = link();
        OPEN = handles == null ? null : handles[0];
        SYNCFS = handles == null ? null : handles[1];
        CLOSE = handles == null ? null : handles[2];
    }

    /** open, syncfs and close from libc; null when native access is not available. */
    @SuppressWarnings("restricted")     // calling C: the shimscope launcher enables native access
    private static MethodHandle[] link() {
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            return new MethodHandle[] {
                    linker.downcallHandle(libc.find("open").orElseThrow(),
                            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                            Linker.Option.firstVariadicArg(2)),
                    linker.downcallHandle(libc.find("syncfs").orElseThrow(),
                            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)),
                    linker.downcallHandle(libc.find("close").orElseThrow(),
                            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT))};
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    private DiskSync() {
    }

    /** Flushes the given files and directories, all on the file system of {@code anchor}. */
    static void flush(Path anchor, Collection<Path> paths) throws IOException {
        if (paths.isEmpty()) {
            return;
        }
        // syncfs also flushes what other programs wrote to the file system: worth it for many files only
        if (paths.size() > FEW && OPEN != null && syncfs(anchor)) {
            return;
        }
        fsyncEach(paths);
    }

    private static boolean syncfs(Path anchor) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(anchor.toAbsolutePath().toString());
            int fd = (int) OPEN.invokeExact(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                return false;
            }
            try {
                return (int) SYNCFS.invokeExact(fd) == 0;
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (Throwable t) {
            return false;
        }
    }

    private static void fsyncEach(Collection<Path> paths) throws IOException {
        List<Future<?>> pending = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Path p : paths) {
                pending.add(pool.submit(() -> {
                    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                        ch.force(true);
                    } catch (IOException e) {
                        if (!Files.isDirectory(p)) {
                            throw new UncheckedIOException(e);
                        }
                        // not every file system lets a directory be opened for sync; the rename is still atomic
                    }
                    return null;
                }));
            }
            for (Future<?> f : pending) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while flushing results to disk", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            throw c instanceof IOException io ? io : new IOException(c);
        }
    }
}
