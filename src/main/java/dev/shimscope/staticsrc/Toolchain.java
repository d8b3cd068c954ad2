package dev.shimscope.staticsrc;

import dev.shimscope.sandbox.HostTools;
import dev.shimscope.workload.Packages;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The LLVM 16 toolchain of Debian 12 that builds and reads the IR: clang-16, lld-16 (LTO link
 * with {@code --plugin-opt=emit-llvm}), llvm-16 (llvm-dis, llvm-objdump, llvm-ar, llvm-ranlib,
 * llvm-nm), compiler-rt's builtins (libclang-rt-16-dev) and dpkg-dev for {@code apt-get source}.
 * Missing packages are installed when running as root, else the error gives the apt-get command.
 * Its {@link #version()} — the clang-16 package's version — is part of every cache key.
 */
public record Toolchain(Path clang, Path llvmDis, Path llvmObjdump, Path llvmAr, Path llvmRanlib, Path llvmNm,
                        Path llvmStrip, Path builtins, String version) {

    /** The Debian packages the builds and the analysis need. */
    public static final List<String> PACKAGES = List.of("clang-16", "lld-16", "llvm-16", "libclang-rt-16-dev",
            "dpkg-dev", "make");
    private static final Path BIN = Path.of("/usr/lib/llvm-16/bin");
    private static final Path BUILTINS = Path.of("/usr/lib/llvm-16/lib/clang/16/lib/linux/libclang_rt.builtins-x86_64.a");

    /** Makes sure the toolchain and {@code extraPackages} are installed, then locates the tools. */
    public static Toolchain ensure(String what, List<String> extraPackages, PrintWriter log) {
        List<String> all = new ArrayList<>(PACKAGES);
        extraPackages.stream().filter(p -> !all.contains(p)).forEach(all::add);
        Packages.ensureInstalled(what, all, log);
        return locate();
    }

    /** The installed tools; fails naming the first that is missing. */
    public static Toolchain locate() {
        Path clang = tool("clang");
        return new Toolchain(clang, tool("llvm-dis"), tool("llvm-objdump"), tool("llvm-ar"), tool("llvm-ranlib"),
                tool("llvm-nm"), tool("llvm-strip"), require(BUILTINS, "libclang-rt-16-dev"), packageVersion("clang-16"));
    }

    /** True when clang-16 and llvm-dis-16 are there (tests use this to say what is missing). */
    public static boolean installed() {
        return Files.isExecutable(BIN.resolve("clang")) && Files.isExecutable(BIN.resolve("llvm-dis"))
                && Files.isExecutable(BIN.resolve("ld.lld"));
    }

    private static Path tool(String name) {
        return require(BIN.resolve(name), name.equals("clang") ? "clang-16" : "llvm-16");
    }

    private static Path require(Path p, String pkg) {
        if (!Files.exists(p)) {
            throw new IllegalStateException(p + " not found (Debian package " + pkg + "); run: "
                    + Packages.installCommand(List.of(pkg), HostTools.isRoot()));
        }
        return p;
    }

    /** {@code dpkg-query}'s version of an installed package, e.g. {@code 1:16.0.6-15~deb12u1}. */
    static String packageVersion(String pkg) {
        try {
            Process p = new ProcessBuilder("dpkg-query", "-W", "-f", "${Version}", pkg)
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 && !out.isEmpty() ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The installed source version of the package that built binary package {@code pkg}, or "" when not installed. */
    static String installedSourceVersion(String pkg) {
        try {
            Process p = new ProcessBuilder("dpkg-query", "-W", "-f", "${source:Version}\\t${db:Status-Status}", pkg)
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                return "";
            }
            String[] f = out.split("\t");
            return f.length == 2 && f[1].equals("installed") ? f[0] : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** A short compiler label for cache keys and output: {@code clang-16.0.6-15_deb12u1}. */
    public String label() {
        return "clang-" + version.replaceFirst("^\\d+:", "").replace('~', '_').replace(':', '_');
    }
}
