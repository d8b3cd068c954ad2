package dev.shimscope.cli;

import dev.shimscope.testing.Cli;
import dev.shimscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A newcomer's path, as the README and docs describe it: a bare command explored with
 * {@code explore -- CMD}, then a spec written by {@code init}, edited for a small server, run,
 * traced and explored. Each step asserts what the user is told, including why a run failed.
 */
class NewcomerPathTest {

    @Test
    void aBareCommandIsExploredWithoutASpec(@TempDir Path dir) throws Exception {
        Path needs = Fixtures.compile("musl-gcc", "needs", "needs-musl", "-static");
        Cli.Outcome o = Cli.run("explore", "--db", dir.resolve("db").toString(), "--plan-passes", "2", "--no-features",
                "--", needs.toString());
        assertThat(o.status()).as(o.err()).isZero();
        assertThat(o.out()).containsPattern("required +\\d+ +.*uname").contains("shim plan (verified");
    }

    @Test
    void initThenEditThenRunThenExploreAServer(@TempDir Path dir) throws Exception {
        Path server = dir.resolve("echo_server");
        Files.copy(Fixtures.compile("musl-gcc", "echo_server", "echo_server-musl", "-static"), server);
        Path spec = dir.resolve("echo.yaml");
        String db = dir.resolve("db").toString();

        Cli.Outcome init = Cli.run("init", spec.toString(), "--binary", server.toString());
        assertThat(init.status()).as(init.err()).isZero();
        String skeleton = Files.readString(spec);
        assertThat(skeleton).contains("EDIT", "docs/workload-spec.md");
        // a second init does not overwrite the user's file
        assertThat(Cli.run("init", spec.toString()).status()).isNotZero();
        assertThat(Files.readString(spec)).isEqualTo(skeleton);

        // the edits a user makes: the server's command, the client, what it must print
        String edited = skeleton.lines().map(line -> {
            String t = line.strip();
            if (t.startsWith("command: /usr/bin/myserver") || t.startsWith("command: " + server)) {
                return "  command: " + server + " 8080";
            }
            if (t.startsWith("command: 'myserver-client") || t.startsWith("command: 'echo-client")
                    || (t.startsWith("command: '") && line.startsWith("  command"))) {
                return "  command: [/bin/bash, -c, 'exec 3<>/dev/tcp/127.0.0.1/8080 && echo hello-echo >&3 && head -n1 <&3']";
            }
            if (t.startsWith("expect:")) {
                return "  expect: 'hello-echo'";
            }
            return line;
        }).reduce("", (a, b) -> a + b + "\n");
        assertThat(edited).contains(server + " 8080", "hello-echo");
        Files.writeString(spec, edited);

        // without the log variable the server refuses to start: the failure shows its own words
        Cli.Outcome failed = Cli.run("run", spec.toString());
        assertThat(failed.status()).isNotZero();
        assertThat(failed.out() + failed.err()).contains("cannot open the log '(ECHO_LOG unset)'");

        // env values are expanded: $SCRATCH is the run's own writable directory
        Files.writeString(spec, edited + "env:\n  ECHO_LOG: $SCRATCH/echo.log\n");
        Cli.Outcome run = Cli.run("run", spec.toString(), "--times", "2", "--trace");
        assertThat(run.status()).as(run.out() + run.err()).isZero();
        // --trace lists the syscalls by name with their counts
        assertThat(run.out()).containsPattern("accept4?\\b.*\\d").containsPattern("bind\\b.*\\d");

        Cli.Outcome explore = Cli.run("explore", spec.toString(), "--db", db, "--plan-passes", "2", "--no-features",
                "--csv", dir.resolve("dyn.csv").toString());
        assertThat(explore.status()).as(explore.err()).isZero();
        assertThat(explore.out()).contains("shim plan (verified").containsPattern("implement +\\d+ +.*accept");
        assertThat(Files.readString(dir.resolve("dyn.csv"))).startsWith("# syscall, used, works faked, works stubbed, works both");
        assertThat(Cli.run("db", "show", "--db", db, spec.getFileName().toString().replace(".yaml", "")).status()).isZero();
    }
}
