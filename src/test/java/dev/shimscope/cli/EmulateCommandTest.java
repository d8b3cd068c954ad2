package dev.shimscope.cli;

import dev.shimscope.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import dev.shimscope.model.Json;
import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.testing.Cli.Outcome;
import dev.shimscope.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** emulate from the command line: bare commands with the ELF loader check, and bad OS lists. */
class EmulateCommandTest {

    @TempDir
    Path tmp;

    /** A support list with every x86_64 syscall except the given ones. */
    private Path listWithout(String... missing) throws IOException {
        List<String> skip = Arrays.asList(missing);
        String names = SyscallTable.x86_64().all().stream().map(Syscall::name).filter(n -> !skip.contains(n))
                .collect(Collectors.joining("\n", "", "\n"));
        return Files.writeString(tmp.resolve("test-os.syscalls"), names);
    }

    @Test
    void aBareCommandThatNeedsAMissingSyscallFailsAndNamesIt() throws IOException {
        Path json = tmp.resolve("emulate.json");
        Outcome o = Cli.run("emulate", "--os", listWithout("uname").toString(), "--jobs", "2", "--verify", "1",
                "--json-file", json.toString(), "--", "uname", "-s");
        assertThat(o.status()).as(o.err()).isEqualTo(3);
        assertThat(o.out()).contains("uname/suite-command on test-os (unsupported syscalls return -ENOSYS): FAIL")
                .contains("implement these 1 to run this workload on test-os: uname  (verified: 1 passing runs")
                // the ELF loader check of the command's binary comes with it
                .contains("ELF loader check (as static --bincompat) of /usr/bin/uname:")
                .contains("verdict:      compatible: dynamic PIE");
        JsonNode tree = Json.mapper().readTree(json.toFile());
        assertThat(tree.path("bincompat").path("verdict").path("compatible").asBoolean()).isTrue();
        assertThat(tree.path("bincompat").path("binary").path("arch").asText()).isEqualTo("x86_64");
    }

    @Test
    void aBareCommandThatAvoidsTheMissingSyscallPasses() throws IOException {
        Outcome o = Cli.run("emulate", "--os", listWithout("uname").toString(), "--", "true");
        assertThat(o.status()).as(o.err()).isZero();
        assertThat(o.out()).contains(": PASS").contains("it called no syscall that test-os lacks");
    }

    @Test
    void aScriptHasNoLoaderCheckButSaysWhy() throws IOException {
        Path script = Fixtures.script(tmp.resolve("hello.sh"), "#!/bin/sh\necho hello\n");
        Outcome o = Cli.run("emulate", "--os", listWithout().toString(), "--", script.toString());
        assertThat(o.status()).as(o.err()).isZero();
        assertThat(o.out()).contains("ELF loader check (as static --bincompat) of " + script)
                .contains("not checked: ");
    }

    @Test
    void anUnknownSyscallNameInTheListIsOneClearError() throws IOException {
        Path list = Files.writeString(tmp.resolve("bad.syscalls"), "read\nwrite\nfrobnicate\n");
        Outcome o = Cli.run("emulate", "--os", list.toString(), "--", "true");
        assertThat(o.status()).isNotZero();
        assertThat(o.errorLines()).singleElement().asString()
                .startsWith("shimscope: " + list + " line 3: unknown x86_64 syscall name 'frobnicate'");
        assertThat(o.out()).isEmpty();
    }

    @Test
    void anEmptyListIsOneClearError() throws IOException {
        Path list = Files.writeString(tmp.resolve("empty.syscalls"), "\n");
        Outcome o = Cli.run("emulate", "--os", list.toString(), "--", "true");
        assertThat(o.status()).isNotZero();
        assertThat(o.errorLines()).singleElement().asString()
                .isEqualTo("shimscope: " + list + ": lists no syscalls (expected one x86_64 syscall name per line)");
    }

    @Test
    void twoTargetsWithoutTheSeparatorAreAnError() throws IOException {
        Outcome o = Cli.run("emulate", "--os", listWithout().toString(), "redis", "nginx");
        assertThat(o.status()).isNotZero();
        assertThat(o.errorLines()).singleElement().asString().contains("give one TARGET").contains("-- CMD ARGS");
    }
}
