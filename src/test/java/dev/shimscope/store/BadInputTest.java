package dev.shimscope.store;

import dev.shimscope.model.Verdict;
import dev.shimscope.testing.Cli.Outcome;
import dev.shimscope.testing.Cli;
import dev.shimscope.testing.LoupeData;
import dev.shimscope.workload.WorkloadKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gives one clear error line, exit status 1, and leaves the store exactly as it was. */
class BadInputTest {

    @TempDir
    Path tmp;



    /** HEAD plus every file with its size and content hash, .git internals excepted. */
    static String fingerprint(Path store) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("HEAD " + ResultStore.open(store).head());
        try (Stream<Path> walk = Files.walk(store)) {
            for (Path p : walk.sorted().toList()) {
                String rel = store.relativize(p).toString();
                if (rel.startsWith(".git/") || rel.equals(".git")) {
                    continue;
                }
                lines.add(rel + (Files.isRegularFile(p) ? " " + Files.size(p) + " " + Arrays.hashCode(Files.readAllBytes(p)) : "/"));
            }
        }
        return String.join("\n", lines);
    }

    private static final class Arrays {
        static int hashCode(byte[] b) {
            return java.util.Arrays.hashCode(b);
        }
    }

    private Path storeWithOneImport() throws Exception {
        Path db = tmp.resolve("db");
        ResultStore.openOrCreate(db).save(Profile.newRun("kept", WorkloadKind.BENCHMARK, "w",
                Map.of("read", Verdict.REQUIRED)));
        return db;
    }

    private Path loupeCopyWith(String relativeFile, String content) throws Exception {
        Path copy = LoupeData.copyTo(tmp.resolve("loupe-" + Math.abs(relativeFile.hashCode() + content.hashCode())));
        Files.writeString(copy.resolve(relativeFile), content);
        return copy;
    }

    private void assertRejected(Path db, Outcome o, String message) throws Exception {
        assertThat(o.status()).isEqualTo(1);
        assertThat(o.err()).isEqualTo("shimscope: " + message + System.lineSeparator());
        assertThat(o.out()).isEmpty();
    }

    @Test
    void aCsvWithTheWrongColumnCountChangesNothing() throws Exception {
        Path db = storeWithOneImport();
        String before = fingerprint(db);
        // a bad file in the last app (alphabetically) still stops the import before anything is written
        Path bad = loupeCopyWith("zstd/benchmark-zstd-test/681378c3d2bcff7057e7ce8d7914c951/data/dyn.csv",
                "# syscall, used, works faked, works stubbed, works both\n0,Y,N,N,N\n1,Y,N,N\n");
        Outcome o = Cli.run("db", "import", bad.toString(), "--db", db.toString());
        assertRejected(db, o, bad.resolve("zstd/benchmark-zstd-test/681378c3d2bcff7057e7ce8d7914c951/data/dyn.csv")
                + " line 3: expected 5 comma-separated fields (syscall, used, works faked, works stubbed, works both), found 4: '1,Y,N,N'");
        assertThat(fingerprint(db)).isEqualTo(before);
    }

    @Test
    void aGarbageCsvChangesNothing() throws Exception {
        Path db = storeWithOneImport();
        String before = fingerprint(db);
        Path bad = loupeCopyWith("redis/suite/imported/data/static_binary.csv", "\u0089PNG\r\n\u001a\nbinary,junk\n");
        Outcome o = Cli.run("db", "import", bad.toString(), "--db", db.toString());
        assertThat(o.status()).isEqualTo(1);
        assertThat(o.err()).startsWith("shimscope: " + bad.resolve("redis/suite/imported/data/static_binary.csv") + " line 1: ")
                .hasLineCount(1);
        assertThat(fingerprint(db)).isEqualTo(before);
    }

    @Test
    void anUnknownSyscallNameChangesNothing() throws Exception {
        Path db = storeWithOneImport();
        String before = fingerprint(db);
        // a result naming a syscall x86_64 does not have, as an explore result could
        Path json = tmp.resolve("bad.json");
        Files.writeString(json, Files.readString(ResultStore.open(db).read().runs().getFirst().dir().resolve("shimscope.json"))
                .replace("\"read\"", "\"futimensat\""));
        try {
            ResultStore.readProfile(json);
            throw new AssertionError("accepted an unknown syscall name");
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).contains("unknown x86_64 syscall name 'futimensat'");
        }
        Outcome o = Cli.run("score", "--db", db.toString(), "--os", LoupeData.DB.resolve("Gvisor.syscalls").toString());
        assertRejected(db, o, LoupeData.DB.resolve("Gvisor.syscalls") + " line 57: unknown x86_64 syscall name "
                + "'futimensat' (did you mean futimesat or utimensat?)");
        assertThat(fingerprint(db)).isEqualTo(before);
    }

    @Test
    void aMissingDatabaseIsOneLine() throws Exception {
        Path missing = tmp.resolve("no-such-db");
        for (String[] args : List.of(
                new String[] {"db", "list", "--db", missing.toString()},
                new String[] {"db", "show", "redis", "--db", missing.toString()},
                new String[] {"plan", "--db", missing.toString()},
                new String[] {"score", "--db", missing.toString()},
                new String[] {"report", "--db", missing.toString(), "-o", tmp.resolve("r").toString()},
                new String[] {"seccomp-profile", "redis", "--db", missing.toString()})) {
            Outcome o = Cli.run(args);
            assertThat(o.status()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(o.err()).as(String.join(" ", args))
                    .startsWith("shimscope: no results store at " + missing + " (import one with 'shimscope db import")
                    .hasLineCount(1);
        }
        assertThat(missing).doesNotExist();
        assertThat(tmp.resolve("r")).doesNotExist();
        Outcome o = Cli.run("db", "import", tmp.resolve("no-such-loupe").toString(), "--db", tmp.resolve("db2").toString());
        assertThat(o.status()).isEqualTo(1);
        assertThat(o.err()).isEqualTo("shimscope: no such file: " + tmp.resolve("no-such-loupe") + System.lineSeparator());
        assertThat(tmp.resolve("db2")).as("no empty store is left behind").doesNotExist();
        Path bad = loupeCopyWith("redis/suite/imported/data/dyn.csv", "0,Y,N,N,N,N\n");
        assertThat(Cli.run("db", "import", bad.toString(), "--db", tmp.resolve("db3").toString()).status()).isEqualTo(1);
        assertThat(tmp.resolve("db3")).doesNotExist();
    }
}
