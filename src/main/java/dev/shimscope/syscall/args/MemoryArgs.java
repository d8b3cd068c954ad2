package dev.shimscope.syscall.args;

/** mmap protections and flags, madvise advice. */
public final class MemoryArgs {
    private MemoryArgs() {
    }

    public static final ValueTable PROT = ValueTable.flags(
            0, "PROT_NONE", 1, "PROT_READ", 2, "PROT_WRITE", 4, "PROT_EXEC", 0x01000000, "PROT_GROWSDOWN");

    public static final ValueTable MAP_FLAGS = ValueTable.flags(
            0x01, "MAP_SHARED", 0x02, "MAP_PRIVATE", 0x10, "MAP_FIXED", 0x20, "MAP_ANONYMOUS",
            0x40, "MAP_32BIT", 0x100, "MAP_GROWSDOWN", 0x800, "MAP_DENYWRITE", 0x2000, "MAP_LOCKED",
            0x4000, "MAP_NORESERVE", 0x8000, "MAP_POPULATE", 0x10000, "MAP_NONBLOCK", 0x20000, "MAP_STACK",
            0x40000, "MAP_HUGETLB", 0x80000, "MAP_SYNC", 0x100000, "MAP_FIXED_NOREPLACE");

    public static final ValueTable MADVISE = ValueTable.enumeration(
            0, "MADV_NORMAL", 1, "MADV_RANDOM", 2, "MADV_SEQUENTIAL", 3, "MADV_WILLNEED", 4, "MADV_DONTNEED",
            8, "MADV_FREE", 9, "MADV_REMOVE", 10, "MADV_DONTFORK", 11, "MADV_DOFORK", 12, "MADV_MERGEABLE",
            13, "MADV_UNMERGEABLE", 14, "MADV_HUGEPAGE", 15, "MADV_NOHUGEPAGE", 16, "MADV_DONTDUMP",
            17, "MADV_DODUMP", 18, "MADV_WIPEONFORK", 19, "MADV_KEEPONFORK", 20, "MADV_COLD",
            21, "MADV_PAGEOUT", 22, "MADV_POPULATE_READ", 23, "MADV_POPULATE_WRITE", 25, "MADV_COLLAPSE",
            100, "MADV_HWPOISON");
}
