package dev.shimscope.syscall;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The syscall table of one architecture: name to number and back. The data is generated from
 * the kernel's own tables by {@code tools/gen-syscall-tables.sh}; {@link #source()} says which
 * kernel it came from. Numbers without an entry are named {@code syscall_N}.
 */
public final class SyscallTable {

    private static final Map<Arch, SyscallTable> TABLES = new EnumMap<>(Arch.class);

    private final Arch arch;
    private final String source;
    private final TreeMap<Integer, Syscall> byNumber;
    private final Map<String, Syscall> byName;

    private SyscallTable(Arch arch, String source, TreeMap<Integer, Syscall> byNumber) {
        this.arch = arch;
        this.source = source;
        this.byNumber = byNumber;
        this.byName = new HashMap<>();
        byNumber.values().forEach(s -> byName.put(s.name(), s));
    }

    public static SyscallTable x86_64() {
        return of(Arch.X86_64);
    }

    public static synchronized SyscallTable of(Arch arch) {
        return TABLES.computeIfAbsent(arch, SyscallTable::load);
    }

    private static SyscallTable load(Arch arch) {
        String resource = arch.id() + ".tsv";
        try (InputStream in = SyscallTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("syscall table resource missing: " + resource);
            }
            return parse(arch, new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read syscall table " + resource, e);
        }
    }

    static SyscallTable parse(Arch arch, BufferedReader reader) throws IOException {
        StringBuilder source = new StringBuilder();
        TreeMap<Integer, Syscall> byNumber = new TreeMap<>();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith("#")) {
                if (source.length() < 400 && !line.startsWith("# number")) {
                    source.append(source.isEmpty() ? "" : "; ").append(line.substring(1).trim());
                }
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            String[] cols = line.split("\t");
            int nr = Integer.parseInt(cols[0]);
            byNumber.put(nr, new Syscall(arch, nr, cols[1]));
        }
        return new SyscallTable(arch, source.toString(), byNumber);
    }

    public Arch arch() {
        return arch;
    }

    /** Where the table came from (kernel version, package, file). */
    public String source() {
        return source;
    }

    /** The syscall with this number; an unknown number gives {@code syscall_N}, never null. */
    public Syscall byNumber(int number) {
        Syscall s = byNumber.get(number);
        return s != null ? s : new Syscall(arch, number, Syscall.UNKNOWN_PREFIX + number);
    }

    public String name(int number) {
        return byNumber(number).name();
    }

    /** Looks a name up; also accepts {@code syscall_N} and {@code syscall_0xHEX} (strace's form). */
    public Optional<Syscall> byName(String name) {
        Syscall s = byName.get(name);
        if (s != null) {
            return Optional.of(s);
        }
        if (name.startsWith(Syscall.UNKNOWN_PREFIX)) {
            String digits = name.substring(Syscall.UNKNOWN_PREFIX.length());
            try {
                int nr = digits.startsWith("0x") ? Integer.parseInt(digits.substring(2), 16) : Integer.parseInt(digits);
                return nr >= 0 ? Optional.of(byNumber(nr)) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Like {@link #byName} but an unknown name is an error that names it. */
    public Syscall require(String name) {
        return byName(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown " + arch + " syscall name '" + name + "'"));
    }

    /** Every syscall in the table, by number. */
    public List<Syscall> all() {
        return Collections.unmodifiableList(new ArrayList<>(byNumber.values()));
    }

    /** The highest number in the table. */
    public int maxNumber() {
        return byNumber.lastKey();
    }

    public int size() {
        return byNumber.size();
    }

    public boolean contains(int number) {
        return byNumber.containsKey(number);
    }
}
