package dev.shimscope.testing;

import dev.shimscope.store.ResultStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The published Loupe database shipped as test data ({@code src/test/data/loupedb}), and a results
 * store with it imported, made once per test JVM. Tests must not write to that shared store; copy
 * the data or import into their own store for that.
 */
public final class LoupeData {

    public static final Path DB = Path.of("src/test/data/loupedb").toAbsolutePath();

    private static Path shared;

    private LoupeData() {
    }

    /** A store holding the whole shipped Loupe database (read-only use). */
    public static synchronized Path importedStore() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "shipped-store-");
                ResultStore.openOrCreate(dir).importLoupe(DB);
                shared = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** Copies the shipped Loupe database to {@code target} (to change it in a test). */
    public static Path copyTo(Path target) throws IOException {
        try (var walk = Files.walk(DB)) {
            for (Path p : walk.toList()) {
                Path dest = target.resolve(DB.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.write(dest, Files.readAllBytes(p));
                }
            }
        }
        return target;
    }
}
