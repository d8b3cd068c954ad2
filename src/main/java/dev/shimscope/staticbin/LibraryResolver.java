package dev.shimscope.staticbin;

import dev.shimscope.syscall.Arch;

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
 * binary as installed, not the caller's environment. With a sysroot (another machine's root
 * filesystem, e.g. Debian's arm64 packages unpacked) every absolute path — RPATH, RUNPATH, the
 * interpreter, absolute symbolic links — is taken inside it, the multiarch directories of the
 * binary's architecture are searched, and the host's ld.so.cache is not used.
 */
public final class LibraryResolver {

    /** Debian's ld.so system directories for x86-64 (multiarch first). */
    public static final List<String> DEFAULT_DIRECTORIES = List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
            "/lib64", "/usr/lib64", "/lib", "/usr/lib");

    private final LdSoCache cache;
    private final List<String> defaultDirectories;
    private final Arch arch;
    private final Path sysroot;

    public LibraryResolver(LdSoCache cache, List<String> defaultDirectories) {
        this(cache, defaultDirectories, Arch.X86_64, null);
    }

    private LibraryResolver(LdSoCache cache, List<String> defaultDirectories, Arch arch, Path sysroot) {
        this.cache = cache;
        this.defaultDirectories = List.copyOf(defaultDirectories);
        this.arch = arch;
        this.sysroot = sysroot;
    }

    /**
     * The resolver for {@code arch} programs of the root filesystem {@code sysroot}: Debian's
     * multiarch directories of that architecture, then /lib64, /usr/lib64, /lib, /usr/lib.
     */
    public static LibraryResolver inSysroot(Path sysroot, Arch arch) {
        String triplet = arch == Arch.AARCH64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
        return new LibraryResolver(LdSoCache.empty(), List.of("/lib/" + triplet, "/usr/lib/" + triplet, "/lib64",
                "/usr/lib64", "/lib", "/usr/lib"), arch, sysroot);
    }

    /** Where an absolute path of the analysed system is on this machine (inside the sysroot, if any). */
    public Path locate(String absolute) {
        return sysroot == null ? Path.of(absolute) : inRoot(sysroot, absolute);
    }

    /**
     * {@code absolute} inside {@code root}, following symbolic links the way they resolve on the
     * machine the root belongs to: an absolute link target starts again at {@code root}.
     */
    static Path inRoot(Path root, String absolute) {
        Path current = root;
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        for (String p : absolute.split("/")) {
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        int hops = 0;
        while (!parts.isEmpty()) {
            String p = parts.poll();
            if (p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                current = current.equals(root) || current.getParent() == null ? root : current.getParent();
                continue;
            }
            Path next = current.resolve(p);
            if (Files.isSymbolicLink(next) && hops++ < 40) {
                try {
                    String target = Files.readSymbolicLink(next).toString();
                    List<String> rest = new ArrayList<>(parts);
                    parts.clear();
                    for (String t : target.split("/")) {
                        if (!t.isEmpty()) {
                            parts.add(t);
                        }
                    }
                    parts.addAll(rest);
                    if (target.startsWith("/")) {
                        current = root;
                    }
                    continue;
                } catch (IOException e) {
                    return next;
                }
            }
            current = next;
        }
        return current;
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
            Path p = name.startsWith("/") ? locate(name) : Path.of(name);
            return usable(p) ? Optional.of(new Candidate(p, "path")) : Optional.empty();
        }
        String origin = loader.toAbsolutePath().getParent() == null ? "/" : loader.toAbsolutePath().getParent().toString();
        List<Candidate> dirs = new ArrayList<>();
        if (loaderRunpath.isEmpty()) {
            for (String d : loaderRpath) {
                dirs.add(new Candidate(directory(d, origin), "RPATH"));
            }
            for (String d : executableRpath) {
                dirs.add(new Candidate(directory(d, origin), "RPATH of the executable"));
            }
        }
        for (String d : loaderRunpath) {
            dirs.add(new Candidate(directory(d, origin), "RUNPATH"));
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
            Path p = locate(d + "/" + name);
            if (usable(p)) {
                return Optional.of(new Candidate(p, "default directory"));
            }
        }
        return Optional.empty();
    }

    /** An RPATH/RUNPATH entry as a directory of this machine ($ORIGIN is already a path here). */
    private Path directory(String d, String origin) {
        boolean fromOrigin = d.startsWith("$ORIGIN") || d.startsWith("${ORIGIN}");
        String e = expand(d, origin, arch);
        return fromOrigin || sysroot == null ? Path.of(e) : locate(e);
    }

    static String expand(String dir, String origin) {
        return expand(dir, origin, Arch.X86_64);
    }

    static String expand(String dir, String origin, Arch arch) {
        String lib = arch == Arch.AARCH64 ? "lib/aarch64-linux-gnu" : "lib/x86_64-linux-gnu";
        return dir.replace("${ORIGIN}", origin).replace("$ORIGIN", origin)
                .replace("${LIB}", lib).replace("$LIB", lib)
                .replace("${PLATFORM}", arch.id()).replace("$PLATFORM", arch.id());
    }

    /** A regular file that is a 64-bit little-endian ELF of this resolver's machine (what ld.so would accept). */
    boolean usable(Path p) {
        return usable(p, arch);
    }

    /** A regular file that is a 64-bit little-endian x86-64 ELF. */
    static boolean usable(Path p, Arch arch) {
        if (!Files.isRegularFile(p)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(p)) {
            byte[] h = in.readNBytes(20);
            return h.length == 20 && h[0] == 0x7f && h[1] == 'E' && h[2] == 'L' && h[3] == 'F' && h[4] == 2 && h[5] == 1
                    && (h[18] & 0xff) == arch.elfMachine() && h[19] == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
