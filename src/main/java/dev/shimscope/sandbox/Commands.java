package dev.shimscope.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks a command before a sandbox is started for it, so that a typo is one clear error. */
public final class Commands {

    private Commands() {
    }

    /**
     * The executable that {@code program} names: a path (relative to {@code cwd}) or a name
     * on the sandbox's PATH. Errors say what is wrong and what to do.
     */
    public static Path resolve(String program, Path cwd) {
        if (program.isBlank()) {
            throw new IllegalArgumentException("empty command name");
        }
        Path p;
        if (program.contains("/")) {
            p = cwd.resolve(program).normalize();
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("command not found: " + program + " (no such file)");
            }
        } else {
            p = null;
            for (String dir : new String[] {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
                Path c = Path.of(dir, program);
                if (Files.isRegularFile(c)) {
                    p = c;
                    break;
                }
            }
            if (p == null) {
                throw new IllegalArgumentException("command not found: " + program
                        + " (not on the sandbox's PATH /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; give its path)");
            }
        }
        if (Files.isDirectory(p)) {
            throw new IllegalArgumentException("not an executable file: " + p + " is a directory");
        }
        if (!Files.isExecutable(p)) {
            throw new IllegalArgumentException("not executable: " + p + " (chmod +x it, or run it through its interpreter)");
        }
        return p;
    }

    /**
     * True for host paths that a run does not see unless they are bound in: everything outside
     * the installed system's trees ({@link HostView}), e.g. a checkout, a spec's directory, /tmp.
     */
    public static boolean hiddenInSandbox(Path path) {
        return !HostView.inSystemTrees(path);
    }
}
