package dev.shimscope.explore;

import dev.shimscope.sandbox.Sandbox;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which of the paths a traced run named are explored file by file, and under which name they are
 * reported. Names that differ from run to run are folded: the run's scratch directory becomes
 * {@code $SCRATCH}, the spec's directory {@code $SPEC_DIR}, the app's prepared cache
 * {@code $SHIMSCOPE_CACHE}, a process's own /proc directory {@code /proc/PID}; so the same
 * workload reports the same files on any machine and from any checkout.
 *
 * <p>Not explored (each with its reason): per-run names, files under the directories a run
 * writes (the application makes them), and what the dynamic linker loads (shared libraries and
 * its cache: an OS that runs the binary must provide them, no run needed to say so).
 */
final class FileSelection {

    /** At most this many files are explored per workload (in path order); the rest are listed as not explored. */
    static final int MAX_FILES = 64;

    private static final Pattern PROC_PID = Pattern.compile("^/proc/\\d+(/|$)");
    private static final Pattern SCRATCH = Pattern.compile("^.*/run-\\d+/scratch(/|$)");
    private static final Pattern SHARED_LIBRARY = Pattern.compile(".*\\.so(\\.[0-9.]+)?$");
    private static final String[] WRITTEN = {"/tmp", "/run", "/var", "/root", "/home", "/dev/shm", "/dev/pts"};

    private final Map<String, String> folds = new LinkedHashMap<>();

    /**
     * @param specDir  the spec's directory (its files are reported as {@code $SPEC_DIR/...})
     * @param cache    the app's prepared cache ({@code $SHIMSCOPE_CACHE/...})
     */
    FileSelection(Path specDir, Path cache) {
        if (cache != null) {
            folds.put(cache.toAbsolutePath().normalize().toString(), "$SHIMSCOPE_CACHE");
        }
        if (specDir != null) {
            folds.put(specDir.toAbsolutePath().normalize().toString(), "$SPEC_DIR");
        }
    }

    /** The name a path is reported under; null for a path that is not reported (relative, empty). */
    String reported(String path) {
        if (path == null || !path.startsWith("/") || path.indexOf('\0') >= 0) {
            return null;
        }
        String p = Path.of(path).normalize().toString();
        if (SCRATCH.matcher(p).find()) {
            return SCRATCH.matcher(p).replaceFirst("\\$SCRATCH$1");
        }
        if (PROC_PID.matcher(p).find()) {
            return PROC_PID.matcher(p).replaceFirst("/proc/PID$1");
        }
        for (Map.Entry<String, String> f : folds.entrySet()) {
            if (p.equals(f.getKey()) || p.startsWith(f.getKey() + "/")) {
                return f.getValue() + p.substring(f.getKey().length());
            }
        }
        return p;
    }

    /** Why a reported path is not explored; null when it is. */
    static String notExplored(String reported) {
        if (reported.startsWith("$SCRATCH") || reported.startsWith("/proc/PID")) {
            return "a name of this run only";
        }
        if (reported.startsWith(Sandbox.CONTROL_DIR)) {
            return "shimscope's own";
        }
        for (String w : WRITTEN) {
            if (reported.equals(w) || reported.startsWith(w + "/")) {
                return "in a directory the run writes (the application makes what is there)";
            }
        }
        if (SHARED_LIBRARY.matcher(reported).matches() || reported.startsWith("/etc/ld.so.")) {
            return "loaded by the dynamic linker";
        }
        if (reported.equals("/")) {
            return "the root directory";
        }
        return null;
    }

    /**
     * True when a run can show the path as an empty file: a regular file (pseudo-files are)
     * under /proc or /sys that is the same for every process (not /proc/self).
     */
    static boolean canBeEmpty(String realPath) {
        if (!(realPath.startsWith("/proc/") || realPath.startsWith("/sys/")) || realPath.startsWith("/proc/self")
                || realPath.startsWith("/proc/thread-self") || PROC_PID.matcher(realPath).find()) {
            return false;
        }
        return Files.isRegularFile(Path.of(realPath), LinkOption.NOFOLLOW_LINKS);
    }
}
