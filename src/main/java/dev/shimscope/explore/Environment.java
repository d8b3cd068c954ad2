package dev.shimscope.explore;

import dev.shimscope.ToolVersion;
import dev.shimscope.workload.WorkloadSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where a result was measured: kernel, distribution, CPUs, the application binary's hash and
 * Debian package version, the spec's hash, the tool's version. Recorded with every result, and
 * the spec and binary hashes tie a journal to what it explored.
 */
public final class Environment {

    private Environment() {
    }

    public static Map<String, String> collect(WorkloadSpec spec) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("tool", "shimscope " + ToolVersion.get());
        env.put("kernel", readTrimmed(Path.of("/proc/sys/kernel/osrelease")));
        env.put("os", osName());
        env.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        env.put("spec", spec.file().toString());
        env.put("specSha256", specHash(spec));
        Path binary = spec.binary() != null ? spec.binary() : spec.only();
        if (binary != null && Files.isRegularFile(binary)) {
            env.put("binary", binary.toString());
            env.put("binarySha256", sha256(binary));
            String pkg = packageOf(binary);
            if (pkg != null) {
                env.put("package", pkg);
                String v = command(List.of("dpkg-query", "-W", "-f=${Version}", pkg));
                if (v != null) {
                    env.put("packageVersion", v);
                }
            }
        }
        return env;
    }

    /** The identity a journal is checked against: the spec and the binary. */
    public static Map<String, String> identity(Map<String, String> env) {
        Map<String, String> id = new LinkedHashMap<>();
        id.put("specSha256", env.get("specSha256"));
        id.put("binarySha256", env.getOrDefault("binarySha256", "none"));
        return id;
    }

    /**
     * Hash of the spec file and of the files in its directory that it names (scripts,
     * configuration), directly or through each other: what a result depends on. Other files
     * beside it (outputs, journals) are not.
     */
    static String specHash(WorkloadSpec spec) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            String text = Files.readString(spec.file());
            md.update(text.getBytes(StandardCharsets.UTF_8));
            // the files it names, and the files they name (a script and the output it expects)
            List<Path> named = dev.shimscope.workload.WorkloadSpecs.namedFiles(spec);
            for (Path f : named) {
                md.update(spec.dir().relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(f));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return "unknown";
        }
    }

    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return "unknown";
        }
    }

    private static String packageOf(Path binary) {
        for (Path p : List.of(binary, realPath(binary))) {
            String out = command(List.of("dpkg-query", "-S", p.toString()));
            if (out != null && out.contains(":")) {
                return out.substring(0, out.indexOf(':')).split(",")[0].trim();
            }
        }
        return null;
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    private static String osName() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring(12).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return System.getProperty("os.name");
    }

    private static String readTrimmed(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String command(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out.lines().findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
