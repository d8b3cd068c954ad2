package dev.shimscope.staticbin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds a DT_NEEDED library the way glibc's ld.so does for an x86-64 program: a name with a
 * slash is a path; otherwise DT_RPATH of the loading object and of the executable (only when
 * the loading object has no DT_RUNPATH), then DT_RUNPATH of the loading object, then
 * /etc/ld.so.cache, then the default directories. {@code $ORIGIN}, {@code $LIB} and
 * {@code $PLATFORM} are expanded; candidates that are not 64-bit x86-64 ELF files are skipped,
 * as ld.so skips them. LD_LIBRARY_PATH is deliberately not used: the analysis describes the
 * binary as installed, not the caller's environment.
 */
public final class LibraryResolver {

    /** Debian's ld.so system directories for x86-64 (multiarch first). */
    public static final List<String> DEFAULT_DIRECTORIES = List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
            "/lib64", "/usr/lib64", "/lib", "/usr/lib");

    private final LdSoCache cache;
    private final List<String> defaultDirectories;

    public LibraryResolver(LdSoCache cache, List<String> defaultDirectories) {
        this.cache = cache;
        this.defaultDirectories = List.copyOf(defaultDirectories);
    }

    /** The resolver of this system: /etc/ld.so.cache and the default directories. */
    public static LibraryResolver system() throws IOException {
        return new LibraryResolver(LdSoCache.read(Path.of("/etc/ld.so.cache")), DEFAULT_DIRECTORIES);
    }

    /** Search directories for a module's needs, in ld.so order, with the reason for each. */
    public record Candidate(Path path, String via) {
    }

    /**
     * Where {@code name}, needed by {@code loader} (whose DT_RPATH / DT_RUNPATH are given), is
     * found; {@code executableRpath} is the main program's DT_RPATH.
     */
    public Optional<Candidate> resolve(String name, Path loader, List<String> loaderRpath, List<String> loaderRunpath,
                                       List<String> executableRpath) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return usable(p) ? Optional.of(new Candidate(p, "path")) : Optional.empty();
        }
        String origin = loader.toAbsolutePath().getParent() == null ? "/" : loader.toAbsolutePath().getParent().toString();
        List<Candidate> dirs = new ArrayList<>();
        if (loaderRunpath.isEmpty()) {
            for (String d : loaderRpath) {
                dirs.add(new Candidate(Path.of(expand(d, origin)), "RPATH"));
            }
            for (String d : executableRpath) {
                dirs.add(new Candidate(Path.of(expand(d, origin)), "RPATH of the executable"));
            }
        }
        for (String d : loaderRunpath) {
            dirs.add(new Candidate(Path.of(expand(d, origin)), "RUNPATH"));
        }
        for (Candidate d : dirs) {
            Path p = d.path().resolve(name);
            if (usable(p)) {
                return Optional.of(new Candidate(p, d.via()));
            }
        }
        Optional<String> cached = cache.lookup(name);
        if (cached.isPresent() && usable(Path.of(cached.get()))) {
            return Optional.of(new Candidate(Path.of(cached.get()), "ld.so.cache"));
        }
        for (String d : defaultDirectories) {
            Path p = Path.of(d, name);
            if (usable(p)) {
                return Optional.of(new Candidate(p, "default directory"));
            }
        }
        return Optional.empty();
    }

    static String expand(String dir, String origin) {
        return dir.replace("${ORIGIN}", origin).replace("$ORIGIN", origin)
                .replace("${LIB}", "lib/x86_64-linux-gnu").replace("$LIB", "lib/x86_64-linux-gnu")
                .replace("${PLATFORM}", "x86_64").replace("$PLATFORM", "x86_64");
    }

    /** A regular file that is a 64-bit little-endian x86-64 ELF (what ld.so would accept). */
    static boolean usable(Path p) {
        if (!Files.isRegularFile(p)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(p)) {
            byte[] h = in.readNBytes(20);
            return h.length == 20 && h[0] == 0x7f && h[1] == 'E' && h[2] == 'L' && h[3] == 'F' && h[4] == 2 && h[5] == 1
                    && (h[18] & 0xff) == 62 && h[19] == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
