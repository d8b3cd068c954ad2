package dev.shimscope.store;

import dev.shimscope.model.Verdict;
import dev.shimscope.syscall.SyscallTable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads and writes Loupe's result files. {@code dyn.csv}: a comment line
 * {@code # syscall, used, works faked, works stubbed, works both}, then one line
 * {@code NUMBER,Y|N,Y|N,Y|N,Y|N} per syscall number; {@code static_binary.csv} and
 * {@code static_sources.csv}: {@code # syscall, used}, then {@code NUMBER,Y|N}.
 *
 * <p>The three verdict columns are read by what they say, never by position in Loupe's reader
 * (which swaps "stubbed" and "faked"): column 3 is "works faked", column 4 "works stubbed",
 * column 5 "works both". Loupe's explorer writes them as exclusive categories ({@code Y,N,N,Y} is
 * "both"), its older "imported" runs mark all three ({@code Y,Y,Y,Y}); both read as: stubbing
 * works when column 4 or 5 says Y, faking works when column 3 or 5 says Y. Written files use the
 * exclusive form and one line for every number from 0 to the highest number of the syscall table
 * (Loupe stops at 334 and so misses newer calls such as clone3).
 *
 * <p>Reading is as lenient as Loupe's reader about layout (whitespace, a missing comment line,
 * blank lines) and strict about content: a wrong field count, a value other than Y/N, a bad or
 * repeated number is an error naming the file and line.
 */
public final class LoupeCsv {

    public static final String DYN_HEADER = "# syscall, used, works faked, works stubbed, works both";
    public static final String STATIC_HEADER = "# syscall, used";

    private LoupeCsv() {
    }

    /**
     * What a {@code dyn.csv} says: a verdict for every used syscall, and notes about content that
     * was read but ignored (verdict columns set on a syscall marked unused).
     */
    public record DynamicData(SortedMap<String, Verdict> verdicts, List<String> notes) {
        public DynamicData {
            verdicts = Collections.unmodifiableSortedMap(new TreeMap<>(verdicts));
            notes = List.copyOf(notes);
        }
    }

    public static DynamicData readDynamic(Path file, SyscallTable table) throws IOException {
        return parseDynamic(file.toString(), dev.shimscope.io.InputFiles.readText(file, "Loupe's dyn.csv"), table);
    }

    public static SortedSet<String> readStatic(Path file, SyscallTable table) throws IOException {
        return parseStatic(file.toString(), dev.shimscope.io.InputFiles.readText(file, "Loupe's static CSV"), table);
    }

    /** Parses {@code dyn.csv} content; {@code source} names the file in error messages. */
    public static DynamicData parseDynamic(String source, String content, SyscallTable table) {
        TreeMap<String, Verdict> verdicts = new TreeMap<>();
        List<String> ignored = new ArrayList<>();
        for (Row row : rows(source, content, 5,
                "syscall, used, works faked, works stubbed, works both")) {
            boolean used = row.flag(0);
            boolean worksFaked = row.flag(1);
            boolean worksStubbed = row.flag(2);
            boolean worksBoth = row.flag(3);
            String name = table.name(row.number);
            if (!used) {
                if (worksFaked || worksStubbed || worksBoth) {
                    ignored.add(name);
                }
                continue;
            }
            verdicts.put(name, Verdict.of(worksStubbed || worksBoth, worksFaked || worksBoth));
        }
        List<String> notes = new ArrayList<>();
        if (!ignored.isEmpty()) {
            notes.add("ignored the stub/fake columns of syscalls marked unused: " + String.join(", ", ignored));
        }
        return new DynamicData(verdicts, notes);
    }

    /** Parses {@code static_binary.csv} / {@code static_sources.csv} content: the used syscalls. */
    public static SortedSet<String> parseStatic(String source, String content, SyscallTable table) {
        TreeSet<String> used = new TreeSet<>();
        for (Row row : rows(source, content, 2, "syscall, used")) {
            if (row.flag(0)) {
                used.add(table.name(row.number));
            }
        }
        return used;
    }

    /** A {@code dyn.csv} for these verdicts (unused syscalls are {@code N,N,N,N}). */
    public static String writeDynamic(Map<String, Verdict> verdicts, SyscallTable table) {
        Map<Integer, Verdict> byNumber = new TreeMap<>();
        verdicts.forEach((name, v) -> byNumber.put(table.require(name).number(), v));
        StringBuilder sb = new StringBuilder(DYN_HEADER).append('\n');
        int last = lastNumber(table, byNumber.keySet());
        for (int nr = 0; nr <= last; nr++) {
            Verdict v = byNumber.get(nr);
            sb.append(nr).append(',');
            if (v == null) {
                sb.append("N,N,N,N");
            } else {
                // exclusive columns, as Loupe's explorer writes them; FLAKY is written as required
                sb.append("Y,").append(yn(v == Verdict.FAKE_ONLY))
                        .append(',').append(yn(v == Verdict.STUB_ONLY))
                        .append(',').append(yn(v == Verdict.BOTH));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** A {@code static_binary.csv} / {@code static_sources.csv} for this set. */
    public static String writeStatic(Set<String> used, SyscallTable table) {
        Set<Integer> numbers = new HashSet<>();
        used.forEach(name -> numbers.add(table.require(name).number()));
        StringBuilder sb = new StringBuilder(STATIC_HEADER).append('\n');
        int last = lastNumber(table, numbers);
        for (int nr = 0; nr <= last; nr++) {
            sb.append(nr).append(',').append(yn(numbers.contains(nr))).append('\n');
        }
        return sb.toString();
    }

    private static int lastNumber(SyscallTable table, Set<Integer> numbers) {
        int last = table.maxNumber();
        for (int n : numbers) {
            last = Math.max(last, n);
        }
        return last;
    }

    private static String yn(boolean b) {
        return b ? "Y" : "N";
    }

    private record Row(int number, boolean[] flags) {
        boolean flag(int i) {
            return flags[i];
        }
    }

    /** Highest syscall number accepted; the kernel's tables stay far below. */
    private static final int MAX_NUMBER = 4095;

    private static List<Row> rows(String source, String content, int fields, String columns) {
        List<Row> rows = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        String[] lines = content.split("\r?\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].replaceAll("\\s+", "");
            int lineNo = i + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split(",", -1);
            if (cols.length != fields) {
                throw new IllegalArgumentException(source + " line " + lineNo + ": expected " + fields
                        + " comma-separated fields (" + columns + "), found " + cols.length + ": '"
                        + abbreviate(lines[i]) + "'");
            }
            int number;
            try {
                number = Integer.parseInt(cols[0]);
            } catch (NumberFormatException e) {
                number = -1;
            }
            if (number < 0 || number > MAX_NUMBER) {
                throw new IllegalArgumentException(source + " line " + lineNo + ": '" + abbreviate(cols[0])
                        + "' is not a syscall number (0.." + MAX_NUMBER + ")");
            }
            if (!seen.add(number)) {
                throw new IllegalArgumentException(source + " line " + lineNo + ": syscall number " + number
                        + " appears twice");
            }
            boolean[] flags = new boolean[fields - 1];
            for (int c = 1; c < fields; c++) {
                switch (cols[c]) {
                    case "Y" -> flags[c - 1] = true;
                    case "N" -> flags[c - 1] = false;
                    default -> throw new IllegalArgumentException(source + " line " + lineNo + ": field " + (c + 1)
                            + " is '" + abbreviate(cols[c]) + "', expected Y or N");
                }
            }
            rows.add(new Row(number, flags));
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(source + ": no syscall lines (expected '" + columns + "' rows)");
        }
        return rows;
    }

    /** At most 40 characters, control characters shown as '?', so that the error stays one readable line. */
    private static String abbreviate(String s) {
        String shown = s.length() <= 40 ? s : s.substring(0, 37) + "...";
        StringBuilder sb = new StringBuilder(shown.length());
        shown.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return sb.toString();
    }
}
