package dev.shimscope.staticbin;

import dev.shimscope.elf.ElfFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Capstone 4 (what the scanner uses) against binutils' objdump on real libraries: both must
 * find the same {@code syscall} and {@code int 0x80} instructions at the same addresses.
 */
class DisassemblyCrossCheckTest {

    private static final Pattern SITE = Pattern.compile("^\\s*([0-9a-f]+):\\s+(syscall|int\\s+\\$0x80)\\s*$");

    @ParameterizedTest
    @ValueSource(strings = {"/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2",
            "/usr/lib/x86_64-linux-gnu/libcrypto.so.3", "/usr/bin/redis-server"})
    void capstoneAndObjdumpFindTheSameSites(String file) throws Exception {
        Set<Long> objdump = new TreeSet<>();
        Process p = new ProcessBuilder("objdump", "-d", "--no-show-raw-insn", file).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            String line;
            while ((line = r.readLine()) != null) {
                Matcher m = SITE.matcher(line);
                if (m.matches()) {
                    objdump.add(Long.parseLong(m.group(1), 16));
                }
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Set<Long> ours = new TreeSet<>();
        try (ElfFile elf = ElfFile.open(Path.of(file)); Capstone cs = new Capstone()) {
            ModuleModel model = new ModuleScanner(elf, cs).scan("test");
            for (SyscallSite s : model.sites()) {
                if (s.kind() != SyscallSite.Kind.WRAPPER_CALL && s.kind() != SyscallSite.Kind.SYSENTER) {
                    ours.add(s.address());
                }
            }
        }
        assertThat(ours).isEqualTo(objdump);
    }
}
