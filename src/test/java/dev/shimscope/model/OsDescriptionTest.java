package dev.shimscope.model;

import dev.shimscope.testing.LoupeData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OsDescriptionTest {

    @TempDir
    Path tmp;

    @Test
    void theElevenShippedListsLoadAndMatchLoupesExceptForTheGvisorCorrection() throws Exception {
        Map<String, String> loupeFile = Map.ofEntries(Map.entry("browsix", "Browsix"), Map.entry("freebsd", "Freebsd"),
                Map.entry("fuchsia", "Fuchsia"), Map.entry("graphene", "Graphene"), Map.entry("gvisor", "Gvisor"),
                Map.entry("hermitux", "Hermitux"), Map.entry("kerla", "Kerla"), Map.entry("linuxnolibc", "LinuxNoLibc"),
                Map.entry("osv", "Osv"), Map.entry("unikraft", "Unikraft"), Map.entry("zephyr", "Zephyr"));
        assertThat(OsDescription.shippedNames()).containsExactlyInAnyOrderElementsOf(loupeFile.keySet());
        for (String name : OsDescription.shippedNames()) {
            OsDescription os = OsDescription.load(name);
            TreeSet<String> original = new TreeSet<>(Files.readAllLines(LoupeData.DB.resolve(loupeFile.get(name) + ".syscalls")));
            original.removeIf(String::isBlank);
            if (name.equals("gvisor")) {
                original.remove("futimensat");
                original.add("futimesat");
            }
            assertThat(os.implemented()).as(name).isEqualTo(original);
        }
        assertThat(OsDescription.load("gvisor").implemented()).contains("futimesat", "utimensat").doesNotContain("futimensat");
        assertThat(OsDescription.load("Gvisor").implemented()).hasSize(259);
        assertThat(OsDescription.load("unikraft.syscalls").syscalls()).hasSize(163);
        assertThat(OsDescription.load("osv").implemented()).doesNotContain("clone", "exit_group");
    }

    @Test
    void theOriginalGvisorListIsAClearError() {
        Path original = LoupeData.DB.resolve("Gvisor.syscalls");
        assertThatThrownBy(() -> OsDescription.load(original.toString()))
                .hasMessage(original + " line 57: unknown x86_64 syscall name 'futimensat' (did you mean futimesat or utimensat?)");
    }

    @Test
    void commentsAndBlankLinesAreAllowed() throws Exception {
        Path f = tmp.resolve("mini.syscalls");
        Files.writeString(f, "# my OS\n\nread   # implemented\n  write\r\nread\n");
        OsDescription os = OsDescription.load(f.toString());
        assertThat(os.name()).isEqualTo("mini");
        assertThat(os.implemented()).containsExactly("read", "write");
        // an existing file wins over a shipped name
        Path local = tmp.resolve("gvisor");
        Files.writeString(local, "read\n");
        assertThat(OsDescription.load(local.toString()).implemented()).containsExactly("read");
    }

    @Test
    void badListsAreErrorsNamingFileAndLine() throws Exception {
        Path f = tmp.resolve("bad.syscalls");
        Files.writeString(f, "read\nwrite\nopn\n");
        assertThatThrownBy(() -> OsDescription.load(f.toString()))
                .hasMessage(f + " line 3: unknown x86_64 syscall name 'opn' (did you mean open?)");
        Files.writeString(f, "read write\n");
        assertThatThrownBy(() -> OsDescription.load(f.toString()))
                .hasMessage(f + " line 1: 'write' after the name is another syscall; put one syscall name per line");
        Files.writeString(f, "# nothing\n\n");
        assertThatThrownBy(() -> OsDescription.load(f.toString()))
                .hasMessage(f + ": lists no syscalls (expected one x86_64 syscall name per line)");
        Files.writeString(f, "syscall_400\n");
        assertThatThrownBy(() -> OsDescription.load(f.toString())).hasMessageContaining("unknown x86_64 syscall name 'syscall_400'");
        assertThatThrownBy(() -> OsDescription.load("gvsior"))
                .hasMessageStartingWith("no OS support list 'gvsior': not a file, and not a shipped list (did you mean gvisor?)");
    }

    @Test
    void aSyscallMayListTheArgumentValuesItImplements() throws Exception {
        OsDescription os = OsDescription.parse("mini", "mini.syscalls", "read\nprctl PR_SET_NAME,PR_GET_NAME  # names only\nfcntl F_GETFL\n");
        assertThat(os.syscalls().get("prctl").level()).isEqualTo(OsDescription.Level.PARTIAL);
        assertThat(os.syscalls().get("prctl").note()).isEqualTo("names only");
        assertThat(os.syscalls().get("prctl").values()).extracting(v -> v.name()).containsExactly("PR_SET_NAME", "PR_GET_NAME");
        // still "supported" for plan and score, which work per syscall
        assertThat(os.implemented()).contains("read", "prctl", "fcntl");
        var c = os.configuration(dev.shimscope.syscall.SyscallTable.x86_64(), Treatment.STUB);
        assertThat(c.argumentRules()).extracting(r -> r.syscall().name() + " " + r.value().name())
                .containsExactlyInAnyOrder("prctl PR_SET_NAME", "prctl PR_GET_NAME", "fcntl F_GETFL");
        assertThatThrownBy(() -> OsDescription.parse("x", "x.syscalls", "prctl PR_SET_NAMEX\n"))
                .hasMessage("x.syscalls line 1: 'PR_SET_NAMEX' is not a value of prctl's option that shimscope knows");
        assertThatThrownBy(() -> OsDescription.parse("x", "x.syscalls", "read F_GETFL\n"))
                .hasMessageStartingWith("x.syscalls line 1: read has no argument values shimscope can tell apart");
    }
}
