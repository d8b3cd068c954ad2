package dev.shimscope.staticbin;

import dev.shimscope.testing.Cli;
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
 * aarch64 binaries cross-compiled at test time with Debian's gcc-aarch64-linux-gnu from
 * src/test/c/arm64_sites.c: a static one (no sysroot needed) and a dynamic PIE analysed with the
 * cross libc in /usr/aarch64-linux-gnu as its sysroot; numbers from the generic syscall table.
 */
class Arm64AnalysisTest {

    /** The numbers arm64_sites.c makes itself (own sites, aarch64 numbering), and its dead one. */
    static final Set<Integer> OWN = Set.of(124, 173, 174, 176, 177, 178, 425);
    static final int GETPID = 172, WRITE = 64, DEAD = 425;
    static final Path CROSS_ROOT = Path.of("/usr/aarch64-linux-gnu");

    @TempDir
    static Path dir;

    static BinaryAnalyzer analyzer;
    static Path staticBin;
    static Path dynamicBin;

    @BeforeAll
    static void build() throws Exception {
        analyzer = new BinaryAnalyzer(LibraryResolver.system(), new ModelCache(dir.resolve("cache")), 2);
        staticBin = dir.resolve("arm64_sites-static");
        dynamicBin = dir.resolve("arm64_sites");
        String src = Fixtures.SOURCES.resolve("arm64_sites.c").toString();
        run("aarch64-linux-gnu-gcc", "-O1", "-static", "-o", staticBin.toString(), src);
        run("aarch64-linux-gnu-gcc", "-O1", "-o", dynamicBin.toString(), src);
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0)
                .as("%s (apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross)%n%s", cmd[0], out).isTrue();
    }

    static Set<Integer> set(int[] a) {
        return Arrays.stream(a).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<Integer> ownOf(StaticResult r, String function) {
        return r.syscalls().stream().filter(e -> e.ownSites().stream().anyMatch(s -> s.contains(" " + function + " ")))
                .map(StaticResult.SyscallEntry::number).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void staticBinaryNeedsNoSysroot() throws IOException {
        StaticResult r = analyzer.analyze(staticBin);
        assertThat(r.binary().arch()).isEqualTo("aarch64");
        assertThat(r.binary().kind()).isEqualTo("static");
        assertThat(r.modules()).hasSize(1);
        assertThat(ownOf(r, "main")).containsExactlyInAnyOrder(173, 177, 178, 124);
        assertThat(ownOf(r, "uid_or_gid")).containsExactlyInAnyOrder(174, 176);
        assertThat(set(r.functionLevel())).containsAll(Set.of(124, 173, 174, 176, 177, 178, GETPID, WRITE));
        assertThat(set(r.allSites())).contains(DEAD);
        assertThat(set(r.functionLevel())).doesNotContain(DEAD);
        assertThat(r.syscallTable()).contains("aarch64");
        assertThat(r.argumentSites()).anySatisfy(s -> {
            assertThat(s.function()).isEqualTo("my_syscall0");
            assertThat(s.kind()).isEqualTo("svc #0");
        });
    }

    @Test
    void dynamicBinaryTakesItsLibrariesFromTheSysroot() throws IOException {
        StaticResult r = analyzer.analyze(dynamicBin, new BinaryAnalyzer.Options(List.of(), true, CROSS_ROOT));
        assertThat(r.missingLibraries()).isEmpty();
        assertThat(r.modules()).extracting(StaticResult.Module::role).containsExactly("executable", "library", "interpreter");
        assertThat(r.modules()).allSatisfy(m -> assertThat(m.path()).startsWith(m.role().equals("executable")
                ? dir.toString() : CROSS_ROOT.toString()));
        // the executable counts whole: its own sites are exactly the fixture's
        Set<Integer> own = r.syscalls().stream().filter(e -> !e.ownSites().isEmpty())
                .map(StaticResult.SyscallEntry::number).collect(Collectors.toCollection(TreeSet::new));
        assertThat(own).isEqualTo(OWN);
        assertThat(r.imports()).anySatisfy(i -> {
            assertThat(i.symbol()).isEqualTo("getpid");
            assertThat(i.library()).isEqualTo("libc.so.6");
            assertThat(i.syscalls()).contains("getpid");
        });
        assertThat(r.syscalls()).filteredOn(e -> e.number() == 178).singleElement()
                .satisfies(e -> assertThat(e.ownSites()).singleElement().asString().contains("call to wrapper"));
        // libc's syscall() takes its number in x0
        assertThat(r.argumentSites()).anySatisfy(s -> {
            assertThat(s.function()).isEqualTo("syscall");
            assertThat(s.module()).endsWith("libc.so.6");
        });
        assertThat(r.traceNotes()).anySatisfy(n -> assertThat(n).contains("vDSO"));
    }

    @Test
    void dynamicBinaryWithoutSysrootOrWithABadOneIsRefused() {
        assertThatThrownBy(() -> analyzer.analyze(dynamicBin))
                .hasMessageContaining(dynamicBin + " is a dynamically linked aarch64 ELF").hasMessageContaining("--sysroot");
        assertThatThrownBy(() -> analyzer.analyze(dynamicBin, new BinaryAnalyzer.Options(List.of(), true, dir.resolve("none"))))
                .hasMessageContaining("--sysroot " + dir.resolve("none") + " is not a directory");
        Cli.Outcome o = Cli.run("static", dynamicBin.toString());
        assertThat(o.status()).isEqualTo(1);
        assertThat(o.err().lines()).hasSize(1);
        assertThat(o.out()).isEmpty();
        Path csv = dir.resolve("never.csv");
        Cli.Outcome bad = Cli.run("static", "--sysroot", dir.resolve("none").toString(), "--csv", csv.toString(),
                dynamicBin.toString());
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).contains("is not a directory");
        assertThat(csv).doesNotExist();
    }

    @Test
    void bincompatAndCsvUseTheAarch64Table() throws IOException {
        Cli.Outcome o = Cli.run("static", "--bincompat", staticBin.toString());
        assertThat(o.status()).as(o.err()).isZero();
        assertThat(o.out()).contains("arch:         aarch64").contains("incompatible: not position independent")
                .contains("syscalls it would need").contains("getppid");
        Path csv = dir.resolve("arm64.csv");
        Cli.Outcome c = Cli.run("static", "--sysroot", CROSS_ROOT.toString(), "--csv", csv.toString(), dynamicBin.toString());
        assertThat(c.status()).as(c.err()).isZero();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).contains("173,Y", "425,Y", "172,Y");
        assertThat(lines.size()).isEqualTo(dev.shimscope.syscall.SyscallTable.of(dev.shimscope.syscall.Arch.AARCH64).maxNumber() + 2);
        Cli.Outcome pie = Cli.run("static", "--bincompat", "--sysroot", CROSS_ROOT.toString(), dynamicBin.toString());
        assertThat(pie.out()).contains("compatible: dynamic PIE").contains("aarch64 loader");
    }

    @Test
    void sysrootPathsFollowAbsoluteLinksInsideTheRoot() throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path real = Files.createDirectories(root.resolve("lib/aarch64-linux-gnu")).resolve("ld-linux-aarch64.so.1");
        Files.writeString(real, "x");
        Files.createSymbolicLink(root.resolve("lib/ld-linux-aarch64.so.1"), Path.of("/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1"));
        Files.createSymbolicLink(root.resolve("lib64"), Path.of("lib"));
        assertThat(LibraryResolver.inRoot(root, "/lib/ld-linux-aarch64.so.1")).isEqualTo(real);
        assertThat(LibraryResolver.inRoot(root, "/lib64/aarch64-linux-gnu/../aarch64-linux-gnu/ld-linux-aarch64.so.1"))
                .isEqualTo(real);
    }
}
