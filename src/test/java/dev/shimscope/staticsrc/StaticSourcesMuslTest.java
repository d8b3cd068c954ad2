package dev.shimscope.staticsrc;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The whole pipeline on a fixture linked against musl: Debian's musl source fetched with
 * {@code apt-get source} and built with clang -flto into this test's own directory (about a
 * minute on two cores: tagged slow, left out with {@code -Dshimscope.excludedGroups=slow}), the
 * fixture (src/test/resources/staticsrc/wrappers.c) linked with lld's emit-llvm, and the exact
 * set musl makes for it. Also the errors: a source package Debian does not have, a build that
 * fails under clang.
 */
@Tag("slow")
class StaticSourcesMuslTest {

    @TempDir
    static Path tmp;

    static SourceBuild builder;
    static SourceResult result;
    static final ByteArrayOutputStream progress = new ByteArrayOutputStream();

    @BeforeAll
    static void buildFixture() throws Exception {
        assertThat(Toolchain.installed()).as("clang-16, lld-16 and llvm-16 are needed: tools/install-deps.sh test").isTrue();
        builder = new SourceBuild(tmp.resolve("cache"), Toolchain.locate(), new java.io.PrintWriter(new java.io.OutputStreamWriter(progress, StandardCharsets.UTF_8), true), 2);
        Path c = tmp.resolve("wrappers.c");
        try (var in = StaticSourcesMuslTest.class.getResourceAsStream("/staticsrc/wrappers.c")) {
            Files.write(c, in.readAllBytes());
        }
        Path out = tmp.resolve("out");
        builder.compileProgram(c, out, "wrappers", List.of("-O2"));
        result = StaticSources.analyzeFiles("wrappers", out.resolve("wrappers.ll"), out.resolve("wrappers.native.txt"),
                out.resolve("wrappers.inputs"));
    }

    @Test
    void findsExactlyWhatMuslDoesForTheFixture() {
        assertThat(result.names()).containsExactlyInAnyOrder(
                // start-up: __init_libc (poll/open for fds 0-2 of a set-id program), TLS (arch_prctl)
                "open", "poll", "arch_prctl", "set_tid_address",
                // pthread_create: stack (mmap/mprotect/munmap), signals masked, clone, futex, scheduling
                "mmap", "mprotect", "munmap", "rt_sigprocmask", "clone", "futex", "sched_setscheduler",
                // the thread's exit (set_robust_list, exit) and join's timed wait (clock_gettime, gettimeofday fallback)
                "set_robust_list", "exit", "clock_gettime", "gettimeofday",
                // signal(): rt_sigaction with __restore_rt's rt_sigreturn
                "rt_sigaction", "rt_sigreturn",
                // setgid/setuid: __synccall's broadcast (gettid, tkill, getpid/kill on failure) and the two numbers
                "gettid", "tkill", "getpid", "kill", "setgid", "setuid",
                // syscall(SYS_sched_yield), the callback's getppid, the thread's umask, the handler's getuid
                "sched_yield", "getppid", "umask", "getuid",
                // _exit and exit
                "exit_group",
                // implied by futex: the kernel restarts an interrupted wait with restart_syscall
                "restart_syscall");
    }

    @Test
    void wrapperNumbersComeFromTheirCallersOnly() {
        Map<String, SourceResult.SyscallEntry> byName = result.syscalls().stream()
                .collect(Collectors.toMap(SourceResult.SyscallEntry::name, e -> e));
        // __setxid is called with SYS_setuid and SYS_setgid only: no setresuid, setreuid, setgroups ...
        assertThat(result.names()).doesNotContain("setresuid", "setreuid", "setresgid", "setregid", "setgroups");
        SourceResult.Provenance setuid = byName.get("setuid").provenance().getFirst();
        assertThat(setuid.path()).endsWith("setuid");
        assertThat(setuid.through()).containsSubsequence("setuid", "__setxid", "do_setxid");
        // dead code and a pointer whose type no indirect call has
        assertThat(result.names()).doesNotContain("sync", "reboot", "getpgrp");
        // the callback is reached through apply's indirect call, the thread through __clone
        assertThat(byName.get("getppid").provenance().getFirst().path()).containsSubsequence("apply", "report_parent");
        assertThat(byName.get("umask").provenance().getFirst().path()).contains("thread_main");
        assertThat(result.undefinedFunctions()).isEmpty();
    }

    @Test
    void aSourcePackageDebianDoesNotHaveIsAnError() {
        Recipe none = Recipe.parse("nosuch", "#!/bin/bash\n# source: shimscope-no-such-source-package\n# program: x\ntrue\n");
        assertThatThrownBy(() -> builder.build(none)).isInstanceOf(SourceBuild.NoSourceException.class)
                .hasMessageContaining("Debian has no source package 'shimscope-no-such-source-package'");
    }

    @Test
    void aBuildThatFailsUnderClangNamesItsLogAndKeepsItsTail() throws Exception {
        // musl's source is there already; the recipe compiles a file with a C error
        Recipe broken = Recipe.parse("broken", "#!/bin/bash\n# source: musl\n# program: broken\n"
                + "printf 'int main(void) { return undeclared; }\\n' > broken.c\ncc -c broken.c -o broken.o\n");
        assertThatThrownBy(() -> builder.build(broken))
                .isInstanceOfSatisfying(SourceBuild.BuildException.class, e -> {
                    assertThat(e.getMessage()).contains("the build of broken under clang failed (exit 1)")
                            .contains("the log is kept at " + tmp.resolve("cache/logs"));
                    assertThat(String.join("\n", e.tail())).contains("use of undeclared identifier 'undeclared'");
                });
        assertThat(tmp.resolve("cache/ir/broken")).doesNotExist();
    }
}
