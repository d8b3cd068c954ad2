package dev.shimscope.staticbin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a fixture under strace and gives the names of the syscalls it made, so a test can check
 * that a static set holds every one of them (the launch's execve and vDSO calls aside).
 */
final class Traced {

    private static final Pattern CALL = Pattern.compile("^(?:\\d+\\s+)?([a-z0-9_]+)\\(");

    private Traced() {
    }

    static Set<String> syscalls(Path dir, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "trace", ".log");
        List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-qq", "-o", log.toString()));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("traced command did not finish: " + command[0]);
        }
        Set<String> out = new TreeSet<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = CALL.matcher(line);
            if (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }
}
