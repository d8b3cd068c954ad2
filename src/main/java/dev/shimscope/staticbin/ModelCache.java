package dev.shimscope.staticbin;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Cache of {@link ModuleModel}s keyed by the SHA-256 of the module's bytes (plus the model's
 * format version), so a library is disassembled once however many binaries load it. Lives in
 * {@code $SHIMSCOPE_CACHE}, else {@code $XDG_CACHE_HOME/shimscope}, else
 * {@code ~/.cache/shimscope}, under {@code static/}. Entries are written atomically; an entry
 * that cannot be read is ignored and rewritten.
 */
public final class ModelCache {

    private final Path directory;

    public ModelCache(Path directory) {
        this.directory = directory;
    }

    /** The cache directory from the environment, as documented above. */
    public static ModelCache fromEnvironment() {
        return new ModelCache(defaultDirectory(System.getenv()).resolve("static"));
    }

    static Path defaultDirectory(Map<String, String> env) {
        String own = env.get("SHIMSCOPE_CACHE");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        return dev.shimscope.io.UserDirs.base(env, "XDG_CACHE_HOME", ".cache").resolve("shimscope");
    }

    public Path directory() {
        return directory;
    }

    /** SHA-256 of a mapped file, as lower-case hex. */
    public static String sha256(MemorySegment bytes) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes.asByteBuffer());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path entry(String sha256) {
        return directory.resolve(sha256 + ".v" + ModuleModel.FORMAT + ".model");
    }

    /** The cached model of the module with this hash, renamed to {@code path}; empty on a miss. */
    public Optional<ModuleModel> load(String sha256, String path) {
        Path f = entry(sha256);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            ModuleModel m = ModuleModel.readFrom(java.nio.ByteBuffer.wrap(Files.readAllBytes(f)));
            if (m == null || !m.sha256().equals(sha256)) {
                return Optional.empty();
            }
            return Optional.of(m.path().equals(path) ? m : m.withPath(path));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a damaged entry is a miss; store() replaces it
        }
    }

    /** Stores a model; failures (read-only home, full disk) only cost speed, so they are ignored. */
    public void store(ModuleModel model) {
        try {
            Files.createDirectories(directory);
            Path tmp = Files.createTempFile(directory, "." + model.sha256(), ".tmp");
            try {
                try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                    model.writeTo(out);
                }
                Files.move(tmp, entry(model.sha256()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            // the analysis result does not depend on the cache
        }
    }
}
