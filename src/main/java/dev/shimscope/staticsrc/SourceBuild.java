package dev.shimscope.staticsrc;

import dev.shimscope.workload.Preparation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Builds an application from its Debian source as one whole-program LLVM IR file, against musl
 * built the same way, and caches the result. Steps: fetch the sources with {@code apt-get source}
 * through a private apt configuration ({@code fetch-source.sh}); build musl from Debian's musl
 * source ({@code recipes/musl.sh}: its own configure and Makefile, clang, {@code -flto}) once per
 * musl version, compiler and recipe; build the application with its recipe, whose compiler
 * ({@code musl-clang.sh}) links the program with lld's {@code --plugin-opt=emit-llvm}: the merged,
 * internalised module before any link-time optimisation; disassemble the native objects the link
 * used ({@code llvm-objdump}); and store {@code program.ll} ({@code llvm-dis}), {@code native.txt},
 * {@code inputs.txt}, {@code build.log} and {@code build.properties} under
 * {@code CACHE/sources/ir/APP/KEY/}, where KEY holds the source version, the compiler, musl's key,
 * the recipe's hash and the versions of further sources. CACHE is {@code $SHIMSCOPE_CACHE}, else
 * {@code $XDG_CACHE_HOME/shimscope}, else {@code ~/.cache/shimscope}.
 */
public final class SourceBuild {

    /** What a build produced (or the cache held). */
    public record Built(Recipe recipe, String sourceVersion, String requestedVersion, Map<String, String> otherSources,
                        String compiler, String musl, Path muslPrefix, Path directory, Path ir, Path natives, Path inputs,
                        Path log, boolean fromCache, long buildMillis) {
    }

    /** A build that failed: the message names the log, {@link #tail()} holds its last lines. */
    public static final class BuildException extends IllegalStateException {
        private final List<String> tail;

        BuildException(String message, List<String> tail) {
            super(message);
            this.tail = List.copyOf(tail);
        }

        public List<String> tail() {
            return tail;
        }
    }

    /** Debian has no source package for the app. */
    public static final class NoSourceException extends IllegalArgumentException {
        NoSourceException(String message) {
            super(message);
        }
    }

    private static final int TAIL_LINES = 25;
    private static final long BUILD_TIMEOUT_MINUTES = 60;

    private final Path root;
    private final Toolchain toolchain;
    private final PrintWriter log;
    private final int jobs;

    public SourceBuild(Path root, Toolchain toolchain, PrintWriter log, int jobs) {
        this.root = root;
        this.toolchain = toolchain;
        this.log = log;
        this.jobs = jobs;
    }

    /** {@code CACHE/sources}, CACHE as documented above. */
    public static Path defaultRoot() {
        return Preparation.cacheDir().resolve("sources");
    }

    /** Builds (or finds in the cache) the whole-program IR of {@code recipe}'s application. */
    public Built build(Recipe recipe) throws IOException {
        String requested = Toolchain.installedSourceVersion(recipe.versionOf());
        Fetched src = fetch(recipe.sourcePackage(), requested, recipe.app());
        Map<String, Fetched> others = new LinkedHashMap<>();
        for (String pkg : recipe.needsSources()) {
            others.put(pkg, fetch(pkg, Toolchain.installedSourceVersion(pkg), recipe.app()));
        }
        Path musl = musl();
        StringBuilder key = new StringBuilder(safe(src.version())).append('-').append(toolchain.label()).append('-')
                .append(musl.getFileName()).append("-r").append(recipe.hash());
        Map<String, String> otherVersions = new LinkedHashMap<>();
        others.forEach((pkg, f) -> {
            otherVersions.put(pkg, f.version());
            key.append('-').append(pkg).append(safe(f.version()));
        });
        Path dir = root.resolve("ir").resolve(recipe.app()).resolve(key.toString());
        try (Lock ignored = lock(recipe.app())) {
            if (Files.exists(dir.resolve("complete"))) {
                return built(recipe, src, requested, otherVersions, musl, dir, true, 0);
            }
            long t0 = System.nanoTime();
            log.println("shimscope: building " + recipe.app() + " (Debian source " + recipe.sourcePackage() + " "
                    + src.version() + ") with " + toolchain.label() + " against musl " + muslVersion(musl)
                    + " as whole-program LLVM IR; log: " + logFile(recipe.app(), key.toString()));
            log.flush();
            Path work = Files.createDirectories(root.resolve("work")).resolve(recipe.app() + "-" + ProcessHandle.current().pid());
            deleteTree(work);
            try {
                Path tree = work.resolve("src");
                copyTree(src.tree(), tree);
                Map<String, String> env = new LinkedHashMap<>(compilerEnv(musl, work));
                for (Map.Entry<String, Fetched> o : others.entrySet()) {
                    Path copy = work.resolve("src-" + o.getKey());
                    copyTree(o.getValue().tree(), copy);
                    env.put("SRC_" + o.getKey().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"), copy.toString());
                }
                Path program = tree.resolve(recipe.program());
                env.put("SHIMSCOPE_IR_TARGETS", program.getFileName().toString());
                env.put("SRC", tree.toString());
                Path logFile = logFile(recipe.app(), key.toString());
                runScript(recipe, tree, env, logFile);
                if (!isBitcode(program)) {
                    throw new BuildException("the " + recipe.app() + " recipe ended without whole-program bitcode at "
                            + recipe.program() + "; log: " + logFile, tail(logFile));
                }
                Path staging = Files.createDirectories(dir.getParent()).resolve("." + dir.getFileName() + ".tmp");
                deleteTree(staging);
                Files.createDirectories(staging);
                run(List.of(toolchain.llvmDis().toString(), program.toString(), "-o", staging.resolve("program.ll").toString()),
                        tree, "llvm-dis of " + program);
                List<String> inputs = Files.readAllLines(program.resolveSibling(program.getFileName() + ".inputs"));
                Files.write(staging.resolve("inputs.txt"), inputs);
                Files.writeString(staging.resolve("native.txt"), disassembleNative(inputs, tree));
                Files.copy(logFile, staging.resolve("build.log"));
                long millis = (System.nanoTime() - t0) / 1_000_000;
                Files.writeString(staging.resolve("build.properties"), properties(recipe, src, requested, otherVersions, musl, millis));
                Files.writeString(staging.resolve("complete"), "");
                deleteTree(dir);
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
                return built(recipe, src, requested, otherVersions, musl, dir, false, millis);
            } finally {
                deleteTree(work);
            }
        }
    }

    private Built built(Recipe recipe, Fetched src, String requested, Map<String, String> others, Path musl, Path dir,
                        boolean cached, long millis) {
        return new Built(recipe, src.version(), requested, others, toolchain.label(), muslVersion(musl), musl, dir,
                dir.resolve("program.ll"), dir.resolve("native.txt"), dir.resolve("inputs.txt"), dir.resolve("build.log"),
                cached, millis);
    }

    /** musl's version, as its prefix's {@code complete} file records it. */
    private static String muslVersion(Path prefix) {
        try {
            return Files.readString(prefix.resolve("complete")).strip();
        } catch (IOException e) {
            return prefix.getFileName().toString();
        }
    }

    private String properties(Recipe r, Fetched src, String requested, Map<String, String> others, Path musl, long millis) {
        StringBuilder sb = new StringBuilder();
        sb.append("app=").append(r.app()).append('\n');
        sb.append("source=").append(r.sourcePackage()).append(' ').append(src.version()).append('\n');
        sb.append("requested=").append(requested).append('\n');
        others.forEach((k, v) -> sb.append("source.").append(k).append('=').append(v).append('\n'));
        sb.append("compiler=").append(toolchain.label()).append('\n');
        sb.append("musl=").append(muslVersion(musl)).append(" (").append(musl.getFileName()).append(")\n");
        sb.append("recipe=").append(r.hash()).append('\n');
        sb.append("build_millis=").append(millis).append('\n');
        return sb.toString();
    }

    /** musl's prefix ({@code include/}, {@code lib/}) under {@code CACHE/sources/musl/KEY}, built when missing. */
    public Path musl() throws IOException {
        Recipe recipe = Recipe.musl();
        Fetched src = fetch(recipe.sourcePackage(), Toolchain.installedSourceVersion(recipe.versionOf()), "musl");
        String key = safe(src.version()) + "-" + toolchain.label() + "-r" + recipe.hash();
        Path prefix = root.resolve("musl").resolve(key);
        try (Lock ignored = lock("musl")) {
            if (Files.exists(prefix.resolve("complete"))) {
                return prefix;
            }
            Path logFile = logFile("musl", key);
            log.println("shimscope: building musl " + src.version() + " with " + toolchain.label() + " (-flto); log: " + logFile);
            log.flush();
            Path work = Files.createDirectories(root.resolve("work")).resolve("musl-" + ProcessHandle.current().pid());
            deleteTree(work);
            Path staging = prefix.resolveSibling("." + key + ".tmp");
            deleteTree(staging);
            try {
                Path tree = work.resolve("src");
                copyTree(src.tree(), tree);
                Map<String, String> env = new LinkedHashMap<>();
                env.put("SRC", tree.toString());
                env.put("PREFIX", staging.toString());
                env.put("JOBS", Integer.toString(jobs));
                env.put("CLANG", toolchain.clang().toString());
                env.put("LLVM_AR", toolchain.llvmAr().toString());
                env.put("LLVM_RANLIB", toolchain.llvmRanlib().toString());
                runScript(recipe, tree, env, logFile);
                Files.writeString(staging.resolve("complete"), src.version() + "\n");
                deleteTree(prefix);
                Files.move(staging, prefix, StandardCopyOption.ATOMIC_MOVE);
                return prefix;
            } finally {
                deleteTree(work);
                deleteTree(staging);
            }
        }
    }

    /**
     * The environment under which recipes compile: {@code PATH} starts with a directory where
     * {@code cc}, {@code gcc}, {@code clang} are musl-clang.sh and {@code ar}, {@code ranlib},
     * {@code nm}, {@code strip} are LLVM's (bitcode archives need LLVM's symbol tables).
     */
    Map<String, String> compilerEnv(Path musl, Path work) throws IOException {
        Path tools = Files.createDirectories(work.resolve("tools"));
        Path wrapper = script(tools, "musl-clang.sh");
        for (String cc : List.of("cc", "gcc", "clang", "c99")) {
            Files.createSymbolicLink(tools.resolve(cc), wrapper);
        }
        Files.createSymbolicLink(tools.resolve("ar"), toolchain.llvmAr());
        Files.createSymbolicLink(tools.resolve("ranlib"), toolchain.llvmRanlib());
        Files.createSymbolicLink(tools.resolve("nm"), toolchain.llvmNm());
        Files.createSymbolicLink(tools.resolve("strip"), toolchain.llvmStrip());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", tools + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("SHIMSCOPE_CLANG", toolchain.clang().toString());
        env.put("SHIMSCOPE_MUSL", musl.toString());
        env.put("SHIMSCOPE_RTLIB", toolchain.builtins().toString());
        env.put("CC", "cc");
        env.put("JOBS", Integer.toString(jobs));
        return env;
    }

    /** Compiles one C file to whole-program IR against musl (the tests' fixtures): {@code OUT} is bitcode. */
    public Path compileProgram(Path cFile, Path outDir, String name, List<String> flags) throws IOException {
        Path musl = musl();
        Path work = Files.createDirectories(outDir);
        Map<String, String> env = compilerEnv(musl, work.resolve("build-" + name));
        env.put("SHIMSCOPE_IR_TARGETS", name);
        List<String> cmd = new ArrayList<>(List.of("cc"));
        cmd.addAll(flags);
        cmd.addAll(List.of(cFile.toAbsolutePath().toString(), "-o", work.resolve(name).toString()));
        // through the shell, so that 'cc' is found on the PATH of the compiler environment
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$@\"", "sh"));
        argv.addAll(cmd);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(work.toFile());
        pb.environment().putAll(env);
        exec(pb, "compiling " + cFile, null);
        Path bc = work.resolve(name);
        run(List.of(toolchain.llvmDis().toString(), bc.toString(), "-o", work.resolve(name + ".ll").toString()), work, "llvm-dis");
        Files.writeString(work.resolve(name + ".native.txt"),
                disassembleNative(Files.readAllLines(work.resolve(name + ".inputs")), work));
        return bc;
    }

    private record Fetched(String version, Path tree) {
    }

    private Fetched fetch(String pkg, String version, String forApp) throws IOException {
        Path script = script(Files.createDirectories(root.resolve("scripts")), "fetch-source.sh");
        ProcessBuilder pb = new ProcessBuilder(script.toString(), pkg, version, root.resolve("src").toString());
        pb.environment().put("SHIMSCOPE_SOURCES", root.toString());
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Result r = exec(pb, "fetching the Debian source of " + pkg, null);
        if (r.status() == 3) {
            throw new NoSourceException(forApp + ": " + lastLine(r.output()));
        }
        if (r.status() != 0) {
            throw new IllegalStateException("cannot fetch the Debian source of " + pkg + " for " + forApp + ": " + lastLine(r.output()));
        }
        for (String line : r.output().split("\n")) {
            if (line.startsWith("fetch-source: ")) {
                log.println("shimscope: " + line.substring("fetch-source: ".length()));
            log.flush();
            }
        }
        String[] f = lastLine(r.output()).split("\t");
        if (f.length != 2) {
            throw new IllegalStateException("fetch-source.sh printed no VERSION<TAB>TREE line for " + pkg);
        }
        return new Fetched(f[0], Path.of(f[1]));
    }

    /** Whether Debian's lists know a source package of this name (for the error of an app without recipe). */
    public boolean hasDebianSource(String pkg) throws IOException {
        Path script = script(Files.createDirectories(root.resolve("scripts")), "fetch-source.sh");
        ProcessBuilder pb = new ProcessBuilder(script.toString(), pkg, "", root.resolve("src").toString());
        pb.environment().put("SHIMSCOPE_SOURCES", root.toString());
        pb.environment().put("SHIMSCOPE_LOOKUP_ONLY", "1");
        return exec(pb, "looking up " + pkg, null).status() != 3;
    }

    private void runScript(Recipe recipe, Path tree, Map<String, String> env, Path logFile) throws IOException {
        Path scripts = Files.createDirectories(root.resolve("scripts"));
        Path script = scripts.resolve("recipe-" + recipe.app() + "-" + recipe.hash() + ".sh");
        if (!Files.exists(script)) {
            writeExecutable(script, recipe.script());
        }
        Files.createDirectories(logFile.getParent());
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", script.toString()).directory(tree.toFile());
        pb.environment().putAll(env);
        Result r = exec(pb, "building " + recipe.app(), logFile);
        if (r.status() != 0) {
            List<String> tail = tail(logFile);
            throw new BuildException("the build of " + recipe.app() + " under clang failed (exit " + r.status()
                    + "); the log is kept at " + logFile, tail);
        }
    }

    private String disassembleNative(List<String> inputs, Path dir) throws IOException {
        Set<String> files = new LinkedHashSet<>();
        for (String in : inputs) {
            String path = in.replaceFirst("\\(.*\\)$", "");
            Path p = Path.of(path);
            if (!p.isAbsolute()) {
                p = dir.resolve(p);
            }
            if (Files.isRegularFile(p) && isElfOrArchive(p)) {
                files.add(p.toString());
            }
        }
        if (files.isEmpty()) {
            return "";
        }
        List<String> cmd = new ArrayList<>(List.of(toolchain.llvmObjdump().toString(), "-d", "-r", "--no-show-raw-insn"));
        cmd.addAll(files);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Process p = pb.start();
        // objdump complains about the bitcode members of an archive and goes on; its output is what counts
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        waitFor(p, "llvm-objdump");
        return out;
    }

    private static boolean isElfOrArchive(Path p) throws IOException {
        byte[] head = new byte[8];
        try (var in = Files.newInputStream(p)) {
            int n = in.readNBytes(head, 0, 8);
            return (n >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F')
                    || (n == 8 && new String(head, StandardCharsets.US_ASCII).equals("!<arch>\n"));
        }
    }

    static boolean isBitcode(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            return false;
        }
        byte[] head = new byte[4];
        try (var in = Files.newInputStream(p)) {
            return in.readNBytes(head, 0, 4) == 4 && head[0] == 'B' && head[1] == 'C' && (head[2] & 0xff) == 0xc0
                    && (head[3] & 0xff) == 0xde;
        }
    }

    private record Result(int status, String output) {
    }

    private void run(List<String> cmd, Path dir, String what) throws IOException {
        Result r = exec(new ProcessBuilder(cmd).directory(dir.toFile()), what, null);
        if (r.status() != 0) {
            throw new IllegalStateException(what + " failed (exit " + r.status() + "): " + lastLine(r.output()));
        }
    }

    /** Runs a process, its output to {@code logFile} (and the last lines kept) or collected. */
    private static Result exec(ProcessBuilder pb, String what, Path logFile) throws IOException {
        pb.redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        if (logFile != null) {
            pb.redirectOutput(logFile.toFile());
        }
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        if (logFile == null) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    out.append(line).append('\n');
                }
            }
        }
        return new Result(waitFor(p, what), out.toString());
    }

    private static int waitFor(Process p, String what) {
        try {
            if (!p.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IllegalStateException(what + " did not end within " + BUILD_TIMEOUT_MINUTES + " minutes");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        }
    }

    private static List<String> tail(Path logFile) {
        Deque<String> tail = new ArrayDeque<>();
        try (BufferedReader r = Files.newBufferedReader(logFile, StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = r.readLine()) != null) {
                tail.addLast(line);
                if (tail.size() > TAIL_LINES) {
                    tail.removeFirst();
                }
            }
        } catch (IOException e) {
            tail.add("(cannot read " + logFile + ": " + e.getMessage() + ")");
        }
        return new ArrayList<>(tail);
    }

    private Path logFile(String app, String key) {
        return root.resolve("logs").resolve(app + "-" + key + ".log");
    }

    /** An exclusive lock on {@code locks/NAME.lock}: one build of an app (or of musl) at a time, across processes. */
    private record Lock(FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            // closing the channel releases the lock (the kernel also drops it when the JVM dies)
            channel.close();
        }
    }

    private Lock lock(String name) throws IOException {
        Path f = Files.createDirectories(root.resolve("locks")).resolve(name + ".lock");
        FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return new Lock(ch, ch.lock());
    }

    /** Writes a shipped script into {@code dir} (once per content) and returns its path. */
    private static Path script(Path dir, String resource) throws IOException {
        String text = Recipe.resource("/dev/shimscope/staticsrc/" + resource);
        Path p = dir.resolve(resource.replace(".sh", "") + "-" + Recipe.sha256(text).substring(0, 12) + ".sh");
        if (!Files.exists(p)) {
            writeExecutable(p, text);
        }
        return p;
    }

    private static void writeExecutable(Path p, String text) throws IOException {
        Path tmp = Files.createTempFile(p.getParent(), "." + p.getFileName(), ".tmp");
        Files.writeString(tmp, text);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static String safe(String version) {
        return version.replace(':', '_').replace('~', '_');
    }

    private static String lastLine(String s) {
        return s.strip().lines().reduce((a, b) -> b).orElse("(no output)");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        ProcessBuilder pb = new ProcessBuilder("cp", "-a", from.toString(), to.toString());
        Result r = exec(pb, "copying " + from, null);
        if (r.status() != 0) {
            throw new IOException("cannot copy " + from + " to " + to + ": " + lastLine(r.output()));
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
