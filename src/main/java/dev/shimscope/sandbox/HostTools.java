package dev.shimscope.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the host programs shimscope drives (bwrap, strace, perl, GNU time) on PATH. */
public final class HostTools {

    private HostTools() {
    }

    /** The first executable called {@code name} on PATH (or the standard directories). */
    public static Optional<Path> find(String name) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Like {@link #find} but a missing tool is an error that says how to install it. */
    public static Path require(String name, String debianPackage) {
        return find(name).orElseThrow(() -> new SandboxException(
                name + " not found: install it with 'apt-get install -y " + debianPackage + "'"));
    }

    /** True when this process runs as root (uid 0). */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (java.io.IOException e) {
            // fall through
        }
        return "root".equals(System.getProperty("user.name"));
    }
}
