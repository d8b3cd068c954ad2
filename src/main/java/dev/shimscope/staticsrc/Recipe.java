package dev.shimscope.staticsrc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to build one application from its Debian source as whole-program LLVM IR: a shell script
 * shipped in {@code src/main/resources/dev/shimscope/staticsrc/recipes/APP.sh}, whose header
 * comment lines {@code # key: value} are the data — {@code source} (the Debian source package),
 * {@code version-of} (the binary package whose installed version selects the source version),
 * {@code program} (the file the build links, relative to the source tree), {@code needs-source}
 * (further Debian source packages built into the program, unpacked for the script as
 * {@code $SRC_NAME}), {@code packages} (Debian packages the build itself needs) and
 * {@code binary} (the installed Debian program, for comparisons). The body runs in a private
 * copy of the source tree with the musl/clang compiler first on {@code PATH} as {@code cc}.
 */
public record Recipe(String app, String sourcePackage, String versionOf, List<String> needsSources,
                     List<String> packages, String program, String binary, String script) {

    private static final String DIR = "/dev/shimscope/staticsrc/recipes/";

    /** The recipes shipped, by application name. */
    public static Map<String, Recipe> shipped() {
        Map<String, Recipe> out = new LinkedHashMap<>();
        for (String file : resource("index.txt").split("\n")) {
            if (!file.isBlank()) {
                Recipe r = parse(file.strip().replaceFirst("\\.sh$", ""), resource(file.strip()));
                out.put(r.app(), r);
            }
        }
        return out;
    }

    public static Optional<Recipe> find(String app) {
        return Optional.ofNullable(shipped().get(app));
    }

    /** The recipe that builds musl itself (its {@code program} is unused). */
    static Recipe musl() {
        return parse("musl", resource("musl.sh"));
    }

    static Recipe parse(String name, String script) {
        Map<String, String> h = new LinkedHashMap<>();
        for (String line : script.split("\n")) {
            if (line.startsWith("#!")) {
                continue;
            }
            if (!line.startsWith("#")) {
                break;
            }
            int colon = line.indexOf(':');
            String key = colon < 0 ? "" : line.substring(1, colon).strip();
            if (colon > 0 && key.matches("[a-z-]+")) {
                h.put(key, line.substring(colon + 1).strip());
            }
        }
        String source = h.get("source");
        if (source == null) {
            throw new IllegalStateException("recipe " + name + " has no '# source:' line");
        }
        return new Recipe(h.getOrDefault("app", name), source, h.getOrDefault("version-of", source),
                words(h.get("needs-source")), words(h.get("packages")), h.get("program"), h.get("binary"), script);
    }

    private static List<String> words(String s) {
        return s == null || s.isBlank() ? List.of() : new ArrayList<>(Arrays.asList(s.strip().split("\\s+")));
    }

    /** The first 16 hex digits of the SHA-256 of the script: a changed recipe builds anew. */
    public String hash() {
        return sha256(script).substring(0, 16);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String resource(String name) {
        try (InputStream in = Recipe.class.getResourceAsStream(name.contains("/") ? name : DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the shimscope jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
