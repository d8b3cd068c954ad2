package dev.shimscope.cli;

import dev.shimscope.testing.Cli.Outcome;
import dev.shimscope.testing.Cli;
import dev.shimscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StaticCommandTest {

    @TempDir
    Path tmp;



    @Test
    void writesLoupeCsvForEveryNumberOfTheTable() throws IOException {
        Path bin = Fixtures.compile("gcc", "static_sites", "static_sites-pie");
        Path csv = java.nio.file.Files.createDirectories(tmp.resolve("out")).resolve("static_binary.csv");
        Outcome o = Cli.run("static", "--csv", csv.toString(), bin.toString());
        assertThat(o.status()).as(o.err()).isZero();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.getFirst()).isEqualTo("# syscall, used");
        int max = dev.shimscope.syscall.SyscallTable.x86_64().maxNumber();
        assertThat(lines).hasSize(max + 2);
        assertThat(lines.get(1 + 110)).isEqualTo("110,Y");
        assertThat(lines.get(1 + 425)).isEqualTo("425,Y"); // own site, even if dead: the executable counts whole
        assertThat(lines.subList(1, lines.size())).allMatch(l -> l.matches("\\d+,[YN]"));
        assertThat(o.out()).contains("function-level").contains("getppid");
    }

    @Test
    void bincompatGivesLoaderFactsAndAVerdict() {
        Outcome pie = Cli.run("static", "--bincompat", Fixtures.compile("gcc", "static_sites", "static_sites-pie").toString());
        assertThat(pie.status()).isZero();
        assertThat(pie.out()).contains("PIE:          yes").contains("verdict:      compatible: dynamic PIE")
                .contains("interpreter:  /lib64/ld-linux-x86-64.so.2").contains("syscalls it would need")
                .containsPattern("TLS segment:  \\d+ bytes");
        Outcome noPie = Cli.run("static", "--bincompat",
                Fixtures.compile("gcc", "static_sites", "static_sites-nopie", "-no-pie").toString());
        assertThat(noPie.out()).contains("verdict:      incompatible: not position independent");
        Outcome redis = Cli.run("static", "--bincompat", "--json", "/usr/bin/redis-server");
        assertThat(redis.out()).contains("\"compatible\" : true").contains("\"interpreter\" : \"/lib64/ld-linux-x86-64.so.2\"");
    }

    @Test
    void badInputGivesOneLineAndNonZeroExit() throws IOException {
        byte[] elf = Files.readAllBytes(Fixtures.gcc("static_sites"));
        byte[] b32 = elf.clone();
        b32[4] = 1;
        Path elf32 = Files.write(tmp.resolve("elf32"), b32);
        Path truncated = Files.write(tmp.resolve("truncated"), Arrays.copyOf(elf, elf.length / 3));
        Path csv = tmp.resolve("never.csv");
        for (String[] args : List.of(
                new String[] {"static", "/etc/passwd"},
                new String[] {"static", "--csv", csv.toString(), elf32.toString()},
                new String[] {"static", truncated.toString()},
                new String[] {"static", tmp.resolve("missing").toString()})) {
            Outcome o = Cli.run(args);
            assertThat(o.status()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(o.err().lines()).as(o.err()).hasSize(1);
            assertThat(o.err()).startsWith("shimscope: ");
            assertThat(o.out()).isEmpty();
        }
        assertThat(csv).doesNotExist();
        assertThat(Cli.run("static", "/etc/passwd").err()).contains("/etc/passwd is not an ELF file");
        assertThat(Cli.run("static", elf32.toString()).err()).contains("32-bit");
        assertThat(Cli.run("static", truncated.toString()).err()).contains("truncated");
        assertThat(Cli.run("static", tmp.resolve("missing").toString()).err()).contains("no such file");
    }
}
