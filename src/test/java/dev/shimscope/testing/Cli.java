package dev.shimscope.testing;

import dev.shimscope.cli.Main;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs the command line in this JVM and captures what a user would see. */
public final class Cli {

    private Cli() {
    }

    /** Exit status, standard output (commands print to System.out or picocli's writer) and errors. */
    public record Outcome(int status, String out, String err) {
        public List<String> errorLines() {
            return err.lines().toList();
        }
    }

    /** Synchronized: System.out is global, so two captures must not overlap. */
    public static synchronized Outcome run(String... args) {
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
}
