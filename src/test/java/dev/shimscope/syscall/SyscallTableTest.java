package dev.shimscope.syscall;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The syscall tables against the installed kernel headers and the numbers the issue names. */
class SyscallTableTest {

    private static final Path UNISTD_64 = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
    /** Added to the kernel after the installed headers' version (Debian 12 ships 6.1 headers). */
    private static final Set<String> NEWER_THAN_HEADERS_BELOW_THEIR_MAX = Set.of("uretprobe"); // 335, Linux 6.11

    private final SyscallTable x86 = SyscallTable.x86_64();
    private final SyscallTable arm = SyscallTable.of(Arch.AARCH64);

    private static Map<Integer, String> header() throws IOException {
        Pattern define = Pattern.compile("^#define __NR_(\\w+) (\\d+)$");
        Map<Integer, String> m = new TreeMap<>();
        for (String line : Files.readAllLines(UNISTD_64)) {
            Matcher d = define.matcher(line);
            if (d.matches()) {
                m.put(Integer.parseInt(d.group(2)), d.group(1));
            }
        }
        return m;
    }

    @Test
    void everyHeaderDefinitionIsInTheTableBothWays() throws IOException {
        Map<Integer, String> header = header();
        assertThat(header).hasSizeGreaterThan(350);
        header.forEach((nr, name) -> {
            assertThat(x86.name(nr)).as("name of %d", nr).isEqualTo(name);
            assertThat(x86.require(name).number()).as("number of %s", name).isEqualTo(nr);
        });
        int headerMax = header.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow();
        for (Syscall s : x86.all()) {
            if (s.number() <= headerMax && !header.containsKey(s.number())) {
                assertThat(s.name()).as("table entry %d missing from the headers", s.number())
                        .isIn(NEWER_THAN_HEADERS_BELOW_THEIR_MAX);
            }
        }
    }

    @Test
    void theNewerSyscallsAreThere() {
        Map<String, Integer> expected = Map.ofEntries(
                Map.entry("rseq", 334), Map.entry("io_uring_setup", 425), Map.entry("io_uring_enter", 426),
                Map.entry("io_uring_register", 427), Map.entry("clone3", 435), Map.entry("close_range", 436),
                Map.entry("openat2", 437), Map.entry("faccessat2", 439), Map.entry("epoll_pwait2", 441),
                Map.entry("landlock_create_ruleset", 444), Map.entry("landlock_add_rule", 445),
                Map.entry("landlock_restrict_self", 446), Map.entry("futex_waitv", 449),
                Map.entry("cachestat", 451), Map.entry("fchmodat2", 452), Map.entry("futex_wake", 454),
                Map.entry("statmount", 457), Map.entry("listmount", 458), Map.entry("mseal", 462));
        expected.forEach((name, nr) -> {
            assertThat(x86.require(name).number()).as(name).isEqualTo(nr);
            assertThat(x86.name(nr)).isEqualTo(name);
        });
        assertThat(x86.maxNumber()).isGreaterThanOrEqualTo(462);
        assertThat(x86.size()).isGreaterThan(370);
        assertThat(x86.source()).contains("Linux 6.").contains("syscall_64.tbl");
    }

    @Test
    void unknownNumbersAreNamedNotDropped() {
        Syscall s = x86.byNumber(1000);
        assertThat(s.name()).isEqualTo("syscall_1000");
        assertThat(s.number()).isEqualTo(1000);
        assertThat(s.known()).isFalse();
        assertThat(x86.byNumber(0).known()).isTrue();
        assertThat(x86.contains(1000)).isFalse();
        assertThat(x86.name(463)).isEqualTo("syscall_463");
        assertThat(x86.byName("syscall_1000")).contains(s);
    }

    @Test
    void straceStyleHexNamesParse() {
        assertThat(x86.byName("syscall_0x1c6")).get().extracting(Syscall::number, Syscall::name)
                .containsExactly(454, "futex_wake"); // 0x1c6 = 454, which the table knows
        assertThat(x86.byName("syscall_0x3e8")).get().extracting(Syscall::name).isEqualTo("syscall_1000");
        assertThat(x86.byName("syscall_454")).get().extracting(Syscall::name).isEqualTo("futex_wake");
        assertThat(x86.byName("syscall_0xzz")).isEmpty();
        assertThat(x86.byName("syscall_-1")).isEmpty();
        assertThat(x86.byName("no_such_call")).isEmpty();
        assertThatThrownBy(() -> x86.require("no_such_call"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no_such_call");
    }

    @Test
    void aarch64HasTheGenericNumbering() {
        Map<String, Integer> sample = Map.ofEntries(
                Map.entry("io_setup", 0), Map.entry("fcntl", 25), Map.entry("ioctl", 29), Map.entry("openat", 56),
                Map.entry("close", 57), Map.entry("read", 63), Map.entry("write", 64), Map.entry("newfstatat", 79),
                Map.entry("exit_group", 94), Map.entry("futex", 98), Map.entry("clone", 220),
                Map.entry("execve", 221), Map.entry("mmap", 222), Map.entry("rseq", 293),
                Map.entry("io_uring_setup", 425), Map.entry("clone3", 435), Map.entry("close_range", 436),
                Map.entry("openat2", 437), Map.entry("futex_waitv", 449), Map.entry("mseal", 462));
        sample.forEach((name, nr) -> {
            assertThat(arm.require(name).number()).as(name).isEqualTo(nr);
            assertThat(arm.name(nr)).isEqualTo(name);
        });
        // the generic table has no legacy calls and no 32-bit time64 variants
        for (String legacy : new String[] {"open", "fork", "stat", "poll", "epoll_wait", "clock_gettime64"}) {
            assertThat(arm.byName(legacy)).as(legacy).isEmpty();
        }
        assertThat(arm.name(244)).isEqualTo("syscall_244");
        assertThat(arm.arch()).isEqualTo(Arch.AARCH64);
        assertThat(arm.byNumber(56).arch()).isEqualTo(Arch.AARCH64);
    }

    @Test
    void architecturesParseTheirCommonNames() {
        assertThat(Arch.parse("amd64")).isEqualTo(Arch.X86_64);
        assertThat(Arch.parse("x86-64")).isEqualTo(Arch.X86_64);
        assertThat(Arch.parse("arm64")).isEqualTo(Arch.AARCH64);
        assertThatThrownBy(() -> Arch.parse("riscv64")).hasMessageContaining("riscv64");
    }
}
