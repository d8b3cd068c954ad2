package dev.shimscope.cli;

import dev.shimscope.sandbox.Sandbox;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "clean", description = {
        "Remove the run directories that 'run --keep' kept and that killed explorations left behind.",
        "Directories of shimscope processes still running are never touched."})
final class CleanCommand implements Callable<Integer> {

    @Option(names = "--dry-run", description = "Only list what would be removed.")
    boolean dryRun;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Path> dirs = Sandbox.leftoverWorkDirs();
        long bytes = 0;
        for (Path d : dirs) {
            long size = size(d);
            bytes += size;
            out.println((dryRun ? "would remove " : "removed ") + d + " (" + size / 1024 + " KiB)");
            if (!dryRun) {
                Sandbox.deleteLeftover(d);
            }
        }
        out.println(dirs.isEmpty() ? "nothing to remove" : (dryRun ? "would free " : "freed ") + bytes / 1024 + " KiB in "
                + dirs.size() + " directories");
        out.flush();
        return 0;
    }

    private static long size(Path d) {
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
