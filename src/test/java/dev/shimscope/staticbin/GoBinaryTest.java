package dev.shimscope.staticbin;

import dev.shimscope.elf.ElfFile;
import dev.shimscope.elf.GoInfo;
import dev.shimscope.syscall.SyscallTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Go binaries built at test time from src/test/go: functions and names from the pclntab,
 * numbers passed in RAX (Go's register ABI) through syscall.Syscall's stack spill, the PIE
 * layout (pclntab without a section), cgo, and soundness against a strace of the fixture.
 */
class GoBinaryTest {

    static final int GETPGID = 121, GETPPID = 110, FSYNC = 74, UNLINKAT = 263, GETDENTS64 = 217;

    @TempDir
    static Path dir;

    static Path pure;
    static Path pie;
    static BinaryAnalyzer analyzer;

    @BeforeAll
    static void build() throws IOException {
        pure = GoFixtures.build(dir, "gosys", "gosys", false);
        pie = GoFixtures.build(dir, "gosys", "gosys-pie", false, "-buildmode=pie");
        analyzer = new BinaryAnalyzer(LibraryResolver.system(), new ModelCache(dir.resolve("cache")), 2);
    }

    static Set<Integer> set(int[] a) {
        return Arrays.stream(a).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    /** The numbers of main.main's own calls to a syscall wrapper. */
    static Set<String> mainSites(StaticResult r) {
        return r.syscalls().stream().filter(e -> e.ownSites().stream().anyMatch(s -> s.contains(" main.main ")))
                .map(StaticResult.SyscallEntry::name).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void pclntabGivesEveryFunctionWithItsName() throws IOException {
        try (ElfFile elf = ElfFile.open(pure)) {
            GoInfo go = elf.goInfo().orElseThrow();
            assertThat(go.version()).startsWith("go1.");
            assertThat(go.cgo()).isFalse();
            assertThat(go.buildSetting("CGO_ENABLED")).contains("0");
            assertThat(go.functionStarts().length).isGreaterThan(1000);
            assertThat(go.functionNames()).contains("main.main", "syscall.Syscall", "runtime/internal/syscall.Syscall6");
            long[] s = go.functionStarts();
            for (int i = 1; i < s.length; i++) {
                assertThat(s[i]).isGreaterThanOrEqualTo(s[i - 1]);
            }
        }
        // the PIE has no .gopclntab section: the table is found in .data.rel.ro, relocated
        try (ElfFile a = ElfFile.open(pure); ElfFile b = ElfFile.open(pie)) {
            assertThat(b.section(".gopclntab")).isEmpty();
            assertThat(b.goInfo().orElseThrow().functionNames()).contains("main.main", "syscall.Syscall");
            assertThat(b.goInfo().orElseThrow().functionStarts().length)
                    .isCloseTo(a.goInfo().orElseThrow().functionStarts().length, org.assertj.core.data.Percentage.withPercentage(5));
        }
    }

    @Test
    void numbersPassedInRaxAreResolvedThroughTheWrappersSpill() throws IOException {
        StaticResult r = analyzer.analyze(pure);
        assertThat(r.binary().kind()).isEqualTo("static");
        assertThat(r.binary().go()).startsWith("go1.");
        // main.main's own calls: exactly the two raw wrappers it calls with constants
        assertThat(mainSites(r)).containsExactlyInAnyOrder("getppid", "getpgid");
        assertThat(set(r.functionLevel())).contains(GETPGID, GETPPID, FSYNC, UNLINKAT, GETDENTS64);
        // the wrapper's own site is an argument site (RAX at its entry), not unresolved
        assertThat(r.argumentSites()).anySatisfy(s -> assertThat(s.function()).isEqualTo("runtime/internal/syscall.Syscall6"));
        assertThat(r.unresolvedSites()).noneMatch(s -> s.function().equals("runtime/internal/syscall.Syscall6"));
        // Go code is covered by the pclntab: no site is taken for data decoded as code
        assertThat(r.unresolvedSites()).noneMatch(s -> s.note().contains("probably data"));
        assertThat(r.modules().getFirst().functions()).isGreaterThan(1000);
        StaticResult p = analyzer.analyze(pie);
        assertThat(p.binary().kind()).isEqualTo("dynamic-pie");
        assertThat(mainSites(p)).containsExactlyInAnyOrder("getppid", "getpgid");
        assertThat(set(p.functionLevel())).contains(GETPGID, GETPPID, FSYNC, UNLINKAT, GETDENTS64);
    }

    @Test
    void everyTracedSyscallIsInTheStaticSet() throws Exception {
        StaticResult r = analyzer.analyze(pure);
        SyscallTable t = SyscallTable.x86_64();
        Set<String> stat = Arrays.stream(r.functionLevel()).mapToObj(t::name).collect(Collectors.toSet());
        Set<String> traced = Traced.syscalls(dir, pure.toString());
        traced.remove("execve"); // the launch
        assertThat(traced).contains("getpgid", "getppid", "fsync", "getdents64");
        assertThat(stat).containsAll(traced);
    }

    @Test
    void bincompatSaysGoAndGivesGosAdvice() throws IOException {
        BinaryInfo info = BinaryAnalyzer.describe(pure);
        LoaderCompatibility.Verdict v = LoaderCompatibility.assess(info);
        assertThat(v.compatible()).isFalse();
        assertThat(v.summary()).contains("pure Go").contains("-buildmode=pie").doesNotContain("-fPIE");
        LoaderCompatibility.Verdict vp = LoaderCompatibility.assess(BinaryAnalyzer.describe(pie));
        assertThat(vp.compatible()).isTrue();
        assertThat(vp.summary()).contains("Go without cgo");
    }

    @Test
    void aarch64GoBinaryIsFollowedThroughItsStackArguments() throws IOException {
        // arm64: Syscall6 is ABI0 assembly reading the number at [sp, #8]; Syscall spills x0 to the stack
        Path arm = GoFixtures.build(dir, "gosys", "gosys-arm64", "arm64", false);
        StaticResult r = analyzer.analyze(arm);
        assertThat(r.binary().arch()).isEqualTo("aarch64");
        assertThat(mainSites(r)).containsExactlyInAnyOrder("getppid", "getpgid");
        assertThat(set(r.functionLevel())).contains(155 /* getpgid */, 173 /* getppid */, 82 /* fsync */,
                35 /* unlinkat */, 61 /* getdents64 */);
        assertThat(r.argumentSites()).anySatisfy(s -> {
            assertThat(s.function()).startsWith("runtime/internal/syscall.Syscall6");
            assertThat(s.note()).contains("stack argument 0");
        });
        // Go's handlers return through the vDSO's rt_sigreturn on arm64: counted, with where it comes from
        assertThat(r.syscalls()).filteredOn(e -> e.name().equals("rt_sigreturn")).singleElement()
                .satisfies(e -> assertThat(e.loaderRoots()).anySatisfy(l -> assertThat(l).contains("vDSO")));
    }

    @Test
    void cgoBinaryHasBothGoAndCCode() throws IOException {
        Path cgo = GoFixtures.build(dir, "gocgo", "gocgo", true);
        StaticResult r = analyzer.analyze(cgo);
        assertThat(r.binary().go()).isNotNull();
        assertThat(r.binary().cgo()).isTrue();
        assertThat(mainSites(r)).contains("getpgid");
        assertThat(set(r.functionLevel())).contains(GETPGID, GETPPID);
        assertThat(r.modules()).extracting(StaticResult.Module::path).anyMatch(m -> m.endsWith("libc.so.6"));
        assertThat(LoaderCompatibility.assess(r.binary()).summary()).contains("Go with cgo").contains("-buildmode=pie");
        assertThat(r.missingLibraries()).isEmpty();
    }
}
