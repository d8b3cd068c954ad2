package dev.shimscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shimscope.report.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
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

    private record Outcome(int status, String stdout, String stderr) {
        List<String> errorLines() {
            return stderr.lines().toList();
        }
    }

    /** Runs the CLI in this JVM, capturing both streams (trace prints to System.out). */
    private static synchronized Outcome run(String... args) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int status;
        try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            CommandLine cl = Main.commandLine();
            cl.setErr(new PrintWriter(err, true));
            cl.setOut(new PrintWriter(capture, true));
            status = cl.execute(args);
        } finally {
            System.setOut(saved);
        }
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    @Test
    void traceWithoutACommandIsAUsageError() {
        Outcome o = run("trace");
        assertThat(o.status()).isEqualTo(2);
        assertThat(o.errorLines()).singleElement().asString()
                .startsWith("shimscope: Missing required parameter").contains("'shimscope trace --help'");
        assertThat(o.stdout()).isEmpty();
    }

    @Test
    void traceOfAMissingCommand() {
        Outcome o = run("trace", "--", "no-such-command-" + UUID.randomUUID());
        assertThat(o.status()).isEqualTo(1);
        assertThat(o.errorLines()).singleElement().asString().startsWith("shimscope: command not found: no-such-command-")
                .contains("PATH");
        assertThat(o.stdout()).isEmpty();

        Outcome path = run("trace", "--", work.resolve("absent").toString());
        assertThat(path.status()).isEqualTo(1);
        assertThat(path.errorLines()).containsExactly("shimscope: command not found: " + work.resolve("absent") + " (no such file)");
    }

    @Test
    void traceOfANonExecutableFile() throws IOException {
        Path script = work.resolve("script.sh");
        Files.writeString(script, "#!/bin/sh\necho hi\n");
        Outcome o = run("trace", "--", script.toString(), "arg");
        assertThat(o.status()).isEqualTo(1);
        assertThat(o.errorLines()).containsExactly("shimscope: not executable: " + script
                + " (chmod +x it, or run it through its interpreter)");
        assertThat(o.stdout()).isEmpty();
    }

    @Test
    void traceOfADirectory() {
        Outcome o = run("trace", "--", "/usr/bin");
        assertThat(o.status()).isEqualTo(1);
        assertThat(o.errorLines()).containsExactly("shimscope: not an executable file: /usr/bin is a directory");
    }

    @Test
    void doctorPassesOnThisMachine() {
        Outcome o = run("doctor");
        assertThat(o.status()).as(o.stdout()).isZero();
        assertThat(o.stdout()).contains("OK      seccomp filters", "OK      bubblewrap", "OK      strace");
    }

    @Test
    void traceJsonListsSyscallsAsObjectsWithNameAndNumber() throws IOException {
        Outcome o = run("trace", "--json", "--", "/bin/sh", "-c", "exit 3");
        assertThat(o.status()).as(o.stderr()).isZero(); // the trace worked; the command's status is data
        JsonNode root = Json.mapper().readTree(o.stdout());
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
        Outcome o = run("trace", "--", "sh", "-c", "touch /var/tmp/x && ls /var/tmp/x");
        assertThat(o.status()).as(o.stderr()).isZero();
        assertThat(o.stdout()).contains("exit status 0");
        assertThat(x).doesNotExist();
    }

    @Test
    void traceTextReportSaysHowTheRunEnded() {
        Outcome o = run("trace", "--timeout", "1", "--", "sleep", "30");
        assertThat(o.status()).isZero();
        assertThat(o.stdout()).containsPattern("ended: +timed out after \\d+ ms\\n").contains("clock_nanosleep");
    }
}
