package dev.shimscope.trace;

import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.syscall.SyscallTable;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parser on crafted lines in the format of {@code strace -f -qq -n -X raw -e
 * raw=!execve,execveat,open,openat,openat2,creat,clone3} (copied from real traces of strace 6.1
 * and edited), so that each rule is exercised on its own.
 */
class StraceParserTest {

    private static final SyscallTable TABLE = SyscallTable.x86_64();

    private static TraceResult parse(String... lines) {
        StraceParser p = new StraceParser(TABLE, Set.of(Sandbox.LOADER), Sandbox.REAL_DIR + "/");
        for (String line : lines) {
            p.accept(line);
        }
        return p.result();
    }

    private static TraceResult.SyscallUse use(TraceResult t, String name) {
        return t.use(TABLE.require(name).number()).orElseThrow(() -> new AssertionError(name + " not in the trace"));
    }

    private static final String EXEC_TRUE = "100   [  59] execve(\"/usr/bin/true\", [\"true\"], 0x7ffe8bc50400 /* 7 vars */) = 0";

    @Test
    void completeLinesAreCountedWithTheirExecutable() {
        TraceResult t = parse(EXEC_TRUE,
                "100   [  12] brk(0)                     = 0x55d0a7e5c000",
                "100   [   0] read(0x3, 0x7ffd3c2d8e18, 0x340) = 0x340",
                "100   [   0] read(0x3, 0x7ffd3c2d8e18, 0x340) = 0",
                "100   [ 231] exit_group(0)              = ?");
        assertThat(use(t, "read").calls()).isEqualTo(2);
        assertThat(use(t, "read").failures()).isZero();
        assertThat(use(t, "brk").executables()).containsExactly("/usr/bin/true");
        assertThat(use(t, "exit_group").calls()).isEqualTo(1);
        assertThat(use(t, "execve").executables()).containsExactly("/usr/bin/true");
        assertThat(t.executables()).containsExactly("/usr/bin/true");
        assertThat(t.launchExecutable()).isEqualTo("/usr/bin/true");
        assertThat(t.lines()).isEqualTo(5);
        assertThat(t.unparsed()).isEmpty();
        assertThat(t.processes()).isEqualTo(1);
    }

    @Test
    void failuresAreCountedByErrnoName() {
        TraceResult t = parse(EXEC_TRUE,
                "100   [  21] access(0x7fa4e73812a0, 0x4) = -1 ENOENT (No such file or directory)",
                "100   [  21] access(0x7fa4e73812a0, 0x4) = -1 EACCES (Permission denied)",
                "100   [  21] access(0x7fa4e73812a0, 0x4) = -1 ENOENT (No such file or directory)",
                "100   [  21] access(0x7fa4e73812a0, 0x4) = 0");
        TraceResult.SyscallUse access = use(t, "access");
        assertThat(access.calls()).isEqualTo(4);
        assertThat(access.failures()).isEqualTo(3);
        assertThat(access.errors()).isEqualTo(Map.of("EACCES", 1L, "ENOENT", 2L));
    }

    @Test
    void unfinishedAndResumedCountOnceAtEntry() {
        TraceResult t = parse(EXEC_TRUE,
                "100   [ 202] futex(0x10a53ce0, 0x189, 0, 0, 0, 0xffffffff <unfinished ...>",
                "101   [ 334] rseq(0x7fa4e6d77fe0, 0x20, 0, 0x53053053 <unfinished ...>",
                "100   [ 202] <... futex resumed>)       = 0",
                "101   [ 334] <... rseq resumed>)        = 0",
                "100   [ 257] openat(-100, \"/etc/hosts\", 0x80000 <unfinished ...>",
                "101   [  39] getpid()                   = 0x65",
                "100   [ 257] <... openat resumed>)      = -1 ENOENT (No such file or directory)");
        assertThat(use(t, "futex").calls()).isEqualTo(1);
        assertThat(use(t, "futex").unfinished()).as("returned in the end").isZero();
        assertThat(use(t, "rseq").calls()).isEqualTo(1);
        TraceResult.SyscallUse openat = use(t, "openat");
        assertThat(openat.calls()).isEqualTo(1);
        assertThat(openat.failures()).isEqualTo(1);
        assertThat(t.paths()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("/etc/hosts");
            assertThat(p.opened()).isZero();
            assertThat(p.failed()).isEqualTo(1);
        });
        assertThat(t.unparsed()).isEmpty();
    }

    @Test
    void callsThatNeverReturnedStillCount() {
        // a server killed while blocked: strace either printed the entry as unfinished, or was
        // killed itself in the middle of the line (the namespace dies at once)
        TraceResult t = parse(EXEC_TRUE,
                "100   [ 232] epoll_wait(0x3, 0x7ffd, 0x400, 0xffffffff <unfinished ...>",
                "101   [ 130] rt_sigsuspend(0x7ffc7c3c6f30, 0x8 <unfinished ...>",
                "102   [ 230] clock_nanosleep(0, 0, 0x7ffde21d8ed0, 0x7ffde21d8f10");
        assertThat(use(t, "epoll_wait").calls()).isEqualTo(1);
        assertThat(use(t, "epoll_wait").unfinished()).isEqualTo(1);
        assertThat(use(t, "rt_sigsuspend").calls()).isEqualTo(1);
        assertThat(use(t, "clock_nanosleep").calls()).isEqualTo(1);
        assertThat(use(t, "clock_nanosleep").unfinished()).isEqualTo(1);
        assertThat(t.unparsed()).isEmpty();
    }

    @Test
    void signalAndExitLinesAreNotCalls() {
        TraceResult t = parse(EXEC_TRUE,
                "100   [  61] --- SIGCHLD {si_signo=17, si_code=0x1, si_pid=4028, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---",
                "100   --- SIGCHLD {si_signo=17, si_code=0x1, si_pid=4029, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---",
                "100   [ 130] --- SIGTERM {si_signo=15, si_code=0, si_pid=1, si_uid=0} ---",
                "101   [  13] +++ killed by SIGKILL +++",
                "102   [ 231] +++ exited with 0 +++",
                "103   +++ exited with 1 +++");
        assertThat(t.signals()).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of("SIGCHLD", 2L, "SIGTERM", 1L)));
        assertThat(t.usedNumbers()).containsExactly(59);
        assertThat(t.unparsed()).isEmpty();
    }

    @Test
    void unknownNamesCountByTheirNumber() {
        TraceResult t = parse(EXEC_TRUE,
                "100   [ 454] syscall_0x1c6(0, 0, 0, 0, 0x7f33568b16d0, 0x1) = -1 EINVAL (Invalid argument)",
                "100   [ 500] syscall_0x1f4(0x1, 0x2, 0x7f33567b8829, 0x1, 0x1, 0x1) = -1 ENOSYS (Function not implemented)",
                "100   [ 462] syscall_0x1ce(0, 0, 0, 0x7f33568b16d0, 0x1, 0x1 <unfinished ...>",
                "100   [ 462] <... syscall_0x1ce resumed>) = 0");
        assertThat(use(t, "futex_wake").calls()).isEqualTo(1); // strace 6.1 does not know 454, we do
        assertThat(use(t, "futex_wake").errors()).containsKey("EINVAL");
        assertThat(t.use(500)).get().satisfies(u -> {
            assertThat(u.name()).isEqualTo("syscall_500");
            assertThat(u.failures()).isEqualTo(1);
        });
        assertThat(use(t, "mseal").calls()).isEqualTo(1);
        // without -n the name alone carries the number
        TraceResult plain = parse("7 syscall_0x1c6(0, 0, 0) = -1 EINVAL (Invalid argument)");
        assertThat(plain.usedNumbers()).containsExactly(454);
    }

    @Test
    void childrenBelongToTheirParentsExecutableUntilTheyExec() {
        TraceResult t = parse(
                "100   [  59] execve(\"/usr/bin/sh\", [\"sh\", \"-c\", \"true; ls\"], 0x7ffc /* 7 vars */) = 0",
                // clone returns the child's pid in hex (raw); the child's lines may come first
                "100   [  56] clone(0x1200011, 0, 0, 0x7f0d7a5d8a10, 0 <unfinished ...>",
                "101   [  13] rt_sigaction(0x2, 0x7ffd, 0, 0x8) = 0",
                "100   [  56] <... clone resumed>)       = 0x65",
                "101   [  59] execve(\"/usr/bin/true\", [\"true\"], 0x55 /* 7 vars */) = 0",
                "101   [  12] brk(0)                     = 0x55d0a7e5c000",
                // vfork, hex return, then exec
                "100   [  58] vfork( <unfinished ...>",
                "102   [  59] execve(\"/usr/bin/ls\", [\"ls\"], 0x55 /* 7 vars */ <unfinished ...>",
                "100   [  58] <... vfork resumed>)       = 0x66",
                "102   [  59] <... execve resumed>)      = 0",
                "102   [  16] ioctl(0x1, 0x5401, 0x7ffd) = -1 ENOTTY (Inappropriate ioctl for device)",
                // clone3 (decoded, decimal return): posix_spawn's child runs sh's code until it execs
                "100   [ 435] clone3({flags=0x4100, exit_signal=17, stack=0x7f58, stack_size=0x9000}, 88 <unfinished ...>",
                "103   [  14] rt_sigprocmask(0x2, 0x7ffd, 0, 0x8) = 0",
                "103   [  59] execve(\"/usr/bin/cat\", [\"cat\"], 0x7ffd /* 7 vars */ <unfinished ...>",
                "100   [ 435] <... clone3 resumed>)      = 103",
                "103   [  59] <... execve resumed>)      = 0",
                "103   [   0] read(0, 0x7ffd, 0x20000)   = 0",
                // clone3 with its return in hex (as with -e raw=all)
                "100   [ 435] clone3({flags=0x4100, exit_signal=17, stack=0x7f58, stack_size=0x9000}, 88) = 0x69",
                "105   [  59] execve(\"/usr/bin/env\", [\"env\"], 0x7ffd /* 7 vars */) = 0",
                "105   [  79] getcwd(0x7ffd, 0x1000)     = 0x2",
                // a failed exec changes nothing
                "100   [  56] clone(0x1200011, 0, 0, 0x7f0d7a5d8a10, 0) = 0x68",
                "104   [  59] execve(\"/nonexistent\", [\"x\"], 0x55 /* 7 vars */) = -1 ENOENT (No such file or directory)",
                "104   [  62] kill(0x64, 0xf)            = 0",
                "100   [  61] wait4(0xffffffff, 0x7ffd, 0, 0) = 0x65");
        assertThat(use(t, "rt_sigaction").executables()).containsExactly("/usr/bin/sh");
        assertThat(use(t, "brk").executables()).containsExactly("/usr/bin/true");
        assertThat(use(t, "ioctl").executables()).containsExactly("/usr/bin/ls");
        assertThat(use(t, "read").executables()).containsExactly("/usr/bin/cat");
        assertThat(use(t, "rt_sigprocmask").executables()).containsExactly("/usr/bin/sh");
        assertThat(use(t, "kill").executables()).containsExactly("/usr/bin/sh");
        assertThat(use(t, "wait4").executables()).containsExactly("/usr/bin/sh");
        assertThat(use(t, "getcwd").executables()).containsExactly("/usr/bin/env");
        assertThat(use(t, "execve").calls()).isEqualTo(6);
        assertThat(use(t, "execve").failures()).isEqualTo(1);
        assertThat(t.executables()).containsExactlyInAnyOrder("/usr/bin/sh", "/usr/bin/true", "/usr/bin/ls", "/usr/bin/cat",
                "/usr/bin/env");
        assertThat(t.launchExecutable()).isEqualTo("/usr/bin/sh");
        assertThat(t.processes()).isEqualTo(6);
        assertThat(t.processesByExecutable()).containsEntry("/usr/bin/sh", 6L).containsEntry("/usr/bin/ls", 1L);
    }

    @Test
    void threadsBelongToTheirProcessAndAThreadsExecMovesToTheLeader() {
        TraceResult t = parse(
                "200   [  59] execve(\"/usr/bin/python3\", [\"python3\"], 0x7ffe /* 7 vars */) = 0",
                "200   [ 435] clone3({flags=0x3d0f00, child_tid=0x7fa4, parent_tid=0x7fa4, exit_signal=0, stack=0x7fa4,"
                        + " stack_size=0x7fff80, tls=0x7fa4} => {parent_tid=[201]}, 88) = 201",
                "201   [ 334] rseq(0x7fa4e6d77fe0, 0x20, 0, 0x53053053) = 0",
                // the thread execs: strace reports the exec under the leader's pid
                "201   [  59] execve(\"/usr/bin/true\", [\"true\"], 0x7ffe /* 7 vars */ <unfinished ...>",
                "200   [  34] <... pause resumed>)       = ?",
                "200   [  59] +++ superseded by execve in pid 201 +++",
                "200   [  59] <... execve resumed>)      = 0",
                "200   [  12] brk(0)                     = 0x55d0a7e5c000");
        assertThat(use(t, "rseq").executables()).containsExactly("/usr/bin/python3");
        assertThat(use(t, "clone3").args()).containsEntry("flags", new java.util.TreeMap<>(Map.of(
                "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|"
                        + "CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID", 1L)));
        assertThat(use(t, "brk").executables()).containsExactly("/usr/bin/true");
        assertThat(use(t, "execve").unfinished()).isZero();
        assertThat(t.executables()).containsExactlyInAnyOrder("/usr/bin/python3", "/usr/bin/true");
        assertThat(t.unparsed()).isEmpty();
    }

    @Test
    void pathsOfOpenCallsWithSuccessAndFailure() {
        TraceResult t = parse(EXEC_TRUE,
                "100   [ 257] openat(-100, \"/etc/ld.so.cache\", 0x80000) = 0x3",
                "100   [ 257] openat(-100, \"/etc/ld.so.cache\", 0x80000) = 3",
                "100   [ 257] openat(0x5, \"data/a \\\"quoted\\\" name\", 0) = -1 ENOENT (No such file or directory)",
                "100   [   2] open(\"/etc/passwd\", 0)   = 3",
                "100   [  85] creat(\"/tmp/new\", 0644)  = -1 EROFS (Read-only file system)",
                "100   [ 437] openat2(-100, \"/etc/hosts\", {flags=0x80000, mode=0, resolve=0}, 24) = 3");
        Map<String, long[]> paths = new java.util.TreeMap<>();
        t.paths().forEach(p -> paths.put(p.path(), new long[] {p.opened(), p.failed()}));
        assertThat(paths).containsOnlyKeys("/etc/ld.so.cache", "data/a \"quoted\" name", "/etc/passwd", "/tmp/new", "/etc/hosts");
        assertThat(paths.get("/etc/ld.so.cache")).containsExactly(2, 0);
        assertThat(paths.get("data/a \"quoted\" name")).containsExactly(0, 1);
        assertThat(paths.get("/tmp/new")).containsExactly(0, 1);
        assertThat(paths.get("/etc/hosts")).containsExactly(1, 0);
        assertThat(t.paths().getFirst().executables()).containsExactly("/usr/bin/true");
    }

    @Test
    void argumentsOfMultiplexedCallsAreDecoded() {
        TraceResult t = parse(EXEC_TRUE,
                "100   [  16] ioctl(0x1, 0x5401, 0x7ffd) = -1 ENOTTY (Inappropriate ioctl for device)",
                "100   [  16] ioctl(0x3, 0x5421, 0x7ffd) = 0",
                "100   [  72] fcntl(0x3, 0x1, 0)         = 0x1",
                "100   [  72] fcntl(0, 0x406, 0x3)       = 0x4",
                "100   [  41] socket(0x2, 0x80001, 0)    = 0x3",
                "100   [  41] socket(0xa, 0x802, 0)      = 0x4",
                "100   [ 202] futex(0x10a53ce0, 0x189, 0, 0, 0, 0xffffffff) = 0",
                "100   [ 202] futex(0x10a53ce0, 0x81, 0x1, 0, 0, 0) = 0x1",
                "100   [ 202] futex(0x10a53ce0, 0x81, 0x1, 0, 0, 0) = 0",
                "100   [ 157] prctl(0x8, 0x1, 0, 0, 0)   = 0",
                "100   [  54] setsockopt(0x3, 0x1, 0x2, 0x7ffd, 0x4) = 0",
                "100   [  54] setsockopt(0x3, 0x6, 0x1, 0x7ffd, 0x4) = 0",
                "100   [  56] clone(0x1200011, 0, 0, 0x7f0d7a5d8a10, 0) = 0x65",
                "100   [ 435] clone3({flags=0x3d0f00, exit_signal=0, stack=0x7fa4}, 88) = 102",
                "100   [ 302] prlimit64(0, 0x7, 0, 0x7ffd) = 0",
                "100   [ 228] clock_gettime(0x1, 0x7ffd) = 0",
                "100   [  13] rt_sigaction(0xf, 0x7ffd, 0, 0x8) = 0",
                "100   [   9] mmap(0, 0x1000, 0x3, 0x22, 0xffffffff, 0) = 0x7f00");
        assertThat(use(t, "ioctl").args().get("request")).containsOnlyKeys("TCGETS", "FIONBIO");
        assertThat(use(t, "fcntl").args().get("cmd")).containsOnlyKeys("F_GETFD", "F_DUPFD_CLOEXEC");
        assertThat(use(t, "socket").args().get("domain")).containsOnlyKeys("AF_INET", "AF_INET6");
        assertThat(use(t, "socket").args().get("type")).containsOnlyKeys("SOCK_STREAM|SOCK_CLOEXEC", "SOCK_DGRAM|SOCK_NONBLOCK");
        assertThat(use(t, "futex").args().get("op")).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
                "FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME", 1L, "FUTEX_WAKE_PRIVATE", 2L)));
        assertThat(use(t, "prctl").args().get("option")).containsOnlyKeys("PR_SET_KEEPCAPS");
        assertThat(use(t, "setsockopt").args().get("option")).containsOnlyKeys("SOL_SOCKET:SO_REUSEADDR", "SOL_TCP:TCP_NODELAY");
        assertThat(use(t, "clone").args().get("flags")).containsOnlyKeys("CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD");
        assertThat(use(t, "clone3").args().get("flags")).containsOnlyKeys(
                "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|"
                        + "CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID");
        assertThat(use(t, "prlimit64").args().get("resource")).containsOnlyKeys("RLIMIT_NOFILE");
        assertThat(use(t, "clock_gettime").args().get("clock")).containsOnlyKeys("CLOCK_MONOTONIC");
        assertThat(use(t, "rt_sigaction").args().get("signal")).containsOnlyKeys("SIGTERM");
        assertThat(use(t, "mmap").args().get("prot")).containsOnlyKeys("PROT_READ|PROT_WRITE");
        assertThat(use(t, "mmap").args().get("flags")).containsOnlyKeys("MAP_PRIVATE|MAP_ANONYMOUS");
    }

    @Test
    void theExecLoaderIsLeftOut() {
        // strace -- seccomp-exec FILTER /usr/bin/prog prog: perl's own calls are not the program's
        TraceResult t = parse(
                "300   [  59] execve(\"/run/shimscope/seccomp-exec\", [\"/run/shimscope/seccomp-exec\","
                        + " \"/run/shimscope/filter.bpf\", \"/usr/bin/prog\", \"prog\"], 0x7ffd /* 7 vars */) = 0",
                "300   [ 257] openat(-100, \"/usr/lib/x86_64-linux-gnu/perl-base/strict.pm\", 0x80000) = 3",
                "300   [ 157] prctl(0x26, 0x1, 0, 0, 0)  = 0",
                "300   [ 317] seccomp(0x1, 0, 0x55d0)    = 0",
                "300   [  59] execve(\"/usr/bin/prog\", [\"prog\"], 0x7ffd /* 7 vars */) = 0",
                "300   [  63] uname(0x7ffd)              = -1 ENOSYS (Function not implemented)",
                "300   [  56] clone(0x1200011, 0, 0, 0x7f0d, 0) = 0x12d",
                "301   [  39] getpid()                   = 0x12d");
        assertThat(t.executables()).containsExactly("/usr/bin/prog");
        assertThat(t.usedNumbers()).doesNotContain(317, 157, 257);
        assertThat(use(t, "uname").executables()).containsExactly("/usr/bin/prog");
        assertThat(use(t, "getpid").executables()).containsExactly("/usr/bin/prog");
        assertThat(t.paths()).isEmpty();
        assertThat(t.launchExecutable()).isEqualTo("/usr/bin/prog");
    }

    @Test
    void aBinaryFilteredOnItsOwnIsNamedByItsWrappersPath() {
        // /usr/bin/redis-server (a symlink to redis-check-rdb) is covered by the generated wrapper,
        // which loads the filter and execs the real file mounted under /run/shimscope/real
        TraceResult t = parse(
                "400   [  59] execve(\"/usr/bin/sh\", [\"sh\", \"-c\", \"redis-server\"], 0x7ffd /* 7 vars */) = 0",
                "400   [  56] clone(0x1200011, 0, 0, 0x7f0d, 0) = 0x191",
                "401   [  59] execve(\"/usr/bin/redis-server\", [\"redis-server\"], 0x7ffd /* 7 vars */) = 0",
                "401   [ 317] seccomp(0x1, 0, 0x55d0)    = 0",
                "401   [  59] execve(\"/run/shimscope/real/redis-check-rdb\", [\"/usr/bin/redis-server\"], 0x7ffd /* 7 vars */) = 0",
                "401   [ 302] prlimit64(0, 0x7, 0, 0x7ffd) = 0",
                "401   [ 435] clone3({flags=0x3d0f00, exit_signal=0, stack=0x7fa4}, 88) = 402",
                "402   [ 232] epoll_wait(0x5, 0x7f, 0x400, 0x64 <unfinished ...>",
                "400   [  61] wait4(0xffffffff, 0x7ffd, 0, 0) = 0x191");
        assertThat(t.executables()).containsExactlyInAnyOrder("/usr/bin/sh", "/usr/bin/redis-server");
        assertThat(use(t, "prlimit64").executables()).containsExactly("/usr/bin/redis-server");
        assertThat(use(t, "epoll_wait").executables()).containsExactly("/usr/bin/redis-server");
        assertThat(t.usedNumbers()).doesNotContain(317);
        assertThat(use(t, "execve").executables()).containsExactly("/usr/bin/sh");
    }

    @Test
    void aTraceNarrowedToOneBinaryKeepsWhatRanUnderIt() {
        // the filter the wrapper installs holds in the binary's children and in what they exec
        // (sqlite3's shell runs commands through /bin/sh): those calls are the binary's needs too
        TraceResult t = parse(
                "500   [  59] execve(\"/usr/bin/tclsh\", [\"tclsh\"], 0x7ffd /* 7 vars */) = 0",
                "500   [  56] clone(0x1200011, 0, 0, 0x7f0d, 0) = 0x1f5",
                "501   [  59] execve(\"/usr/bin/sqlite3\", [\"sqlite3\"], 0x7ffd /* 7 vars */) = 0",
                "501   [ 317] seccomp(0x1, 0, 0x55d0)    = 0",
                "501   [  59] execve(\"/run/shimscope/real/sqlite3\", [\"/usr/bin/sqlite3\"], 0x7ffd /* 7 vars */) = 0",
                "501   [   0] read(0, 0x7ffd, 0x1000)    = 0x10",
                "501   [  56] clone(0x1200011, 0, 0, 0x7f0d, 0) = 0x1f6",
                "502   [  59] execve(\"/bin/sh\", [\"sh\", \"-c\", \"cat x\"], 0x7ffd /* 7 vars */) = 0",
                "502   [  33] dup2(0x3, 0x1)             = 0x1",
                "502   [  59] execve(\"/usr/bin/cat\", [\"cat\", \"x\"], 0x7ffd /* 7 vars */) = 0",
                "502   [  40] sendfile(0x1, 0x3, 0, 0x20000) = 0x5",
                "500   [  61] wait4(0xffffffff, 0x7ffd, 0, 0) = 0x1f5");
        TraceResult only = t.restrictTo("/usr/bin/sqlite3"::equals);
        assertThat(only.executables()).containsExactlyInAnyOrder("/usr/bin/sqlite3", "/bin/sh", "/usr/bin/cat");
        assertThat(use(only, "dup2").executables()).containsExactly("/bin/sh");
        assertThat(use(only, "sendfile").executables()).containsExactly("/usr/bin/cat");
        assertThat(use(only, "read").executables()).containsExactly("/usr/bin/sqlite3");
        // what ran beside or above it is not under its filter
        assertThat(only.use(TABLE.require("wait4").number())).isEmpty();
        assertThat(only.usedNumbers()).doesNotContain(317);
        assertThat(t.executables()).containsExactlyInAnyOrder("/usr/bin/tclsh", "/usr/bin/sqlite3", "/bin/sh", "/usr/bin/cat");
    }

    @Test
    void strangeLinesAreKeptForDiagnosisNotCounted() {
        TraceResult t = parse(EXEC_TRUE,
                "strace: Process 123 attached",
                "100   [1073741863] getpid()             = -1 ENOSYS (Function not implemented)",
                "100   [ 999",
                "100   nonsense without parenthesis");
        assertThat(t.unparsed()).contains("100   [ 999", "100   nonsense without parenthesis");
        assertThat(t.usedNumbers()).contains(59);
    }
}
