package dev.shimscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shimscope.model.Json;
import dev.shimscope.testing.Cli.Outcome;
import dev.shimscope.testing.Cli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The command line: bad input is one error line and a non-zero exit; doctor; trace's JSON. */
class CliTest {

    private static Path work;

    @BeforeAll
    static void setUp() throws IOException {
        work = Files.createDirectories(Path.of("target/cli-test", UUID.randomUUID().toString()).toAbsolutePath());
    }

    @AfterAll
    static void tearDown() {
        dev.shimscope.sandbox.Sandbox.deleteTree(work);
    }



    @Test
    void everyCommandsSummaryIsACompleteSentence() {
        // the summary is what the top-level --help lists: it must not stop mid-sentence
        var top = Main.commandLine();
        List<String> bad = new ArrayList<>();
        for (var sub : top.getSubcommands().values()) {
            List<picocli.CommandLine> all = new ArrayList<>(List.of(sub));
            all.addAll(sub.getSubcommands().values());
            for (var c : all) {
                String[] d = c.getCommandSpec().usageMessage().description();
                if (d.length == 0 || !d[0].strip().endsWith(".")) {
                    bad.add(c.getCommandSpec().qualifiedName() + ": " + (d.length == 0 ? "(none)" : d[0]));
                }
            }
        }
        assertThat(bad).isEmpty();
    }

    @Test
    void traceWithoutACommandIsAUsageError() {
        Outcome o = Cli.run("trace");
        assertThat(o.status()).isEqualTo(2);
        assertThat(o.errorLines()).singleElement().asString()
                .startsWith("shimscope: Missing required parameter").contains("'shimscope trace --help'");
        assertThat(o.out()).isEmpty();
    }

    @Test
    void traceOfAMissingCommand() {
        Outcome o = Cli.run("trace", "--", "no-such-command-" + UUID.randomUUID());
        assertThat(o.status()).isEqualTo(1);
        assertThat(o.errorLines()).singleElement().asString().startsWith("shimscope: command not found: no-such-command-")
                .contains("PATH");
        assertThat(o.out()).isEmpty();

        Outcome path = Cli.run("trace", "--", work.resolve("absent").toString());
        assertThat(path.status()).isEqualTo(1);
        assertThat(path.errorLines()).containsExactly("shimscope: command not found: " + work.resolve("absent") + " (no such file)");
    }

    @Test
    void traceOfANonExecutableFile() throws IOException {
        Path script = work.resolve("script.sh");
        Files.writeString(script, "#!/bin/sh\necho hi\n");
        Outcome o = Cli.run("trace", "--", script.toString(), "arg");
        assertThat(o.status()).isEqualTo(1);
        assertThat(o.errorLines()).containsExactly("shimscope: not executable: " + script
                + " (chmod +x it, or run it through its interpreter)");
        assertThat(o.out()).isEmpty();
    }

    @Test
    void traceOfADirectory() {
        Outcome o = Cli.run("trace", "--", "/usr/bin");
        assertThat(o.status()).isEqualTo(1);
        assertThat(o.errorLines()).containsExactly("shimscope: not an executable file: /usr/bin is a directory");
    }

    @Test
    void everyCommandAndSubcommandHasHelp() {
        // the usage-error line says "see 'shimscope X --help'", so --help must work everywhere
        List<String> checked = new ArrayList<>();
        Main.commandLine().getSubcommands().forEach((name, sub) -> {
            List<String> paths = new ArrayList<>(List.of(name));
            sub.getSubcommands().keySet().forEach(child -> paths.add(name + " " + child));
            for (String path : paths) {
                List<String> args = new ArrayList<>(List.of(path.split(" ")));
                args.add("--help");
                Outcome o = Cli.run(args.toArray(String[]::new));
                assertThat(o.status()).as(path + ": " + o.err()).isZero();
                assertThat(o.out()).as(path).contains("Usage: shimscope " + path);
                checked.add(path);
            }
        });
        assertThat(checked).contains("explore", "emulate", "db show", "catalog list");
    }

    @Test
    void doctorPassesOnThisMachine() {
        Outcome o = Cli.run("doctor");
        assertThat(o.status()).as(o.out()).isZero();
        assertThat(o.out()).contains("OK      seccomp filters", "OK      bubblewrap", "OK      strace");
    }

    @Test
    void traceJsonListsSyscallsAsObjectsWithNameAndNumber() throws IOException {
        Outcome o = Cli.run("trace", "--json", "--", "/bin/sh", "-c", "exit 3");
        assertThat(o.status()).as(o.err()).isZero(); // the trace worked; the command's status is data
        JsonNode root = Json.mapper().readTree(o.out());
        assertThat(root.get("run").get("exitCode").asInt()).isEqualTo(3);
        assertThat(root.get("launchExecutable").asText()).isEqualTo("/bin/sh");
        JsonNode syscalls = root.get("syscalls");
        assertThat(syscalls.isArray()).isTrue();
        assertThat(syscalls.size()).isGreaterThan(10);
        List<String> names = new ArrayList<>();
        for (JsonNode s : syscalls) {
            assertThat(s.isObject()).isTrue();
            assertThat(s.get("name").isTextual()).isTrue();
            assertThat(s.get("number").isInt()).isTrue();
            assertThat(s.get("calls").asLong()).isPositive();
            assertThat(s.get("executables").isArray()).isTrue();
            names.add(s.get("name").asText());
        }
        assertThat(names).contains("execve", "exit_group");
        JsonNode execve = null;
        for (JsonNode s : syscalls) {
            if (s.get("name").asText().equals("execve")) {
                execve = s;
            }
        }
        assertThat(execve.get("number").asInt()).isEqualTo(59);
        assertThat(root.get("paths").isArray()).isTrue();
        assertThat(root.get("syscallTable").asText()).contains("Linux 6.");
    }

    @Test
    void traceLeavesNoFileInTheHostsVarTmp() {
        Path x = Path.of("/var/tmp/x");
        assumeFalse(Files.exists(x), "/var/tmp/x exists already on this machine");
        Outcome o = Cli.run("trace", "--", "sh", "-c", "touch /var/tmp/x && ls /var/tmp/x");
        assertThat(o.status()).as(o.err()).isZero();
        assertThat(o.out()).contains("exit status 0");
        assertThat(x).doesNotExist();
    }

    @Test
    void traceTextReportSaysHowTheRunEnded() {
        Outcome o = Cli.run("trace", "--timeout", "1", "--", "sleep", "30");
        assertThat(o.status()).isZero();
        assertThat(o.out()).containsPattern("ended: +timed out after \\d+ ms\\n").contains("clock_nanosleep");
    }
}
