package dev.shimscope.store;

import dev.shimscope.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An exploration stored by shimscope before the shim plan was stored as typed data (format 1:
 * the plan inside the profile's free-form details) is still read, shown, planned, scored and
 * exported exactly as it was then. The expected outputs were written by that version
 * ({@code src/test/data/store-format1-expected}).
 */
class StoredFormat1Test {

    private static final Path FIXTURE = Path.of("src/test/data/store-format1");
    private static final Path EXPECTED = Path.of("src/test/data/store-format1-expected");

    @TempDir
    Path tmp;

    private Path store() throws Exception {
        Path db = tmp.resolve("db");
        ResultStore.openOrCreate(db);
        try (var files = Files.walk(FIXTURE)) {
            for (Path f : files.toList()) {
                Path target = db.resolve(FIXTURE.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        return db;
    }

    private static String expected(String name) throws Exception {
        return Files.readString(EXPECTED.resolve(name));
    }

    @Test
    void seccompProfilePlanAndScoreAreAsBefore() throws Exception {
        String db = store().toString();
        assertThat(Cli.run("seccomp-profile", "redis", "--db", db).out()).isEqualTo(expected("seccomp-profile.json"));
        assertThat(Cli.run("plan", "--os", "unikraft", "--apps", "redis", "--db", db).out()).isEqualTo(expected("plan.txt"));
        assertThat(Cli.run("score", "--os", "unikraft", "--os", "gvisor", "--db", db).out()).isEqualTo(expected("score.txt"));
    }

    @Test
    void dbShowStillShowsEverythingItShowed() throws Exception {
        String db = store().toString();
        List<String> now = Cli.run("db", "show", "redis", "--db", db).out().lines().toList();
        // later versions may add lines (the stored plan, say), never lose or change one
        assertThat(now).containsSubsequence(expected("db-show.txt").lines().toList());
    }
}
