package dev.shimscope.model;

import dev.shimscope.io.InputFiles;
import dev.shimscope.model.Suggestions;
import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.syscall.args.ArgumentDecoders;
import dev.shimscope.syscall.args.ArgumentValue;

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
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an OS's syscall layer does with each syscall, in the style of gVisor's syscall table: a
 * syscall is implemented, partially implemented (with a note), stubbed (it answers ENOSYS, as for
 * any syscall it does not list) or faked (it answers 0 without doing anything). Read from a
 * {@code *.syscalls} file: one x86_64 syscall name per line, optionally followed by its level
 * ({@code implemented}, the default; {@code partial}; {@code stub}; {@code fake}); {@code #}
 * starts a comment, which for a partial syscall is its note; blank lines are ignored. Instead of a
 * level, a comma-separated list of argument values says which values a partial syscall
 * implements ({@code prctl PR_SET_NAME,PR_GET_NAME}, {@code fcntl F_GETFL,F_SETFL}): the calls with
 * another value answer ENOSYS, as in a shim plan's partial support. An unknown
 * name or level is an error naming the file and line (with the closest known names), never
 * silently dropped; so is a list without any name. The 11 lists of the Loupe data set ship with
 * shimscope and can be named instead of a path ({@code gvisor}, {@code unikraft}, ...; see
 * {@link #shippedNames()}).
 */
public record OsDescription(String name, String source, SortedMap<String, Support> syscalls) {

    /** How far an OS supports a syscall. */
    public enum Level {
        IMPLEMENTED, PARTIAL, STUBBED, FAKED;

        public String id() {
            return switch (this) {
                case IMPLEMENTED -> "implemented";
                case PARTIAL -> "partial";
                case STUBBED -> "stub";
                case FAKED -> "fake";
            };
        }

        /** What a run of the OS does with a syscall of this level. */
        public Treatment treatment() {
            return switch (this) {
                case IMPLEMENTED, PARTIAL -> Treatment.IMPLEMENT;
                case STUBBED -> Treatment.STUB;
                case FAKED -> Treatment.FAKE;
            };
        }
    }

    /**
     * A syscall's level with an optional note (what a partial implementation leaves out) and, for
     * a partial syscall listed with values, the argument values it implements (empty otherwise).
     */
    public record Support(Level level, String note, List<ArgumentValue> values) {
        public Support {
            values = values == null ? List.of() : List.copyOf(values);
        }

        public Support(Level level, String note) {
            this(level, note, List.of());
        }
    }

    private static final String RESOURCE_DIR = "os/";

    /** The lists shipped with shimscope (resources {@code dev/shimscope/model/os/NAME.syscalls}). */
    private static final List<String> SHIPPED = List.of("browsix", "freebsd", "fuchsia", "graphene", "gvisor",
            "hermitux", "kerla", "linuxnolibc", "osv", "unikraft", "zephyr");

    public OsDescription {
        syscalls = Collections.unmodifiableSortedMap(new TreeMap<>(syscalls));
    }

    public static List<String> shippedNames() {
        return SHIPPED;
    }

    /**
     * The syscalls the OS runs for real (implemented or partial): what a plan or score calls
     * "supported".
     */
    public SortedSet<String> implemented() {
        TreeSet<String> out = new TreeSet<>();
        syscalls.forEach((n, s) -> {
            if (s.level().treatment().kind() == Treatment.Kind.IMPLEMENT) {
                out.add(n);
            }
        });
        return Collections.unmodifiableSortedSet(out);
    }

    /** The syscalls the OS fakes (answers 0). */
    public SortedSet<String> faked() {
        TreeSet<String> out = new TreeSet<>();
        syscalls.forEach((n, s) -> {
            if (s.level() == Level.FAKED) {
                out.add(n);
            }
        });
        return Collections.unmodifiableSortedSet(out);
    }

    public boolean supports(String syscall) {
        Support s = syscalls.get(syscall);
        return s != null && s.level().treatment().kind() == Treatment.Kind.IMPLEMENT;
    }

    /**
     * A run on this OS: every listed syscall as the list says, every other one {@code otherwise}
     * (ENOSYS, as an OS answers a syscall it does not know; or 0 for a shim that fakes the rest).
     */
    public ShimConfiguration configuration(SyscallTable table, Treatment otherwise) {
        Map<Syscall, Treatment> m = new TreeMap<>();
        syscalls.forEach((n, s) -> m.put(table.require(n), s.values().isEmpty() ? s.level().treatment() : Treatment.STUB));
        ShimConfiguration c = ShimConfiguration.closedWorld(m, otherwise);
        for (Map.Entry<String, Support> e : syscalls.entrySet()) {
            for (ArgumentValue v : e.getValue().values()) {
                // only the listed values run for real; the syscall's other calls answer ENOSYS
                c = c.with(new ShimConfiguration.ArgumentRule(table.require(e.getKey()), v, Treatment.IMPLEMENT));
            }
        }
        return c;
    }

    /**
     * A path to a {@code *.syscalls} file, or the name of a shipped list (any case, with or
     * without {@code .syscalls}). An existing file wins over a shipped name.
     */
    public static OsDescription load(String pathOrName) throws IOException {
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

    public static OsDescription read(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(".syscalls")) {
            name = name.substring(0, name.length() - ".syscalls".length());
        }
        return parse(name, file.toString(), InputFiles.readText(file,
                "an OS support list (one x86_64 syscall name per line)"));
    }

    public static OsDescription shipped(String name) {
        String resource = RESOURCE_DIR + name + ".syscalls";
        try (InputStream in = OsDescription.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no shipped OS support list '" + name + "'");
            }
            return parse(name, "shipped list " + name + ".syscalls", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a list; {@code source} names it in error messages. */
    public static OsDescription parse(String name, String source, String content) {
        SyscallTable table = SyscallTable.x86_64();
        List<String> known = null;
        TreeMap<String, Support> entries = new TreeMap<>();
        String[] lines = content.split("\r?\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
            String comment = hash >= 0 ? line.substring(hash + 1).strip() : "";
            if (text.isEmpty()) {
                continue;
            }
            String[] words = text.split("\\s+");
            if (words.length > 2) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": '" + text
                        + "' has more than a name and a level; put one syscall per line: NAME [implemented|partial|stub|fake"
                        + "|VALUE,VALUE...]");
            }
            Syscall s = table.byName(words[0]).orElse(null);
            if (s == null || !s.known()) {
                if (known == null) {
                    known = new ArrayList<>();
                    for (Syscall k : table.all()) {
                        known.add(k.name());
                    }
                }
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": unknown x86_64 syscall name '"
                        + words[0] + "'" + Suggestions.hint(words[0], known));
            }
            if (words.length == 2 && isValueList(words[1])) {
                entries.put(s.name(), new Support(Level.PARTIAL, comment.isEmpty() ? null : comment,
                        values(s.name(), words[1], source, i + 1)));
                continue;
            }
            Level level = words.length == 1 ? Level.IMPLEMENTED : level(words[1], source, i + 1);
            entries.put(s.name(), new Support(level, level == Level.PARTIAL && !comment.isEmpty() ? comment : null));
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(source + ": lists no syscalls (expected one x86_64 syscall name per line)");
        }
        return new OsDescription(name, source, entries);
    }

    /** Argument values are symbolic constants (PR_SET_NAME, F_GETFL): upper case; levels are lower case. */
    private static boolean isValueList(String word) {
        return word.chars().anyMatch(Character::isUpperCase) || word.contains(",");
    }

    private static List<ArgumentValue> values(String syscall, String list, String source, int line) {
        String label = ArgumentDecoders.firstLabel(syscall).orElseThrow(() -> new IllegalArgumentException(source
                + " line " + line + ": " + syscall + " has no argument values shimscope can tell apart; list it as"
                + " implemented or partial"));
        List<ArgumentValue> out = new ArrayList<>();
        for (String name : list.split(",")) {
            if (name.isBlank()) {
                continue;
            }
            out.add(ArgumentDecoders.parse(syscall, label, name.strip()).orElseThrow(() -> new IllegalArgumentException(
                    source + " line " + line + ": '" + name.strip() + "' is not a value of " + syscall + "'s " + label
                    + " that shimscope knows")));
        }
        return out;
    }

    private static Level level(String word, String source, int line) {
        if (SyscallTable.x86_64().byName(word).isPresent()) {
            throw new IllegalArgumentException(source + " line " + line + ": '" + word
                    + "' after the name is another syscall; put one syscall name per line");
        }
        for (Level l : Level.values()) {
            if (l.id().equals(word.toLowerCase(Locale.ROOT))) {
                return l;
            }
        }
        throw new IllegalArgumentException(source + " line " + line + ": unknown level '" + word
                + "' (implemented, partial, stub or fake)");
    }
}
