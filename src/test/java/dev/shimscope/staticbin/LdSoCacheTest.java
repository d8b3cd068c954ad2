package dev.shimscope.staticbin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LdSoCacheTest {

    @TempDir
    Path tmp;

    @Test
    void readsTheSystemCacheLikeLdconfigPrintsIt() throws Exception {
        LdSoCache cache = LdSoCache.read(Path.of("/etc/ld.so.cache"));
        assertThat(cache.size()).isGreaterThan(50);
        assertThat(cache.lookup("libc.so.6")).contains("/lib/x86_64-linux-gnu/libc.so.6");
        assertThat(cache.lookup("libssl.so.3")).contains("/lib/x86_64-linux-gnu/libssl.so.3");
        assertThat(cache.lookup("libdoesnotexist.so.9")).isEmpty();
        // the same answer as ldconfig -p
        Process p = new ProcessBuilder("ldconfig", "-p").start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        assertThat(out).contains("libjemalloc.so.2 (libc6,x86-64) => " + cache.lookup("libjemalloc.so.2").orElseThrow());
    }

    @Test
    void aMissingCacheIsEmptyAndADamagedOneAnError() throws IOException {
        assertThat(LdSoCache.read(tmp.resolve("none")).size()).isZero();
        Path bad = Files.writeString(tmp.resolve("ld.so.cache"), "not a cache");
        assertThatThrownBy(() -> LdSoCache.read(bad)).hasMessageContaining("is not a readable ld.so cache")
                .hasMessageContaining("run ldconfig");
    }

    @Test
    void resolvesLikeLdSo() throws IOException {
        LibraryResolver system = LibraryResolver.system();
        Path loader = Path.of("/usr/bin/redis-server");
        assertThat(system.resolve("libc.so.6", loader, List.of(), List.of(), List.of()))
                .hasValueSatisfying(c -> assertThat(c.via()).isEqualTo("ld.so.cache"));
        // a RUNPATH with $ORIGIN wins over the cache
        Path dir = Files.createDirectories(tmp.resolve("app/lib"));
        Files.copy(Path.of("/lib/x86_64-linux-gnu/libc.so.6"), dir.resolve("libc.so.6"));
        Path app = tmp.resolve("app/prog");
        assertThat(system.resolve("libc.so.6", app, List.of(), List.of("$ORIGIN/lib"), List.of()))
                .hasValueSatisfying(c -> {
                    assertThat(c.path()).isEqualTo(dir.resolve("libc.so.6"));
                    assertThat(c.via()).isEqualTo("RUNPATH");
                });
        // a non-ELF file of the right name is skipped, as ld.so skips it
        Files.writeString(dir.resolve("libssl.so.3"), "junk");
        assertThat(system.resolve("libssl.so.3", app, List.of("$ORIGIN/lib"), List.of(), List.of()))
                .hasValueSatisfying(c -> assertThat(c.path()).isEqualTo(Path.of("/lib/x86_64-linux-gnu/libssl.so.3")));
        assertThat(system.resolve("libnothere.so.1", app, List.of(), List.of(), List.of())).isEmpty();
    }
}
