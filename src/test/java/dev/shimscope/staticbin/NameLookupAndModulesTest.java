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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Roots that only a name lookup reveals, and code loaded with dlopen: a musl dynamic program
 * (musl's loader is its libc and enters its later stages through a symbol lookup), syscall()
 * called through a pointer in data, and a module opened at run time given with --module; the
 * python preset on Debian's python3.11.
 */
class NameLookupAndModulesTest {

    static final int ARCH_PRCTL = 158, GETPGRP = 111, GETPGID = 121, MSYNC = 26, GETPID = 39;

    @TempDir
    static Path dir;

    static BinaryAnalyzer analyzer;

    @BeforeAll
    static void setUp() throws IOException {
        analyzer = new BinaryAnalyzer(LibraryResolver.system(), new ModelCache(dir.resolve("cache")), 2);
    }

    static Set<Integer> set(int[] a) {
        return Arrays.stream(a).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    static StaticResult.SyscallEntry entry(StaticResult r, int nr) {
        return r.syscalls().stream().filter(e -> e.number() == nr).findFirst().orElseThrow();
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
    }

    @Test
    void muslDynamicProgramLoadsItsLibcAsTheInterpreterAndReachesItsLaterStages() throws Exception {
        Path bin = dir.resolve("static_sites-musl-dynamic");
        run("musl-gcc", "-O1", "-o", bin.toString(), Fixtures.SOURCES.resolve("static_sites.c").toString());
        StaticResult r = analyzer.analyze(bin);
        assertThat(r.binary().interpreter()).contains("ld-musl");
        assertThat(r.missingLibraries()).isEmpty();
        assertThat(r.modules()).hasSize(2);
        assertThat(r.modules().get(1).role()).isEqualTo("interpreter");
        assertThat(r.modules().get(1).foundVia()).contains("interpreter's own name");
        // the executable's own sites are exactly the fixture's, as with glibc
        assertThat(BinaryAnalyzerTest.ownSiteNumbers(r)).isEqualTo(BinaryAnalyzerTest.OWN);
        // __init_tp (arch_prctl) is reached from __dls2b/__dls3, which musl finds by name
        assertThat(entry(r, ARCH_PRCTL).loaderRoots()).anySatisfy(s -> assertThat(s).contains("__dls"));
        // its libc's other exports are not roots: unused functions of musl stay out
        assertThat(r.functionLevel().length).isLessThan(r.allSites().length / 2);
        Set<String> traced = Traced.syscalls(dir, bin.toString());
        traced.remove("execve");
        Set<String> stat = Arrays.stream(r.functionLevel()).mapToObj(n -> dev.shimscope.syscall.SyscallTable.x86_64().name(n))
                .collect(Collectors.toSet());
        assertThat(traced).contains("arch_prctl");
        assertThat(stat).containsAll(traced);
        assertThat(dev.shimscope.report.StaticReport.bincompat(r.binary(), r)).doesNotContain("missing");
    }

    @Test
    void functionsLookedUpWithDlsymAreRootsPreciselyWhenTheNamesAreConstants() throws IOException {
        int pkeyAlloc = 330, getsid = 124;
        StaticResult exact = analyzer.analyze(Fixtures.gcc("dlsym_names"), new BinaryAnalyzer.Options(List.of(), false));
        assertThat(set(exact.functionLevel())).contains(pkeyAlloc).doesNotContain(getsid);
        assertThat(entry(exact, pkeyAlloc).lookedUpByName()).containsExactly("libc.so.6:pkey_alloc (named in dlsym_names)");
        // a name that may come from argv: every identifier string of the program may be looked up
        StaticResult any = analyzer.analyze(Fixtures.compile("gcc", "dlsym_names", "dlsym_names-argv", "-DNAME_FROM_ARGV"),
                new BinaryAnalyzer.Options(List.of(), false));
        assertThat(set(any.functionLevel())).contains(pkeyAlloc, getsid);
        assertThat(entry(any, getsid).lookedUpByName()).containsExactly("libc.so.6:getsid (named in dlsym_names-argv)");
    }

    @Test
    void syscallThroughAPointerInDataIsCountedAtTheIndirectCall() throws IOException {
        StaticResult r = analyzer.analyze(Fixtures.gcc("syscall_pointer"));
        assertThat(set(r.functionLevel())).contains(GETPGRP);
        assertThat(r.unresolvedSites()).anySatisfy(s -> {
            assertThat(s.function()).isEqualTo("main");
            assertThat(s.status()).isEqualTo("partial");
            assertThat(s.syscalls()).containsExactly("getpgrp");
            assertThat(s.note()).contains("may be syscall()");
        });
        // libc's own site is an argument site that says how callers through a pointer are handled
        assertThat(r.argumentSites()).anySatisfy(s -> {
            assertThat(s.function()).isEqualTo("syscall");
            assertThat(s.note()).contains("through a pointer");
        });
        // a number that is not a constant at the indirect call is never silently resolved
        StaticResult u = analyzer.analyze(Fixtures.gcc("syscall_pointer_unknown"));
        assertThat(u.unresolvedSites()).anySatisfy(s -> {
            assertThat(s.function()).isEqualTo("main");
            assertThat(s.status()).isEqualTo("partial");
            assertThat(s.reached()).isTrue();
        });
    }

    @Test
    void aModuleOpenedWithDlopenIsAnalysedWhenGiven() throws Exception {
        Path module = dir.resolve("mods/dl_module.so");
        Files.createDirectories(module.getParent());
        run("gcc", "-O1", "-shared", "-fPIC", "-o", module.toString(), Fixtures.SOURCES.resolve("dl_module.c").toString());
        Path host = Fixtures.gcc("dl_host");
        StaticResult without = analyzer.analyze(host, new BinaryAnalyzer.Options(List.of(), false));
        assertThat(set(without.functionLevel())).doesNotContain(GETPGID);
        assertThat(without.runtimeModules()).isEmpty();
        for (Path given : List.of(module, module.getParent())) {
            StaticResult with = analyzer.analyze(host, new BinaryAnalyzer.Options(List.of(given), false));
            assertThat(set(with.functionLevel())).contains(GETPGID, MSYNC);
            assertThat(with.runtimeModules()).singleElement().satisfies(m -> {
                assertThat(m.path()).isEqualTo(module.toString());
                assertThat(m.role()).isEqualTo("module");
                assertThat(m.added()).contains("getpgid", "msync");
            });
            assertThat(entry(with, GETPGID).onlyInRuntimeModules()).containsExactly("dl_module.so");
        }
        // the traced run of the host with the module is covered
        StaticResult with = analyzer.analyze(host, new BinaryAnalyzer.Options(List.of(module), false));
        Set<String> traced = Traced.syscalls(dir, host.toString(), module.toString());
        traced.remove("execve");
        Set<String> stat = Arrays.stream(with.functionLevel()).mapToObj(n -> dev.shimscope.syscall.SyscallTable.x86_64().name(n))
                .collect(Collectors.toSet());
        assertThat(traced).contains("getpgid", "msync");
        assertThat(stat).containsAll(traced);
    }

    @Test
    void badModulePathsAreRefusedWithOneLine() throws IOException {
        Path host = Fixtures.gcc("dl_host");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> analyzer.analyze(host, new BinaryAnalyzer.Options(List.of(dir.resolve("nowhere")), false)))
                .hasMessageContaining("--module " + dir.resolve("nowhere") + ": no such file or directory");
        assertThatThrownBy(() -> analyzer.analyze(host, new BinaryAnalyzer.Options(List.of(empty), false)))
                .hasMessageContaining("holds no shared object");
        assertThatThrownBy(() -> analyzer.analyze(host, new BinaryAnalyzer.Options(List.of(Path.of("/etc/passwd")), false)))
                .hasMessageContaining("/etc/passwd is not an ELF file");
        // on the command line: one line naming the path, status 1, no output and no CSV
        Path csv = dir.resolve("never.csv");
        dev.shimscope.testing.Cli.Outcome o = dev.shimscope.testing.Cli.run("static", "--module",
                dir.resolve("nowhere").toString(), "--csv", csv.toString(), host.toString());
        assertThat(o.status()).isEqualTo(1);
        assertThat(o.err().lines()).singleElement().asString().contains("--module " + dir.resolve("nowhere"));
        assertThat(o.out()).isEmpty();
        assertThat(csv).doesNotExist();
    }

    @Test
    void pythonGetsItsLibDynloadModules() throws IOException {
        Path python = Path.of("/usr/bin/python3.11");
        StaticResult r = analyzer.analyze(python);
        assertThat(r.runtimeModules()).anySatisfy(m -> {
            assertThat(m.path()).endsWith("lib-dynload/mmap.cpython-311-x86_64-linux-gnu.so");
            assertThat(m.reason()).contains("lib-dynload");
            assertThat(m.added()).contains("msync");
        });
        assertThat(set(r.functionLevel())).contains(MSYNC);
        StaticResult bare = analyzer.analyze(python, new BinaryAnalyzer.Options(List.of(), false));
        assertThat(set(bare.functionLevel())).doesNotContain(MSYNC);
        assertThat(bare.runtimeModules()).isEmpty();
    }

    @Test
    void vdsoCallsAndTheLaunchAreMarked() throws IOException {
        StaticResult r = analyzer.analyze(Fixtures.compile("musl-gcc", "static_sites", "static_sites-musl", "-static"));
        assertThat(r.traceNotes()).anySatisfy(n -> assertThat(n).startsWith("execve: not made by the program"));
        StaticResult glibc = analyzer.analyze(Fixtures.gcc("static_sites"));
        assertThat(glibc.traceNotes()).anySatisfy(n -> assertThat(n).contains("vDSO").contains("clock_gettime"));
        assertThat(glibc.syscalls()).filteredOn(e -> e.name().equals("clock_gettime")).singleElement()
                .satisfies(e -> assertThat(e.traceNote()).startsWith("vDSO"));
        assertThat(r.syscalls()).allSatisfy(e -> assertThat(e.number() == GETPID ? e.traceNote() : null).isNull());
    }
}
