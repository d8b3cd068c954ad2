package dev.shimscope.syscall.args;

/** prctl options, arch_prctl codes and resource limits: the process-control family. */
public final class ProcessControl {
    private ProcessControl() {
    }

    public static final ValueTable PRCTL_OPTION = ValueTable.enumeration(
            1, "PR_SET_PDEATHSIG", 2, "PR_GET_PDEATHSIG", 3, "PR_GET_DUMPABLE", 4, "PR_SET_DUMPABLE",
            7, "PR_GET_KEEPCAPS", 8, "PR_SET_KEEPCAPS", 15, "PR_SET_NAME", 16, "PR_GET_NAME",
            21, "PR_GET_SECCOMP", 22, "PR_SET_SECCOMP", 23, "PR_CAPBSET_READ", 24, "PR_CAPBSET_DROP",
            25, "PR_GET_TSC", 27, "PR_GET_SECUREBITS", 28, "PR_SET_SECUREBITS", 29, "PR_SET_TIMERSLACK",
            30, "PR_GET_TIMERSLACK", 35, "PR_SET_MM", 36, "PR_SET_CHILD_SUBREAPER",
            37, "PR_GET_CHILD_SUBREAPER", 38, "PR_SET_NO_NEW_PRIVS", 39, "PR_GET_NO_NEW_PRIVS",
            41, "PR_SET_THP_DISABLE", 42, "PR_GET_THP_DISABLE", 47, "PR_CAP_AMBIENT",
            0x53564d41L, "PR_SET_VMA", 59, "PR_SET_SYSCALL_USER_DISPATCH", 65, "PR_SET_MDWE",
            66, "PR_GET_MDWE");

    public static final ValueTable ARCH_PRCTL_CODE = ValueTable.enumeration(
            0x1001, "ARCH_SET_GS", 0x1002, "ARCH_SET_FS", 0x1003, "ARCH_GET_FS", 0x1004, "ARCH_GET_GS",
            0x1011, "ARCH_GET_CPUID", 0x1012, "ARCH_SET_CPUID", 0x1021, "ARCH_GET_XCOMP_SUPP",
            0x1022, "ARCH_GET_XCOMP_PERM", 0x1023, "ARCH_REQ_XCOMP_PERM", 0x5001, "ARCH_SHSTK_ENABLE",
            0x5005, "ARCH_SHSTK_STATUS");

    public static final ValueTable RLIMIT_RESOURCE = ValueTable.enumeration(
            0, "RLIMIT_CPU", 1, "RLIMIT_FSIZE", 2, "RLIMIT_DATA", 3, "RLIMIT_STACK", 4, "RLIMIT_CORE",
            5, "RLIMIT_RSS", 6, "RLIMIT_NPROC", 7, "RLIMIT_NOFILE", 8, "RLIMIT_MEMLOCK", 9, "RLIMIT_AS",
            10, "RLIMIT_LOCKS", 11, "RLIMIT_SIGPENDING", 12, "RLIMIT_MSGQUEUE", 13, "RLIMIT_NICE",
            14, "RLIMIT_RTPRIO", 15, "RLIMIT_RTTIME");

    public static final ValueTable CLONE_FLAGS = ValueTable.flags(
            0x00000100, "CLONE_VM", 0x00000200, "CLONE_FS", 0x00000400, "CLONE_FILES",
            0x00000800, "CLONE_SIGHAND", 0x00001000, "CLONE_PIDFD", 0x00002000, "CLONE_PTRACE",
            0x00004000, "CLONE_VFORK", 0x00008000, "CLONE_PARENT", 0x00010000, "CLONE_THREAD",
            0x00020000, "CLONE_NEWNS", 0x00040000, "CLONE_SYSVSEM", 0x00080000, "CLONE_SETTLS",
            0x00100000, "CLONE_PARENT_SETTID", 0x00200000, "CLONE_CHILD_CLEARTID",
            0x00400000, "CLONE_DETACHED", 0x00800000, "CLONE_UNTRACED", 0x01000000, "CLONE_CHILD_SETTID",
            0x02000000, "CLONE_NEWCGROUP", 0x04000000, "CLONE_NEWUTS", 0x08000000, "CLONE_NEWIPC",
            0x10000000, "CLONE_NEWUSER", 0x20000000, "CLONE_NEWPID", 0x40000000, "CLONE_NEWNET",
            0x80000000L, "CLONE_IO", 0x11, "SIGCHLD");
}
