package dev.shimscope.staticbin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds the Go fixtures of {@code src/test/go} at test time with Debian's golang-go, into a
 * directory the test owns, with HOME, GOPATH and the build cache inside it and the module proxy
 * off (the fixtures use the standard library only), so nothing of the caller's home is used.
 */
final class GoFixtures {

    static final Path SOURCES = Path.of("src/test/go").toAbsolutePath();

    private GoFixtures() {
    }

    /** {@code go build FLAGS -o DIR/OUTPUT} of fixture {@code name}; {@code cgo} sets CGO_ENABLED. */
    static Path build(Path dir, String name, String output, boolean cgo, String... flags) {
        return build(dir, name, output, "amd64", cgo, flags);
    }

    /** The same for another GOARCH (Go cross-compiles pure Go by itself: arm64 needs no C toolchain). */
    static Path build(Path dir, String name, String output, String goarch, boolean cgo, String... flags) {
        Path out = dir.resolve(output);
        List<String> cmd = new ArrayList<>(List.of("go", "build", "-trimpath"));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-o", out.toString(), "."));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(SOURCES.resolve(name).toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        Path home = dir.resolve("go-home");
        env.put("HOME", home.toString());
        env.put("GOPATH", home.resolve("gopath").toString());
        env.put("GOCACHE", home.resolve("cache").toString());
        env.put("GOPROXY", "off");
        env.put("GOFLAGS", "-mod=mod");
        env.put("CGO_ENABLED", cgo ? "1" : "0");
        env.put("GOARCH", goarch);
        env.put("GOOS", "linux");
        try {
            Files.createDirectories(home);
            Process p = pb.start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("cannot build Go fixture " + name + " (apt-get install golang-go):\n" + log);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run go to build fixture " + name + " (apt-get install golang-go): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
