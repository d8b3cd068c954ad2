package dev.shimscope.campaign;

import dev.shimscope.explore.Environment;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that runs this very shimscope again, for a task: the running JVM's
 * {@code java}, the launcher's JVM flags, and this JVM's class path. When that is one jar (an
 * installed shimscope), the jar is copied into the campaign directory first, under its hash: every
 * task of a campaign, on any node and however long the campaign lasts, runs the same build, even
 * if the checkout is rebuilt meanwhile; so the tool version every result records is the one the
 * campaign checked against.
 */
final class Launcher {

    /** As bin/shimscope: a command-line tool starts fastest with C1 only and the serial collector. */
    private static final List<String> JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xshare:auto", "--enable-native-access=ALL-UNNAMED");

    private Launcher() {
    }

    static List<String> command(Path toolDir) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isBlank()) {
                entries.add(Path.of(e).toAbsolutePath().normalize().toString());
            }
        }
        if (entries.isEmpty()) {
            throw new IllegalStateException("cannot tell how to start shimscope again: this JVM has no class path");
        }
        String classPath;
        if (entries.size() == 1 && entries.getFirst().endsWith(".jar") && Files.isRegularFile(Path.of(entries.getFirst()))) {
            Path jar = Path.of(entries.getFirst());
            Path copy = toolDir.resolve("shimscope-" + Environment.sha256(jar).substring(0, 16) + ".jar");
            if (!Files.isRegularFile(copy)) {
                Files.createDirectories(toolDir);
                Path tmp = Files.createTempFile(toolDir, "shimscope", ".jar.tmp");
                Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE);
            }
            classPath = copy.toString();
        } else {
            classPath = String.join(File.pathSeparator, entries);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of("-cp", classPath, "dev.shimscope.cli.Main"));
        return cmd;
    }
}
