package dev.shimscope.cli;

import dev.shimscope.io.InputFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "init", description = {
        "Write a commented workload spec to edit: the shortest way from a binary to a first exploration.",
        "A benchmark (a server and a client) or a suite (one command); every field is explained in the file"
                + " and in docs/workload-spec.md. Nothing is overwritten."})
final class InitCommand implements Callable<Integer> {

    /** The two kinds of workload. */
    enum Kind { benchmark, suite }

    @Parameters(index = "0", paramLabel = "FILE", description = "The spec to write, e.g. myapp.yaml (must not exist).")
    Path file;

    @Option(names = "--kind", defaultValue = "benchmark", paramLabel = "benchmark|suite",
            description = "A server under a client (default), or one command that runs to its end.")
    Kind kind;

    @Option(names = "--app", paramLabel = "NAME", description = "The application's name (default: from FILE).")
    String app;

    @Option(names = "--binary", paramLabel = "PATH", description = "The application's executable (default: /usr/bin/APP).")
    String binary;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(file)) {
            throw new IllegalArgumentException(file + " exists; choose another name (init never overwrites a file)");
        }
        InputFiles.requireWritable(file, "the spec");
        String name = app != null ? app : file.getFileName().toString().replaceFirst("\\.ya?ml$", "")
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._+-]", "-");
        if (!name.matches("[a-z0-9_][a-z0-9._+-]*")) {
            throw new IllegalArgumentException("'" + name + "' is not an app name (letters, digits, . _ + -); give --app NAME");
        }
        String bin = binary != null ? binary : "/usr/bin/" + name;
        String text = (kind == Kind.benchmark ? BENCHMARK : SUITE).replace("@APP@", name).replace("@BINARY@", bin);
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
        PrintWriter out = spec.commandLine().getOut();
        out.println("wrote " + file + " (" + kind + "); edit the lines marked EDIT, then:");
        out.println("  shimscope run " + file + " --times 3                            # passes, every time?");
        out.println("  shimscope run " + file + " --replace " + bin + "=/bin/false   # must FAIL: the check notices a broken app");
        out.println("  shimscope explore " + file);
        out.flush();
        return 0;
    }

    private static final String BENCHMARK = """
            # A workload spec for shimscope (docs/workload-spec.md explains every field).
            # A benchmark: shimscope starts the server, waits until it is ready, runs the client
            # (the test), checks the client's output, then stops the server and checks that too.
            # Filters (stub, fake) apply to the server only, never to the client.
            app: @APP@
            workload: bench            # a name for this workload (results are stored per app and workload)
            kind: benchmark
            description: @APP@ under its load client
            packages: []               # Debian packages the workload needs; installed when run as root
            binary: @BINARY@           # EDIT: the application's executable (hashed, analysed by 'static')
            server:
              # EDIT: one program and its arguments; no pipes or redirections (the filter applies to it).
              # Everything it writes must go to $SCRATCH (fresh and writable in every run).
              command: @BINARY@ --port 8080 --data-dir $SCRATCH
              ready: {port: 8080}      # or {listening: 8080} (no connection made), or {log: 'REGEX'}
              timeout: 10s             # readiness deadline
              stop: {signal: TERM, grace: 2s}   # how it is stopped after the test; it must exit cleanly
              # mayExit: true          # the server ends by itself after the test (e.g. iperf3 -s -1):
              #                        # it then gets the grace period to exit, and must exit with status 0
            test:
              # EDIT: the client: a shell line (run by /bin/sh) or a list [program, args...].
              # It must exit 0 and print something 'expect' matches; bound its own time limits.
              command: '@APP@-client --port 8080 --requests 1000'
              timeout: 30s
              expect: 'requests completed'      # EDIT: a regex the client prints when all went well
              reject: '(?i)error|refused|timeout'
            """;

    private static final String SUITE = """
            # A workload spec for shimscope (docs/workload-spec.md explains every field).
            # A suite: one command that runs to its end; it passes when it exits 0 and its output
            # matches 'expect'. Filters apply to the whole command unless 'only' names one binary.
            app: @APP@
            workload: suite            # a name for this workload
            kind: suite
            description: @APP@ under a script
            packages: []               # Debian packages the workload needs; installed when run as root
            binary: @BINARY@           # EDIT: the application's executable
            only: @BINARY@             # filters apply to this binary only (not to the shell that drives it)
            # prepare: ./prepare.sh    # a command run once on the host first (e.g. fetch a test suite)
            test:
              # EDIT: the command; everything it writes must go to $SCRATCH
              command: '@BINARY@ --self-test'
              timeout: 5m
              expect: 'all tests passed'        # EDIT: a regex its output matches when all went well
            # tests:                   # a suite made of separately runnable tests (see the docs):
            #   list: ./list-tests.sh  #   prints one test id per line
            #   passed: '^ok (?<test>\\S+)'      #   one match per passed test
            """;
}
