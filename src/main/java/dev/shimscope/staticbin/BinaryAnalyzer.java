package dev.shimscope.staticbin;

import dev.shimscope.elf.ElfFile;
import dev.shimscope.syscall.Arch;
import dev.shimscope.syscall.SyscallTable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Binary-level static syscall analysis of an x86_64 or aarch64 ELF program: finds the shared
 * libraries it loads as ld.so would ({@link LibraryResolver}, inside a sysroot if given), adds the
 * modules it opens with dlopen ({@link RuntimeModules}: given or preset), builds or loads from the
 * {@link ModelCache} a {@link ModuleModel} of each ({@link ModuleScanner} or {@link Arm64Scanner},
 * in parallel, biggest first), links them by symbol and computes the syscall sets of a
 * {@link StaticResult} ({@link LinkedProgram}) with the syscall table of the program's architecture.
 */
public final class BinaryAnalyzer {

    private final LibraryResolver resolver;
    private final ModelCache cache;
    private final int threads;

    /** @param cache null to analyse everything afresh and store nothing */
    public BinaryAnalyzer(LibraryResolver resolver, ModelCache cache, int threads) {
        this.resolver = resolver;
        this.cache = cache;
        this.threads = Math.max(1, threads);
    }

    /** This system's library search and the cache from the environment, one thread per core. */
    /** Null when the disassembler (Debian's libcapstone4) can be loaded; else what to install. */
    public static String disassemblerProblem() {
        return Capstone.loadError();
    }

    public static BinaryAnalyzer standard() throws IOException {
        return new BinaryAnalyzer(LibraryResolver.system(), ModelCache.fromEnvironment(),
                Runtime.getRuntime().availableProcessors());
    }

    /** Reads only the ELF headers (for --bincompat on any architecture). */
    public static BinaryInfo describe(Path binary) throws IOException {
        try (ElfFile elf = ElfFile.open(binary)) {
            return BinaryInfo.of(elf);
        }
    }

    /** A module to analyse: where it is, who needed it, how it was found; {@code runtime}: opened with dlopen. */
    record Load(Path path, String role, String neededBy, String via, boolean runtime) {
    }

    /**
     * What to analyse besides the binary and its DT_NEEDED libraries: modules it opens at run
     * time ({@code --module}), whether to add the {@link RuntimeModules#presets} too (this
     * machine's x86_64 programs only), and the root filesystem its libraries come from
     * ({@code --sysroot}; null: this machine's).
     */
    public record Options(List<Path> modules, boolean presets, Path sysroot) {
        public static final Options DEFAULT = new Options(List.of(), true, null);

        public Options(List<Path> modules, boolean presets) {
            this(modules, presets, null);
        }
    }

    public StaticResult analyze(Path binary) throws IOException {
        return analyze(binary, Options.DEFAULT);
    }

    public StaticResult analyze(Path binary, Options options) throws IOException {
        long t0 = System.nanoTime();
        BinaryInfo info;
        List<Load> loads = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        if (options.sysroot() != null && !Files.isDirectory(options.sysroot())) {
            throw new IllegalArgumentException("--sysroot " + options.sysroot() + " is not a directory; give the root of "
                    + "the filesystem the binary's libraries come from (e.g. Debian arm64 packages unpacked with dpkg -x)");
        }
        Arch arch;
        LibraryResolver resolver;
        try (ElfFile exe = ElfFile.open(binary)) {
            arch = exe.arch();
            boolean needsLibraries = exe.interpreter().isPresent() || !exe.needed().isEmpty();
            if (options.sysroot() != null) {
                resolver = LibraryResolver.inSysroot(options.sysroot(), arch);
            } else if (arch == Arch.X86_64) {
                resolver = this.resolver;
            } else if (needsLibraries) {
                throw new IllegalArgumentException(binary + " is a dynamically linked " + arch.id() + " ELF: its "
                        + "libraries are " + arch.id() + " ones; give --sysroot DIR (a root filesystem, or Debian's "
                        + "arm64 packages unpacked" + (Files.isDirectory(Path.of("/usr/aarch64-linux-gnu"))
                        ? ", or /usr/aarch64-linux-gnu from libc6-arm64-cross" : "") + ")");
            } else {
                resolver = this.resolver; // a static binary loads nothing
            }
            info = BinaryInfo.of(exe);
            loads.add(new Load(binary, "executable", null, "command line", false));
            discoverLibraries(exe, binary, loads, missing, RuntimeModules.fromUser(options.modules()), resolver);
        }
        List<ModuleModel> models = new ArrayList<>();
        int[] cacheHits = new int[1];
        boolean[] fromCache = new boolean[loads.size()];
        long t1 = System.nanoTime();
        scanAll(loads, models, fromCache, cacheHits, arch, Map.of());
        if (options.presets() && options.sysroot() == null && arch == Arch.X86_64) {
            // the presets follow what the program imports, which its models say (no second symbol read)
            Set<String> imports = new HashSet<>();
            for (ModuleModel m : models) {
                imports.addAll(List.of(m.imports));
            }
            List<RuntimeModules.Module> presets = RuntimeModules.presets(binary, imports, Set.of(models.getFirst().imports));
            if (!presets.isEmpty()) {
                List<RuntimeModules.Module> extra = new ArrayList<>(RuntimeModules.fromUser(options.modules()));
                extra.addAll(presets);
                Map<String, ModuleModel> done = new HashMap<>();
                Map<String, Boolean> doneFromCache = new HashMap<>();
                for (int i = 0; i < models.size(); i++) {
                    done.put(loads.get(i).path().toString(), models.get(i));
                    doneFromCache.put(loads.get(i).path().toString(), fromCache[i]);
                }
                loads.clear();
                missing.clear();
                loads.add(new Load(binary, "executable", null, "command line", false));
                try (ElfFile exe = ElfFile.open(binary)) {
                    discoverLibraries(exe, binary, loads, missing, extra, resolver);
                }
                models.clear();
                cacheHits[0] = 0;
                fromCache = new boolean[loads.size()];
                scanAll(loads, models, fromCache, cacheHits, arch, done);
                for (int i = 0; i < loads.size(); i++) {
                    Boolean c = doneFromCache.get(loads.get(i).path().toString());
                    if (c != null && !fromCache[i]) {
                        fromCache[i] = c; // analysed in the first round: keep where it came from
                        cacheHits[0] += c ? 1 : 0;
                    }
                }
            }
        }
        long t2 = System.nanoTime();
        LinkedProgram program = new LinkedProgram(models, loads, SyscallTable.of(arch));
        long t3 = System.nanoTime();
        StaticResult.Timing timing = new StaticResult.Timing((t3 - t0) / 1_000_000, loads.size() - cacheHits[0],
                cacheHits[0], threads);
        StaticResult result = program.result(info, missing, fromCache, timing);
        if (Boolean.getBoolean("shimscope.timing")) {
            System.err.printf("libraries %d ms, modules %d ms, link %d ms, result %d ms%n", (t1 - t0) / 1000000,
                    (t2 - t1) / 1000000, (t3 - t2) / 1000000, (System.nanoTime() - t3) / 1000000);
        }
        return result;
    }

    /**
     * Breadth-first over DT_NEEDED, like ld.so's link map; the interpreter joins if nobody needed
     * it. A name that is the interpreter's own (its SONAME or file name) is the interpreter: musl's
     * dynamic linker is its libc, which programs need as {@code libc.so}.
     */
    private void discoverLibraries(ElfFile exe, Path binary, List<Load> loads, List<String> missing,
                                   List<RuntimeModules.Module> modules, LibraryResolver resolver) throws IOException {
        Map<Path, Boolean> seen = new HashMap<>();
        seen.put(binary.toRealPath(), true);
        Optional<String> interp = exe.interpreter();
        Path interpPath = interp.map(resolver::locate).filter(Files::exists).orElse(null);
        List<String> interpNames = new ArrayList<>();
        if (interpPath != null) {
            Path real = interpPath.toRealPath();
            interpNames.add(real.getFileName().toString());
            interpNames.add(interpPath.getFileName().toString());
            try (ElfFile ld = ElfFile.open(interpPath)) {
                ld.soname().ifPresent(interpNames::add);
            } catch (RuntimeException e) {
                // an unreadable interpreter is reported when it is analysed
            }
        }
        List<String> exeRpath = exe.runpath().isEmpty() ? exe.rpath() : List.of();
        Deque<Object[]> queue = new ArrayDeque<>();
        queue.add(new Object[] {binary, exe.needed(), exe.rpath(), exe.runpath()});
        // the program's own link map first, then each dlopen'd module with what it needs
        int next = 0;
        boolean runtime = false;
        while (!queue.isEmpty() || next < modules.size()) {
            if (queue.isEmpty()) {
                RuntimeModules.Module mod = modules.get(next++);
                runtime = true;
                if (seen.putIfAbsent(mod.path().toRealPath(), true) != null) {
                    continue; // already loaded by the program itself
                }
                loads.add(new Load(mod.path(), "module", null, mod.reason(), true));
                try (ElfFile lib = ElfFile.open(mod.path())) {
                    queue.add(new Object[] {mod.path(), lib.needed(), lib.rpath(), lib.runpath()});
                }
                continue;
            }
            Object[] q = queue.poll();
            Path loader = (Path) q[0];
            @SuppressWarnings("unchecked") List<String> needed = (List<String>) q[1];
            @SuppressWarnings("unchecked") List<String> rpath = (List<String>) q[2];
            @SuppressWarnings("unchecked") List<String> runpath = (List<String>) q[3];
            for (String name : needed) {
                Optional<LibraryResolver.Candidate> c = interpNames.contains(name)
                        ? Optional.of(new LibraryResolver.Candidate(interpPath, "the interpreter's own name"))
                        : resolver.resolve(name, loader, rpath, runpath, exeRpath);
                if (c.isEmpty()) {
                    String m = name + " (needed by " + loader + ")";
                    if (!missing.contains(m)) {
                        missing.add(m);
                    }
                    continue;
                }
                Path real = c.get().path().toRealPath();
                if (seen.putIfAbsent(real, true) != null) {
                    continue;
                }
                loads.add(new Load(c.get().path(), "library", loader.toString(), c.get().via(), runtime));
                try (ElfFile lib = ElfFile.open(c.get().path())) {
                    queue.add(new Object[] {c.get().path(), lib.needed(), lib.rpath(), lib.runpath()});
                }
            }
        }
        if (interp.isPresent()) {
            if (interpPath == null) {
                missing.add(interp.get() + " (the interpreter of " + binary + ")");
            } else {
                Path real = interpPath.toRealPath();
                boolean found = false;
                for (int i = 0; i < loads.size(); i++) {
                    if (loads.get(i).path().toRealPath().equals(real)) {
                        Load l = loads.get(i);
                        loads.set(i, new Load(l.path(), "interpreter", l.neededBy(), l.via() + ", PT_INTERP", false));
                        found = true;
                    }
                }
                if (!found) {
                    loads.add(new Load(interpPath, "interpreter", binary.toString(), "PT_INTERP", false));
                }
            }
        }
    }

    /** Models of {@code loads} in order, in parallel; {@code done} holds models already built, by path. */
    private void scanAll(List<Load> loads, List<ModuleModel> models, boolean[] fromCache, int[] hits, Arch arch,
                         Map<String, ModuleModel> done) throws IOException {
        ModuleModel[] out = new ModuleModel[loads.size()];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < loads.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong((Integer i) -> sizeOf(loads.get(i).path())).reversed());
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, loads.size()));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i : order) {
                ModuleModel known = done.get(loads.get(i).path().toString());
                if (known != null) {
                    out[i] = known;
                    continue;
                }
                futures.add(pool.submit(() -> {
                    Path p = loads.get(i).path();
                    try (ElfFile elf = ElfFile.open(p)) {
                        String sha = ModelCache.sha256(elf.bytes());
                        Optional<ModuleModel> hit = cache == null ? Optional.empty() : cache.load(sha, p.toString());
                        if (hit.isPresent()) {
                            out[i] = hit.get();
                            fromCache[i] = true;
                            return null;
                        }
                        if (elf.arch() != arch) {
                            throw new IllegalArgumentException(p + " is an " + elf.arch().id() + " ELF; the program is "
                                    + arch.id() + (arch == Arch.X86_64 ? "" : ": give the --sysroot its libraries come from"));
                        }
                        if (elf.executableSections().isEmpty() && elf.segments().stream().anyMatch(
                                g -> g.type() == dev.shimscope.elf.ElfSegment.PT_LOAD
                                        && (g.flags() & dev.shimscope.elf.ElfSegment.PF_X) != 0)) {
                            throw new IllegalArgumentException(p + " has executable code but no section headers "
                                    + "(stripped with sstrip?); static analysis needs them: use the unstripped file");
                        }
                        ModuleModel m;
                        try (Capstone cs = new Capstone(arch)) {
                            m = arch == Arch.AARCH64 ? new Arm64Scanner(elf, cs).scan(sha) : new ModuleScanner(elf, cs).scan(sha);
                        }
                        if (cache != null) {
                            cache.store(m);
                        }
                        out[i] = m;
                    } catch (RuntimeException e) {
                        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                        throw new IllegalStateException(msg.startsWith(p.toString()) ? msg
                                : "while analysing " + p + ": " + msg, e);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(c);
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < out.length; i++) {
            if (fromCache[i]) {
                hits[0]++;
            }
            models.add(out[i]);
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }
}
