package dev.shimscope.cli;

import dev.shimscope.explore.Journal;
import dev.shimscope.testing.Cli.Outcome;
import dev.shimscope.testing.Cli;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bad inputs a new user tried (issue "sealed runs and hard inputs"), each reproduced: one
 * error line naming the input and the fix, a non-zero exit, nothing written, and no hang (every
 * test has a time limit far below what a hang would take).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputsTest {

    @TempDir
    Path tmp;

    private Path randomBytes(String name) throws IOException {
        byte[] b = new byte[2048];
        new Random(7).nextBytes(b);
        return Files.write(tmp.resolve(name), b);
    }

    private static void oneLine(Outcome o, int status, String... contains) {
        assertThat(o.status()).as(o.err()).isEqualTo(status);
        assertThat(o.errorLines()).as(o.err()).hasSize(1);
        for (String c : contains) {
            assertThat(o.errorLines().getFirst()).contains(c);
        }
    }

    /** A store with Loupe's test data imported, for the commands that read one. */
    private Path store() {
        Path db = tmp.resolve("db");
        assertThat(Cli.run("db", "import", "src/test/data/loupedb", "--db", db.toString()).status()).isZero();
        return db;
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(dir::relativize).map(Path::toString).sorted().toList();
        }
    }

    @Test
    void anOsListOfRandomBytesNamesTheFile() throws Exception {
        Path db = store();
        Path junk = randomBytes("junk.syscalls");
        for (String[] cmd : List.of(
                new String[] {"plan", "--os", junk.toString(), "--apps", "*", "--db", db.toString()},
                new String[] {"score", "--os", junk.toString(), "--db", db.toString()},
                new String[] {"emulate", "--os", junk.toString(), "--", "/bin/true"})) {
            oneLine(Cli.run(cmd), 1, junk.toString(), "is not a text file", "OS support list");
        }
    }

    @Test
    void importingRandomBytesOrAFileNamesTheProblem() throws Exception {
        Path loupe = Files.createDirectories(tmp.resolve("loupe/app/benchmark-x/1/data"));
        Path dyn = Files.copy(randomBytes("junk.csv"), loupe.resolve("dyn.csv"));
        Path db = tmp.resolve("newdb");
        oneLine(Cli.run("db", "import", tmp.resolve("loupe").toString(), "--db", db.toString()), 1, dyn.toString(), "is not a text file");
        assertThat(db).doesNotExist();
        Path file = Files.writeString(tmp.resolve("afile.txt"), "hello\n");
        oneLine(Cli.run("db", "import", file.toString(), "--db", db.toString()), 1, file.toString(), "not a directory");
        assertThat(db).doesNotExist();
    }

    @Test
    void exploringADirectorySaysSo() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("specs"));
        oneLine(Cli.run("explore", dir.toString(), "--db", tmp.resolve("db").toString()), 1, dir.toString(), "is a directory");
    }

    @Test
    void staticOfAFifoDoesNotBlock() throws Exception {
        Path fifo = tmp.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        oneLine(Cli.run("static", fifo.toString()), 1, fifo.toString(), "not a regular file");
    }

    @Test
    void staticCsvIntoAMissingDirectoryCreatesNothing() {
        Path out = tmp.resolve("no/such/dir/x.csv");
        oneLine(Cli.run("static", "--csv", out.toString(), "/bin/true"), 1, out.toString(), "does not exist");
        assertThat(tmp.resolve("no")).doesNotExist();
    }

    @Test
    void countsOutOfRangeAreUsageErrors() {
        oneLine(Cli.run("explore", "redis", "--jobs", "100000"), 2, "--jobs must be between 1 and");
        oneLine(Cli.run("run", "redis", "--times", "0"), 2, "--times must be between 1 and");
        oneLine(Cli.run("emulate", "--os", "unikraft", "--jobs", "0", "--", "/bin/true"), 2, "--jobs must be between");
    }

    private Path specWithMissingBinary() throws IOException {
        return Files.writeString(tmp.resolve("spec.yaml"), """
                app: ghost
                workload: run
                kind: suite
                binary: /usr/bin/no-such-binary-shimscope
                test:
                  command: [/bin/true]
                """);
    }

    @Test
    void aMissingBinaryIsRefusedBeforeAnyRunAndNothingIsStored() throws Exception {
        Path db = tmp.resolve("db");
        Path spec = specWithMissingBinary();
        oneLine(Cli.run("explore", spec.toString(), "--db", db.toString()), 1, "binary: no such file /usr/bin/no-such-binary-shimscope");
        assertThat(db).doesNotExist();
        oneLine(Cli.run("run", spec.toString()), 1, "binary: no such file");
    }

    @Test
    void aDamagedStoreIsRefusedBeforeTheExploration() throws Exception {
        Path db = store();
        Path spec = specWithMissingBinary(); // never reached: the store is checked first
        // a garbage ref
        Path ref = db.resolve(".git/refs/heads/main");
        String good = Files.readString(ref);
        Files.writeString(ref, "garbage\n");
        oneLine(Cli.run("explore", spec.toString(), "--db", db.toString()), 1, "results store", "is damaged");
        Files.writeString(ref, good);
        // deleted objects
        try (Git git = Git.open(db.toFile())) {
            git.gc().call(); // packs everything, so one file holds the objects
        }
        Path packs = db.resolve(".git/objects/pack");
        try (Stream<Path> s = Files.list(packs)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        oneLine(Cli.run("explore", spec.toString(), "--db", db.toString()), 1, "results store", "is damaged");
        oneLine(Cli.run("db", "import", "src/test/data/loupedb", "--db", db.toString()), 1, "is damaged");
    }

    @Test
    void aStoreWithoutHeadOrWithABrokenMarkerIsRefused() throws Exception {
        Path db = store();
        Path spec = specWithMissingBinary();
        Path marker = db.resolve("shimscope-store.json");
        String good = Files.readString(marker);
        Files.writeString(marker, "{ not json");
        oneLine(Cli.run("db", "list", "--db", db.toString()), 1, "shimscope-store.json", "not valid JSON", "git -C");
        oneLine(Cli.run("explore", spec.toString(), "--db", db.toString()), 1, "shimscope-store.json");
        Files.writeString(marker, good);
        Files.delete(db.resolve(".git/HEAD"));
        oneLine(Cli.run("explore", spec.toString(), "--db", db.toString()), 1, "is damaged", ".git/HEAD is missing");
    }

    @Test
    void aReadOnlyStoreIsRefusedBeforeTheExploration() throws Exception {
        Path db = store();
        Path spec = specWithMissingBinary();
        // root writes through permissions; the immutable attribute stops even root
        Process chattr = new ProcessBuilder("chattr", "+i", db.toString()).redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(chattr.waitFor() == 0, "chattr +i is not supported here");
        try {
            oneLine(Cli.run("explore", spec.toString(), "--db", db.toString()), 1, "cannot be written");
        } finally {
            new ProcessBuilder("chattr", "-i", db.toString()).start().waitFor();
        }
    }

    @Test
    void aJournalInUseIsRefusedNamingItsOwner() throws Exception {
        Path file = tmp.resolve("x.journal");
        Map<String, String> identity = Map.of("specSha256", "a", "binarySha256", "b");
        try (Journal first = Journal.open(file, identity, false)) {
            assertThatThrownBy(() -> Journal.open(file, identity, false))
                    .isInstanceOfSatisfying(Journal.JournalBusyException.class,
                            e -> assertThat(e.pid()).isEqualTo(ProcessHandle.current().pid()));
            assertThatThrownBy(() -> Journal.open(file, identity, true)).isInstanceOf(Journal.JournalBusyException.class);
        }
        assertThat(Files.readAllLines(file)).hasSize(2); // header and owner: the refused ones wrote nothing
    }

    @Test
    void seccompProfileHelpSaysWhatTheDefaultIs() {
        Outcome o = Cli.run("seccomp-profile", "--help");
        String text = o.out().replaceAll("\\s+", " ");
        assertThat(text).contains("ENOSYS for every other syscall").doesNotContain("EPERM for the rest.");
    }

    @Test
    void nothingIsWrittenBesideTheInputs() throws Exception {
        // the cases above leave their temporary directory as they found it, apart from what they made
        List<String> before = listing(tmp);
        Cli.run("static", "--csv", tmp.resolve("none/x.csv").toString(), "/bin/true");
        Cli.run("run", "redis", "--times", "0");
        assertThat(listing(tmp)).isEqualTo(before);
    }
}
