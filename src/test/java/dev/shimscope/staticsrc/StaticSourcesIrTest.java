package dev.shimscope.staticsrc;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The source-level analysis on IR that clang-16 makes at test time from a fixture without a C
 * library (src/test/resources/staticsrc/nolibc.c: inline-assembly syscalls as musl writes them),
 * so the expected set is exact: a setxid-style wrapper whose number goes through a struct, a
 * syscall()-style wrapper, a callback called through a pointer, a signal handler, a function
 * registered in a linker section, and dead code, an unread table and a pointer of a type no
 * indirect call has, which must not count.
 */
class StaticSourcesIrTest {

    @TempDir
    static Path tmp;

    static Path ir;

    @BeforeAll
    static void compileFixture() throws Exception {
        assertThat(Toolchain.installed()).as("clang-16, lld-16 and llvm-16 are needed: tools/install-deps.sh test").isTrue();
        Path c = tmp.resolve("nolibc.c");
        try (var in = StaticSourcesIrTest.class.getResourceAsStream("/staticsrc/nolibc.c")) {
            Files.write(c, in.readAllBytes());
        }
        ir = tmp.resolve("nolibc.ll");
        Process p = new ProcessBuilder(Toolchain.locate().clang().toString(), "-O2", "-S", "-emit-llvm", "-ffreestanding",
                "-fno-builtin", c.toString(), "-o", ir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void findsExactlyTheSyscallsReachedCodeMakes() throws IOException {
        SourceResult r = StaticSources.analyzeFiles("nolibc", ir, null, null);
        assertThat(r.names()).containsExactly("rt_sigaction", "getpid", "exit", "uname", "getuid", "setuid", "setgid",
                "exit_group");
        // dead code (reboot, setresuid through the wrapper), a table nothing reads (sync), a pointer
        // whose type no indirect call has (getpgrp)
        assertThat(r.names()).doesNotContain("reboot", "setresuid", "sync", "getpgrp");
        assertThat(r.unresolvedSites()).isEmpty();
    }

    @Test
    void provenanceFollowsTheNumberThroughTheWrapperAndTheStruct() throws IOException {
        Map<String, SourceResult.SyscallEntry> byName = byName(StaticSources.analyzeFiles("nolibc", ir, null, null));
        SourceResult.Provenance setuid = byName.get("setuid").provenance().getFirst();
        assertThat(setuid.path()).containsExactly("main");
        assertThat(setuid.through()).containsExactly("main", "set_id", "do_request");
        assertThat(byName.get("getpid").provenance().getFirst().path()).containsExactly("main", "apply", "callback");
        assertThat(byName.get("exit").provenance().getFirst().through()).containsExactly("main", "call_number");
        // registered in a section main walks: reached through the indirect call in the loop
        assertThat(byName.get("uname").provenance().getFirst().path()).containsExactly("main", "registered");
        // the handler is a root of its own: the kernel calls it, nothing in the program does
        assertThat(byName.get("getuid").provenance().getFirst().path()).containsExactly("on_signal");
    }

    @Test
    void withoutRtSigactionNoHandlerIsARoot() throws IOException {
        // the same program with the rt_sigaction call gone: on_signal can never run
        Path noSigaction = tmp.resolve("no-sigaction.ll");
        String text = Files.readString(ir);
        String changed = text.replaceAll("(asm sideeffect \"syscall\"[^(]*\\(i64 )13,", "$1" + 14 + ",");
        assertThat(changed).isNotEqualTo(text);
        Files.writeString(noSigaction, changed);
        SourceResult r = StaticSources.analyzeFiles("no-sigaction", noSigaction, null, null);
        assertThat(r.names()).contains("rt_sigprocmask").doesNotContain("rt_sigaction", "getuid");
        assertThat(r.stats().signalHandlerRoots()).isZero();
    }

    @Test
    void rejectsTruncatedIrNamingTheFile() throws IOException {
        Path cut = tmp.resolve("cut.ll");
        String text = Files.readString(ir);
        Files.writeString(cut, text.substring(0, text.indexOf("define dso_local i32 @main") + 60));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StaticSources.analyzeFiles("cut", cut, null, null))
                .hasMessageContaining(cut.toString()).hasMessageContaining("truncated");
    }

    @Test
    void numberOperandIsTheRaxInputOrTheInputTiedToIt() {
        assertThat(SourceAnalyzer.numberOperand("={ax},{ax},{di},~{rcx},~{r11},~{memory}")).isZero();
        assertThat(SourceAnalyzer.numberOperand("={ax},{di},{ax},~{rcx}")).isEqualTo(1);
        assertThat(SourceAnalyzer.numberOperand("=r,={ax},r,1,~{memory}")).isEqualTo(1);
        assertThat(SourceAnalyzer.numberOperand("=*m,{ax}")).isEqualTo(1);
        assertThat(SourceAnalyzer.numberOperand("={di},{di}")).isEqualTo(-1);
    }

    @Test
    void structOffsetsFollowTheX8664Layout() {
        IrTypes t = new IrTypes(Map.of("struct.ctx", "{ i32, i32, i32, i32, i32 }",
                "struct.mixed", "{ i8, ptr, i16, %struct.ctx, [3 x i64] }", "struct.packed", "<{ i8, i32 }>"));
        assertThat(t.offset("%struct.ctx", List.of(3L))).isEqualTo(12);
        assertThat(t.offset("%struct.mixed", List.of(1L))).isEqualTo(8);
        assertThat(t.offset("%struct.mixed", List.of(3L, 2L))).isEqualTo(28);
        assertThat(t.offset("%struct.mixed", List.of(4L, 2L))).isEqualTo(56);
        assertThat(t.layout("%struct.mixed")).containsExactly(64, 8);
        assertThat(t.offset("%struct.packed", List.of(1L))).isEqualTo(1);
    }

    @Test
    void nativeObjectsGiveConstantAndArgumentSites() throws Exception {
        // musl's way of writing these, assembled and disassembled by the real tools
        Path s = tmp.resolve("natives.s");
        Files.writeString(s, String.join("\n",
                ".text", ".global by_argument", "by_argument:", "\tmov %rsi,%rax", "\tmov %rdx,%rdi", "\tsyscall", "\tret",
                ".global by_constant", "by_constant:", "\txor %eax,%eax", "\tmov $56,%al", "\tsyscall",
                "\ttest %eax,%eax", "\tjnz 1f", "\tcall *%r9", "\tmov $60,%eax", "\tsyscall", "1:\tret",
                ".global clobbered", "clobbered:", "\tmov (%rdi),%eax", "\tsyscall", "\tjmp by_constant", ""));
        Toolchain tc = Toolchain.locate();
        Path o = tmp.resolve("natives.o");
        run(tc.clang().toString(), "-c", s.toString(), "-o", o.toString());
        String dump = run(tc.llvmObjdump().toString(), "-d", "-r", "--no-show-raw-insn", o.toString());
        NativeCode code = NativeCode.parse(dump, null);
        NativeCode.Function byArgument = code.functions.get("by_argument");
        assertThat(byArgument.sites()).singleElement().satisfies(site -> assertThat(site.argument()).isEqualTo(1));
        assertThat(code.functions.get("by_constant").sites()).extracting(NativeCode.Site::number)
                .containsExactly(56L, 60L);
        assertThat(code.functions.get("by_constant").callsThroughRegister()).isTrue();
        NativeCode.Function clobbered = code.functions.get("clobbered");
        assertThat(clobbered.sites()).singleElement().satisfies(site -> assertThat(site.number()).isNull());
        assertThat(clobbered.references()).contains("by_constant");
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    private static Map<String, SourceResult.SyscallEntry> byName(SourceResult r) {
        return r.syscalls().stream().collect(Collectors.toMap(SourceResult.SyscallEntry::name, e -> e));
    }

    static List<Integer> numbers(SourceResult r) {
        return Arrays.stream(r.numbers()).boxed().toList();
    }
}
