package dev.shimscope.plan;

import dev.shimscope.model.OsDescription;
import dev.shimscope.syscall.Arch;
import dev.shimscope.syscall.SyscallTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Plans and scores for another architecture than the one the results were measured on: the
 * store holds x86_64 names, and aarch64 uses the generic syscall table, which lacks the old calls
 * (open, stat, poll, fork, dup2 ...). An x86_64-only call becomes the call the C libraries make
 * for it on aarch64 (open → openat, fork → clone, poll → ppoll, ...); calls with no aarch64
 * counterpart (arch_prctl: TLS is a register there; iopl, modify_ldt ...) drop out. When two
 * x86_64 calls meet in one aarch64 call their needs combine as two workloads' needs do: equal
 * needs stay, anything else needs an implementation. An OS list keeps the names that exist on
 * the architecture (supporting open says nothing about openat).
 */
public final class ArchTranslation {

    /** What glibc and musl call on aarch64 for an x86_64-only syscall; absent: nothing to call. */
    private static final Map<String, String> AARCH64 = Map.ofEntries(
            Map.entry("open", "openat"), Map.entry("creat", "openat"), Map.entry("stat", "newfstatat"),
            Map.entry("lstat", "newfstatat"), Map.entry("poll", "ppoll"), Map.entry("select", "pselect6"),
            Map.entry("access", "faccessat"), Map.entry("pipe", "pipe2"), Map.entry("dup2", "dup3"),
            Map.entry("pause", "rt_sigsuspend"), Map.entry("alarm", "setitimer"), Map.entry("fork", "clone"),
            Map.entry("vfork", "clone"), Map.entry("getdents", "getdents64"), Map.entry("rename", "renameat"),
            Map.entry("mkdir", "mkdirat"), Map.entry("rmdir", "unlinkat"), Map.entry("unlink", "unlinkat"),
            Map.entry("link", "linkat"), Map.entry("symlink", "symlinkat"), Map.entry("readlink", "readlinkat"),
            Map.entry("chmod", "fchmodat"), Map.entry("chown", "fchownat"), Map.entry("lchown", "fchownat"),
            Map.entry("getpgrp", "getpgid"), Map.entry("utime", "utimensat"), Map.entry("utimes", "utimensat"),
            Map.entry("futimesat", "utimensat"), Map.entry("mknod", "mknodat"), Map.entry("time", "clock_gettime"),
            Map.entry("epoll_create", "epoll_create1"), Map.entry("epoll_wait", "epoll_pwait"),
            Map.entry("inotify_init", "inotify_init1"), Map.entry("signalfd", "signalfd4"),
            Map.entry("eventfd", "eventfd2"));

    private ArchTranslation() {
    }

    /** The name of x86_64 syscall {@code name} on {@code arch}; empty when it has no counterpart. */
    public static Optional<String> name(Arch arch, String name) {
        if (arch == Arch.X86_64) {
            return Optional.of(name);
        }
        SyscallTable table = SyscallTable.of(arch);
        if (table.byName(name).filter(s -> s.known()).isPresent()) {
            return Optional.of(name);
        }
        return Optional.ofNullable(AARCH64.get(name));
    }

    /** The apps' needs in {@code arch}'s names. */
    public static List<AppNeeds> needs(Arch arch, List<AppNeeds> measured) {
        if (arch == Arch.X86_64) {
            return measured;
        }
        List<AppNeeds> out = new ArrayList<>();
        for (AppNeeds a : measured) {
            TreeMap<String, Need> needs = new TreeMap<>();
            a.needs().forEach((syscall, need) -> name(arch, syscall).ifPresent(n -> needs.merge(n, need,
                    (x, y) -> x == y ? x : Need.IMPLEMENT)));
            out.add(new AppNeeds(a.app(), a.workloads(), needs));
        }
        return out;
    }

    /** An OS list restricted to the names {@code arch} has. */
    public static OsDescription support(Arch arch, OsDescription os) {
        if (arch == Arch.X86_64) {
            return os;
        }
        SyscallTable table = SyscallTable.of(arch);
        TreeMap<String, OsDescription.Support> kept = new TreeMap<>();
        os.syscalls().forEach((s, support) -> {
            if (table.byName(s).filter(x -> x.known()).isPresent()) {
                kept.put(s, support);
            }
        });
        return new OsDescription(os.name(), os.source() + " (" + arch.id() + " names)", kept);
    }
}
