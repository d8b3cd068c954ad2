package dev.shimscope.plan;

/**
 * What an application needs of one syscall so that its workloads pass, for an OS that can
 * implement a syscall, stub it (return ENOSYS, what an OS does for a syscall it does not know)
 * or fake it (return 0 without doing anything). A real implementation satisfies every need.
 */
public enum Need {
    /** Only a real implementation works (verdict required or flaky). */
    IMPLEMENT,
    /** ENOSYS works, 0 breaks: implement it or leave it stubbed, never fake it. */
    STUB,
    /** 0 works, ENOSYS breaks: implement it or fake it. */
    FAKE
}
