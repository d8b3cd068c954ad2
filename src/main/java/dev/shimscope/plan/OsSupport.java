package dev.shimscope.plan;

import dev.shimscope.store.Suggestions;
import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.SyscallTable;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The syscalls an OS supports, read from a {@code *.syscalls} file: one x86_64 syscall name per
 * line, {@code #} starts a comment, blank lines are ignored. An unknown name is an error naming
 * the file and line (with the closest known names), never silently dropped; so is a list
 * without any name. The 11 lists of the Loupe data set ship with shimscope and can be named
 * instead of a path ({@code gvisor}, {@code unikraft}, ...; see {@link #shippedNames()}).
 */
public record OsSupport(String name, String source, SortedSet<String> syscalls) {

    private static final String RESOURCE_DIR = "os/";

    /** The lists shipped with shimscope (resources {@code dev/shimscope/plan/os/NAME.syscalls}). */
    private static final List<String> SHIPPED = List.of("browsix", "freebsd", "fuchsia", "graphene", "gvisor",
            "hermitux", "kerla", "linuxnolibc", "osv", "unikraft", "zephyr");

    public OsSupport {
        syscalls = Collections.unmodifiableSortedSet(new TreeSet<>(syscalls));
    }

    public static List<String> shippedNames() {
        return SHIPPED;
    }

    /**
     * A path to a {@code *.syscalls} file, or the name of a shipped list (any case, with or
     * without {@code .syscalls}). An existing file wins over a shipped name.
     */
    public static OsSupport load(String pathOrName) throws IOException {
        Path path = Path.of(pathOrName);
        if (Files.isRegularFile(path)) {
            return read(path);
        }
        String key = pathOrName.toLowerCase(Locale.ROOT);
        if (key.endsWith(".syscalls")) {
            key = key.substring(0, key.length() - ".syscalls".length());
        }
        if (!pathOrName.contains("/") && SHIPPED.contains(key)) {
            return shipped(key);
        }
        throw new IllegalArgumentException("no OS support list '" + pathOrName + "': not a file, and not a shipped list"
                + Suggestions.hint(key, SHIPPED) + " (shipped: " + String.join(", ", SHIPPED) + ")");
    }

    public static OsSupport read(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(".syscalls")) {
            name = name.substring(0, name.length() - ".syscalls".length());
        }
        return parse(name, file.toString(), dev.shimscope.io.InputFiles.readText(file,
                "an OS support list (one x86_64 syscall name per line)"));
    }

    public static OsSupport shipped(String name) {
        String resource = RESOURCE_DIR + name + ".syscalls";
        try (InputStream in = OsSupport.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no shipped OS support list '" + name + "'");
            }
            return parse(name, "shipped list " + name + ".syscalls", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a list; {@code source} names it in error messages. */
    public static OsSupport parse(String name, String source, String content) {
        SyscallTable table = SyscallTable.x86_64();
        List<String> known = null;
        TreeSet<String> names = new TreeSet<>();
        String[] lines = content.split("\r?\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (text.isEmpty()) {
                continue;
            }
            if (text.split("\\s+").length > 1) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": '" + text
                        + "' is more than one name; put one syscall name per line");
            }
            Syscall s = table.byName(text).orElse(null);
            if (s == null || !s.known()) {
                if (known == null) {
                    known = new ArrayList<>();
                    for (Syscall k : table.all()) {
                        known.add(k.name());
                    }
                }
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": unknown x86_64 syscall name '"
                        + text + "'" + Suggestions.hint(text, known));
            }
            names.add(s.name());
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException(source + ": lists no syscalls (expected one x86_64 syscall name per line)");
        }
        return new OsSupport(name, source, names);
    }

    public boolean supports(String syscall) {
        return syscalls.contains(syscall);
    }
}
