package dev.shimscope.staticbin;

import dev.shimscope.testing.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Static analysis of C fixtures whose syscalls are known exactly (see src/test/c/static_sites.c):
 * raw syscall instructions, a number chosen on two paths, a number passed as an argument,
 * libc wrappers, syscall(SYS_x), a dead function, and a library found through RUNPATH.
 */
class BinaryAnalyzerTest {

    /** The numbers static_sites.c makes itself (its own sites). */
    static final Set<Integer> OWN = Set.of(24, 102, 104, 108, 110, 186, 425);
    static final int GETPID = 39, WRITE = 1, DEAD = 425;

    @TempDir
    static Path cacheDir;

    static BinaryAnalyzer analyzer;

    @BeforeAll
    static void setUp() throws IOException {
        analyzer = new BinaryAnalyzer(LibraryResolver.system(), new ModelCache(cacheDir), 2);
    }

    static Set<Integer> ownSiteNumbers(StaticResult r) {
        return r.syscalls().stream().filter(e -> !e.ownSites().isEmpty()).map(StaticResult.SyscallEntry::number)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<Integer> set(int[] a) {
        return Arrays.stream(a).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    static StaticResult.SyscallEntry entry(StaticResult r, int nr) {
        return r.syscalls().stream().filter(e -> e.number() == nr).findFirst().orElseThrow();
    }

    @Test
    void dynamicPieOwnSitesAreExactAndImportsAreAttributed() throws IOException {
        StaticResult r = analyzer.analyze(Fixtures.compile("gcc", "static_sites", "static_sites-pie"));
        assertThat(r.binary().kind()).isEqualTo("dynamic-pie");
        assertThat(ownSiteNumbers(r)).isEqualTo(OWN);
        assertThat(set(r.functionLevel())).containsAll(OWN).contains(GETPID, WRITE);
        assertThat(entry(r, GETPID).importedSymbols()).contains("getpid");
        assertThat(entry(r, WRITE).importedSymbols()).contains("write");
        assertThat(entry(r, 186).ownSites()).singleElement().asString().contains("main").contains("call to wrapper");
        assertThat(entry(r, 108).ownSites()).anySatisfy(s -> assertThat(s).contains("main"));
        // libc, and ld.so as interpreter, are loaded
        assertThat(r.modules()).extracting(StaticResult.Module::role).containsExactly("executable", "library", "interpreter");
        assertThat(r.imports()).anySatisfy(i -> {
            assertThat(i.symbol()).isEqualTo("getpid");
            assertThat(i.library()).isEqualTo("libc.so.6");
            assertThat(i.syscalls()).contains("getpid");
        });
        // the executable's own sites are all resolved: nothing of it in the unresolved list
        assertThat(r.unresolvedSites()).noneMatch(s -> s.module().endsWith("static_sites-pie"));
        assertThat(r.argumentSites()).anySatisfy(s -> assertThat(s.function()).isEqualTo("my_syscall0"));
        assertThat(set(r.allSites())).containsAll(set(r.functionLevel()));
        assertThat(set(r.functionLevel())).containsAll(set(r.directOnly()));
    }

    @Test
    void nonPieAndStrippedCopiesGiveTheSameSites() throws Exception {
        StaticResult pie = analyzer.analyze(Fixtures.compile("gcc", "static_sites", "static_sites-pie"));
        StaticResult noPie = analyzer.analyze(Fixtures.compile("gcc", "static_sites", "static_sites-nopie", "-no-pie"));
        assertThat(noPie.binary().kind()).isEqualTo("dynamic");
        assertThat(noPie.binary().pie()).isFalse();
        assertThat(ownSiteNumbers(noPie)).isEqualTo(OWN);

        Path stripped = Fixtures.DIR.resolve("static_sites-stripped");
        Process p = new ProcessBuilder("strip", "-o", stripped.toString(),
                Fixtures.compile("gcc", "static_sites", "static_sites-pie").toString()).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();
        StaticResult s = analyzer.analyze(stripped);
        assertThat(s.binary().stripped()).isTrue();
        assertThat(ownSiteNumbers(s)).isEqualTo(OWN);
        assertThat(s.functionLevel()).isEqualTo(pie.functionLevel());
        assertThat(s.allSites()).isEqualTo(pie.allSites());
    }

    @Test
    void muslStaticBinaryIsAnalysedFromItsEntryPoint() throws IOException {
        StaticResult r = analyzer.analyze(Fixtures.compile("musl-gcc", "static_sites", "static_sites-musl", "-static"));
        assertThat(r.binary().kind()).isEqualTo("static");
        assertThat(r.modules()).hasSize(1);
        assertThat(set(r.functionLevel())).containsAll(Set.of(24, 102, 104, 108, 110, 186, GETPID, WRITE));
        // the dead function is a site of the binary but unreachable from _start
        assertThat(set(r.allSites())).contains(DEAD);
        assertThat(set(r.functionLevel())).doesNotContain(DEAD);
        // musl's syscall() takes the number as an argument: resolved at main's call sites
        assertThat(entry(r, 186).ownSites()).anySatisfy(s -> assertThat(s).contains("main"));
    }

    @Test
    void followsImportsIntoALibraryFoundThroughRunpath(@TempDir Path tmp) throws Exception {
        Path libDir = Files.createDirectories(tmp.resolve("lib"));
        Path lib = libDir.resolve("libstatic_lib.so");
        Path app = tmp.resolve("static_app");
        run("gcc", "-O1", "-shared", "-fPIC", "-o", lib.toString(), Fixtures.SOURCES.resolve("static_lib.c").toString());
        run("gcc", "-O1", "-o", app.toString(), Fixtures.SOURCES.resolve("static_app.c").toString(),
                "-L" + libDir, "-lstatic_lib", "-Wl,--enable-new-dtags,-rpath,$ORIGIN/lib");
        StaticResult r = analyzer.analyze(app);
        assertThat(r.binary().runpath()).containsExactly("$ORIGIN/lib");
        assertThat(r.modules()).anySatisfy(m -> {
            assertThat(m.path()).isEqualTo(lib.toString());
            assertThat(m.foundVia()).isEqualTo("RUNPATH");
        });
        assertThat(entry(r, 447).importedSymbols()).containsExactly("fix_used");
        assertThat(set(r.allSites())).contains(447, 448);
        assertThat(set(r.functionLevel())).contains(447).doesNotContain(448);
    }

    @Test
    void aNumberArgumentOfAFunctionCalledThroughAPointerComesFromTheIndirectCallSites() throws IOException {
        StaticResult r = analyzer.analyze(Fixtures.gcc("static_pointer"));
        assertThat(set(r.functionLevel())).contains(124);
        assertThat(r.unresolvedSites()).anySatisfy(s -> {
            assertThat(s.function()).isEqualTo("wrapper");
            assertThat(s.status()).isEqualTo("partial");
            assertThat(s.syscalls()).contains("getsid");
            assertThat(s.note()).contains("whose address is taken");
        });
    }

    @Test
    void secondAnalysisComesFromTheCacheWithTheSameResult() throws IOException {
        Path bin = Fixtures.compile("gcc", "static_sites", "static_sites-pie");
        StaticResult first = analyzer.analyze(bin);
        StaticResult second = analyzer.analyze(bin);
        assertThat(second.timing().modulesFromCache()).isEqualTo(second.modules().size());
        assertThat(second.functionLevel()).isEqualTo(first.functionLevel());
        assertThat(second.syscalls()).isEqualTo(first.syscalls());
        try (var files = Files.list(cacheDir)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList())
                    .contains(second.modules().get(1).sha256() + ".v" + ModuleModel.FORMAT + ".model");
        }
        // a damaged entry is a miss, then replaced
        Path entry = cacheDir.resolve(second.modules().get(0).sha256() + ".v" + ModuleModel.FORMAT + ".model");
        Files.write(entry, new byte[] {1, 2, 3});
        StaticResult third = analyzer.analyze(bin);
        assertThat(third.timing().modulesScanned()).isEqualTo(1);
        assertThat(third.functionLevel()).isEqualTo(first.functionLevel());
    }

    @Test
    void libcExportsReachTheirSyscalls() throws IOException {
        try (var elf = dev.shimscope.elf.ElfFile.open(Path.of("/lib/x86_64-linux-gnu/libc.so.6"));
             Capstone cs = new Capstone()) {
            ModuleModel m = new ModuleScanner(elf, cs).scan("test");
            var reach = m.exportReach();
            assertThat(reach.get("getpid").syscalls()).contains(GETPID);
            assertThat(reach.get("write").syscalls()).contains(WRITE);
            assertThat(reach.get("fork").syscalls()).contains(56 /* clone */);
            // syscall() takes its number as an argument; resolved at its callers
            assertThat(m.sites()).anySatisfy(s -> {
                assertThat(m.regionName(s.region())).isEqualTo("syscall");
                assertThat(s.status()).isEqualTo(SyscallSite.Status.ARGUMENT);
            });
            long resolved = m.sites().stream().filter(SyscallSite::fullyKnown).count();
            assertThat(resolved).isGreaterThan(m.sites().size() * 95L / 100);
            assertThat(m.allSiteNumbers().get(DEAD)).isFalse();
            assertThat(m.allSiteNumbers().get(447)).isFalse();
        }
    }

    @Test
    void refusesCodeWithoutSectionHeaders(@TempDir Path tmp) throws IOException {
        byte[] b = Files.readAllBytes(Fixtures.compile("musl-gcc", "static_sites", "static_sites-musl", "-static"));
        // e_shoff = 0, e_shnum = 0: what sstrip leaves
        for (int i = 40; i < 48; i++) {
            b[i] = 0;
        }
        b[60] = 0;
        b[61] = 0;
        Path noSections = Files.write(tmp.resolve("sstripped"), b);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> analyzer.analyze(noSections))
                .hasMessageContaining("no section headers");
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
    }
}
