package dev.shimscope.explore;

import dev.shimscope.syscall.Syscall;

/**
 * A syscall the application made under the workload, how often (in the traced run), and whether
 * every call returned 0 (then a fake, which returns 0, may be indistinguishable from the call).
 */
public record UsedSyscall(Syscall syscall, long calls, boolean alwaysZero) {

    public UsedSyscall(Syscall syscall, long calls) {
        this(syscall, calls, false);
    }

    /**
     * Syscalls whose only effect is the value they return: faking one that returned 0 in every
     * traced call (getuid as root) returns exactly what the call did, so the experiment can tell
     * nothing and is not run.
     */
    static final java.util.Set<String> RESULT_ONLY = java.util.Set.of("getuid", "geteuid", "getgid", "getegid",
            "getpid", "getppid", "gettid", "getpgrp", "getpgid", "getsid");

    /** True when faking this syscall cannot be told from the real call in this workload. */
    public boolean fakeIndistinguishable() {
        return alwaysZero && RESULT_ONLY.contains(syscall.name());
    }
}
