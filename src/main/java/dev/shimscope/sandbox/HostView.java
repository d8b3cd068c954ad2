package dev.shimscope.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a run sees of the host's file system: the trees of the installed system (programs,
 * libraries, configuration) read-only, and nothing else unless a caller binds it in. The
 * host's {@code /root}, {@code /home}, {@code /srv}, {@code /mnt}, {@code /media}, {@code /var},
 * work directories and result stores do not exist in a run; {@code /root} and {@code /home} are
 * fresh empty directories, because programs take their home from {@code /etc/passwd} (memaslap
 * writes {@code ~/.memslap.cnf} there on its first run) and must find the same empty one every
 * time.
 *
 * <p>Inside the visible trees, every entry that is not readable by others (a file without
 * {@code o+r}, a directory without {@code o+rx}: {@code /etc/shadow}, ssh host keys,
 * {@code /etc/ssl/private}, a 0600 file in a spec's directory) is covered by an empty one, since
 * a run is root and would otherwise read it. Secrets on a Unix system are exactly the files
 * their owners keep from others; a workload that needs a private file declares it
 * {@code writable} (then it gets its own copy).
 *
 * <p>Scanning the system trees for such entries takes a few tenths of a second (about 150 000
 * entries); it starts in the background when the first sandbox is created and is reused for the
 * life of the JVM. Other trees (a spec's directory, the prepared cache) are scanned when first
 * bound.
 */
final class HostView {

    /** Top-level entries of an installed system that programs need (symlinks on merged-/usr systems). */
    static final List<String> SYSTEM_TREES = List.of("/usr", "/etc", "/opt", "/bin", "/sbin", "/lib", "/lib32",
            "/lib64", "/libx32");

    /** Deeper system directories bound too (into the run's private /var): the package database. */
    static final List<String> SYSTEM_SUBTREES = List.of("/var/lib/dpkg");

    /** An entry covered by an empty file or directory. */
    record Mask(Path path, boolean directory) {
    }

    /** A top-level tree: a symlink to copy, or a directory to bind with its masks. */
    record Tree(Path path, String symlinkTarget, List<Mask> masks) {
    }

    private static final CompletableFuture<List<Tree>> SYSTEM = new CompletableFuture<>();
    private static final Map<Path, List<Mask>> SCANNED = new ConcurrentHashMap<>();

    private HostView() {
    }

    /** Starts the scan of the system trees (once per JVM). */
    static void warmUp() {
        synchronized (SYSTEM) {
            if (!SYSTEM.isDone() && !scanning) {
                scanning = true;
                Thread.ofVirtual().name("shimscope-host-view").start(() -> {
                    try {
                        SYSTEM.complete(scanSystem());
                    } catch (RuntimeException e) {
                        SYSTEM.completeExceptionally(e);
                    }
                });
            }
        }
    }

    private static boolean scanning;

    /** The system trees with their masks (waits for the scan). */
    static List<Tree> system() {
        warmUp();
        try {
            return SYSTEM.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new SandboxException("cannot scan the host's system directories: " + e.getCause().getMessage(), e);
        }
    }

    private static List<Tree> scanSystem() {
        List<Tree> trees = new ArrayList<>();
        for (String name : SYSTEM_TREES) {
            Path p = Path.of(name);
            try {
                if (Files.isSymbolicLink(p)) {
                    trees.add(new Tree(p, Files.readSymbolicLink(p).toString(), List.of()));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    trees.add(new Tree(p, null, privateEntries(p)));
                }
            } catch (IOException e) {
                throw new SandboxException("cannot read " + p + ": " + e.getMessage(), e);
            }
        }
        for (String name : SYSTEM_SUBTREES) {
            Path p = Path.of(name);
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                trees.add(new Tree(p, null, privateEntries(p)));
            }
        }
        return List.copyOf(trees);
    }

    /** The masks a bound host path needs (scanned once per path). */
    static List<Mask> masksFor(Path path) {
        return SCANNED.computeIfAbsent(path, HostView::privateEntries);
    }

    /** True if {@code path} lies in one of the system trees (following the top-level symlinks). */
    static boolean inSystemTrees(Path path) {
        Path p = path.toAbsolutePath().normalize();
        for (List<String> trees : List.of(SYSTEM_TREES, SYSTEM_SUBTREES)) {
            for (String t : trees) {
                if (p.startsWith(t)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Entries under {@code root} (not {@code root} itself) that others cannot read: files without
     * o+r, directories without o+r or o+x (their content is not looked at). Symlinks are not
     * followed: a link is harmless, its target is judged where it lies. {@code find(1)} does the
     * walk: it is made for it and takes a third of a second for the 150 000 entries of a Debian
     * system, several times less than a walk from Java that needs a second stat per entry for the
     * mode; {@code -xdev} keeps it off other file systems mounted below.
     */
    static List<Mask> privateEntries(Path root) {
        List<String> cmd = List.of("find", root.toString(), "-xdev", "-mindepth", "1",
                "(", "-type", "d", "(", "!", "-perm", "-o=r", "-o", "!", "-perm", "-o=x", ")", "-printf", "%y %p\\0", "-prune", ")",
                "-o", "(", "!", "-type", "d", "!", "-type", "l", "!", "-perm", "-o=r", "-printf", "%y %p\\0", ")");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor();
            // find exits 1 when it could not read a directory: what it found still stands
            List<Mask> masks = new ArrayList<>();
            for (String entry : new String(out, java.nio.charset.StandardCharsets.UTF_8).split("\0")) {
                if (entry.length() > 2) {
                    masks.add(new Mask(Path.of(entry.substring(2)), entry.charAt(0) == 'd'));
                }
            }
            return List.copyOf(masks);
        } catch (IOException e) {
            throw new SandboxException("cannot scan " + root + " for private files (find): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while scanning " + root, e);
        }
    }
}
