package dev.shimscope.explore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interrupts a real {@code shimscope explore} process (SIGINT, then SIGKILL) while sandboxes run,
 * and checks that none of its processes survive, that only its own files remain, and that
 * --resume finishes the work.
 */
class ExploreInterruptTest {

    private static Process startExplore(Path spec, Path journal, boolean resume) throws IOException {
        List<String> args = new ArrayList<>(List.of("explore", spec.toString(), "--jobs", "2", "--journal", journal.toString()));
        if (resume) {
            args.add("--resume");
        }
        return shimscope(args, journal.resolveSibling("db"), journal.resolveSibling("tmp"));
    }

    /** The tool in a JVM of its own, with its own store and temporary directory. */
    private static Process shimscope(List<String> args, Path db, Path tmp) throws IOException {
        Files.createDirectories(tmp);
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), "dev.shimscope.cli.Main"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SHIMSCOPE_DB", db.toString());
        return pb.start();
    }

    /** The words of a command line as a POSIX shell splits them (plain words and single quotes). */
    private static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        var m = java.util.regex.Pattern.compile("'((?:[^']|'\\\\'')*)'|(\\S+)").matcher(line.strip());
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1).replace("'\\''", "'") : m.group(2));
        }
        return words;
    }

    /** Writes a spec whose runs take a while, so that some are always in flight. */
    private static Path slowSpec(Path dir) throws IOException {
        FixtureSpecs.suite(dir, "needs");
        Path spec = dir.resolve("slow.yaml");
        Files.writeString(spec, """
                app: fixture-slow
                workload: run
                kind: suite
                binary: ./needs
                test:
                  command: sleep 0.4; exec ./needs
                  timeout: 20s
                """);
        return spec;
    }

    private static List<String> readUntil(Process p, String marker) throws IOException {
        List<String> lines = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            lines.add(line);
            if (line.contains(marker)) {
                return lines;
            }
        }
        throw new AssertionError("process ended before '" + marker + "': " + lines);
    }

    /** The tool's processes once a sandbox is running (runs start one after another: wait for one). */
    private static List<ProcessHandle> sandboxProcesses(Process p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<ProcessHandle> d = p.descendants().toList();
        while (d.stream().noneMatch(h -> h.info().command().orElse("").endsWith("bwrap")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            d = p.descendants().toList();
        }
        assertThat(d).as("runs in flight").anyMatch(h -> h.info().command().orElse("").endsWith("bwrap"));
        return d;
    }

    private static void assertAllGone(List<ProcessHandle> processes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && processes.stream().anyMatch(ProcessHandle::isAlive)) {
            Thread.sleep(50);
        }
        assertThat(processes.stream().filter(ProcessHandle::isAlive).map(h -> h.pid() + " " + h.info().commandLine().orElse("")))
                .as("processes of the interrupted exploration still alive").isEmpty();
    }

    private static void signal(Process p, String sig) throws Exception {
        new ProcessBuilder("kill", "-s", sig, Long.toString(p.pid())).inheritIO().start().waitFor();
    }

    @Test
    void ctrlCKillsEverySandboxKeepsTheJournalAndResumeFinishes(@TempDir Path dir) throws Exception {
        Path spec = slowSpec(dir);
        Path journal = dir.resolve("journal");
        List<String> before = listing(dir);

        Process p = startExplore(spec, journal, false);
        readUntil(p, " 5/");                        // some experiments finished, more in flight
        List<ProcessHandle> running = sandboxProcesses(p);
        signal(p, "INT");
        String rest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertAllGone(running);
        assertThat(rest).contains("--resume");
        assertThat(journal).exists();
        List<String> after = listing(dir);
        after.remove(journal.getFileName().toString());
        after.remove("db");
        after.remove("tmp");
        assertThat(after).as("nothing but the journal was added beside the spec").isEqualTo(before);
        assertThat(listing(dir.resolve("tmp"))).as("the work directory is gone").isEmpty();
        // once interrupted, no experiment is reported: the runs that ended were killed by us
        List<String> afterNotice = rest.lines().dropWhile(l -> !l.contains("interrupted")).toList();
        assertThat(afterNotice).isNotEmpty().noneMatch(l -> l.matches(".*\\b\\d+/\\d+\\b.*(works|fails|flaky).*"));

        // the hint is a command that works when pasted
        String hint = afterNotice.stream().filter(l -> l.contains("continue with: ")).findFirst().orElseThrow();
        List<String> words = shellWords(hint.substring(hint.indexOf("continue with: ") + "continue with: ".length()));
        assertThat(words.getFirst()).isEqualTo("shimscope");
        Process resumed = shimscope(words.subList(1, words.size()), dir.resolve("db"), dir.resolve("tmp"));
        String out = new String(resumed.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(resumed.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(resumed.exitValue()).as(out).isZero();
        assertThat(out).contains("experiments taken from the journal").contains("shim plan (verified");
        assertThat(journal).doesNotExist();
    }

    @Test
    void sigkillOfTheToolTakesEverySandboxWithIt(@TempDir Path dir) throws Exception {
        Path spec = slowSpec(dir);
        Process p = startExplore(spec, dir.resolve("journal"), false);
        readUntil(p, " 5/");
        List<ProcessHandle> running = sandboxProcesses(p);
        signal(p, "KILL");
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertAllGone(running);
    }

    private static List<String> listing(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return new ArrayList<>(s.map(x -> x.getFileName().toString()).sorted().toList());
        }
    }
}
