package dev.shimscope.store;

import dev.shimscope.model.Verdict;
import dev.shimscope.syscall.SyscallTable;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoupeCsvTest {

    private static final SyscallTable X86 = SyscallTable.x86_64();

    @Test
    void readsTheVerdictColumnsByTheirMeaning() {
        // column 3 is "works faked", column 4 "works stubbed", column 5 "works both" (exclusive form)
        String csv = """
                # syscall, used, works faked, works stubbed, works both
                0,Y,N,N,N
                1,Y,Y,N,N
                2,Y,N,Y,N
                3,Y,N,N,Y
                4,N,N,N,N
                """;
        LoupeCsv.DynamicData d = LoupeCsv.parseDynamic("dyn.csv", csv, X86);
        assertThat(d.verdicts()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "read", Verdict.REQUIRED,
                "write", Verdict.FAKE_ONLY,
                "open", Verdict.STUB_ONLY,
                "close", Verdict.BOTH));
        assertThat(d.notes()).isEmpty();
    }

    @Test
    void readsLoupesOlderAllColumnsForm() {
        // Loupe's "imported" runs mark all three columns for a call that works both ways
        LoupeCsv.DynamicData d = LoupeCsv.parseDynamic("dyn.csv", "0,Y,Y,Y,Y\n1,Y,Y,N,N\n", X86);
        assertThat(d.verdicts()).containsEntry("read", Verdict.BOTH).containsEntry("write", Verdict.FAKE_ONLY);
    }

    @Test
    void unusedSyscallsWithVerdictColumnsAreNotedAndIgnored() {
        LoupeCsv.DynamicData d = LoupeCsv.parseDynamic("dyn.csv", "21,N,Y,Y,Y\n0,Y,N,N,N\n", X86);
        assertThat(d.verdicts()).containsOnlyKeys("read");
        assertThat(d.notes()).singleElement().asString().contains("access");
    }

    @Test
    void toleratesLayoutLikeLoupesReader() {
        // no comment line, spaces, CRLF, blank lines, no final newline, a number past the table
        String csv = "0, Y ,N,N,N\r\n\r\n 335,N,N,N,N\r\n1,Y,N,Y,N";
        LoupeCsv.DynamicData d = LoupeCsv.parseDynamic("dyn.csv", csv, X86);
        assertThat(d.verdicts()).containsOnlyKeys("read", "write");
    }

    @Test
    void badContentIsAnErrorNamingFileAndLine() {
        assertThatThrownBy(() -> LoupeCsv.parseDynamic("x/dyn.csv", "# h\n0,Y,N,N,N\n1,Y,N\n", X86))
                .hasMessage("x/dyn.csv line 3: expected 5 comma-separated fields (syscall, used, works faked, "
                        + "works stubbed, works both), found 3: '1,Y,N'");
        assertThatThrownBy(() -> LoupeCsv.parseDynamic("x/dyn.csv", "0,Y,N,N,N\n1,Y,maybe,N,N\n", X86))
                .hasMessage("x/dyn.csv line 2: field 3 is 'maybe', expected Y or N");
        assertThatThrownBy(() -> LoupeCsv.parseDynamic("x/dyn.csv", "read,Y,N,N,N\n", X86))
                .hasMessageContaining("line 1: 'read' is not a syscall number");
        assertThatThrownBy(() -> LoupeCsv.parseDynamic("x/dyn.csv", "0,Y,N,N,N\n0,N,N,N,N\n", X86))
                .hasMessage("x/dyn.csv line 2: syscall number 0 appears twice");
        assertThatThrownBy(() -> LoupeCsv.parseDynamic("x/dyn.csv", "# only a comment\n", X86))
                .hasMessageContaining("x/dyn.csv: no syscall lines");
        assertThatThrownBy(() -> LoupeCsv.parseStatic("s.csv", "0,Y,N\n", X86))
                .hasMessageContaining("s.csv line 1: expected 2 comma-separated fields");
        assertThatThrownBy(() -> LoupeCsv.parseDynamic("bin", "\u0000\u0001garbage\u00ff", X86))
                .hasMessageStartingWith("bin line 1: expected 5 comma-separated fields");
    }

    @Test
    void writesLoupesFormatForTheWholeTable() {
        Map<String, Verdict> v = new TreeMap<>(Map.of(
                "read", Verdict.REQUIRED, "write", Verdict.FAKE_ONLY, "open", Verdict.STUB_ONLY,
                "close", Verdict.BOTH, "stat", Verdict.FLAKY, "clone3", Verdict.REQUIRED));
        String csv = LoupeCsv.writeDynamic(v, X86);
        List<String> lines = csv.lines().toList();
        assertThat(lines.getFirst()).isEqualTo("# syscall, used, works faked, works stubbed, works both");
        // one line per number from 0 to the table's highest (462 in Linux 6.12), numbers in order
        assertThat(lines).hasSize(1 + X86.maxNumber() + 1);
        for (int nr = 0; nr <= X86.maxNumber(); nr++) {
            assertThat(lines.get(nr + 1)).startsWith(nr + ",");
        }
        assertThat(lines.subList(1, 6)).containsExactly("0,Y,N,N,N", "1,Y,Y,N,N", "2,Y,N,Y,N", "3,Y,N,N,Y", "4,Y,N,N,N");
        assertThat(lines.get(1 + 435)).isEqualTo("435,Y,N,N,N");      // clone3, past Loupe's 334
        assertThat(lines.get(1 + 400)).isEqualTo("400,N,N,N,N");      // a gap in the x86_64 table
        assertThat(csv).endsWith("\n").doesNotContain(" ,").doesNotContain("\r");
        // reading it back gives the same verdicts, except that FLAKY has no column of its own
        Map<String, Verdict> back = LoupeCsv.parseDynamic("w", csv, X86).verdicts();
        Map<String, Verdict> expected = new TreeMap<>(v);
        expected.put("stat", Verdict.REQUIRED);
        assertThat(back).isEqualTo(expected);
    }

    @Test
    void staticFilesRoundTrip() {
        String csv = LoupeCsv.writeStatic(Set.of("read", "rseq", "mseal"), X86);
        assertThat(csv).startsWith("# syscall, used\n0,Y\n1,N\n");
        assertThat(csv.lines().count()).isEqualTo(1 + X86.maxNumber() + 1);
        assertThat(LoupeCsv.parseStatic("s", csv, X86)).containsExactly("mseal", "read", "rseq");
    }
}
