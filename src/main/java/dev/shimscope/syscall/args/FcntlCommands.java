package dev.shimscope.syscall.args;

/** fcntl commands (F_*). */
public final class FcntlCommands {
    private FcntlCommands() {
    }

    public static final ValueTable COMMAND = ValueTable.enumeration(
            0, "F_DUPFD", 1, "F_GETFD", 2, "F_SETFD", 3, "F_GETFL", 4, "F_SETFL", 5, "F_GETLK", 6, "F_SETLK",
            7, "F_SETLKW", 8, "F_SETOWN", 9, "F_GETOWN", 10, "F_SETSIG", 11, "F_GETSIG", 15, "F_SETOWN_EX",
            16, "F_GETOWN_EX", 36, "F_OFD_GETLK", 37, "F_OFD_SETLK", 38, "F_OFD_SETLKW",
            1024, "F_SETLEASE", 1025, "F_GETLEASE", 1026, "F_NOTIFY", 1030, "F_DUPFD_CLOEXEC",
            1031, "F_SETPIPE_SZ", 1032, "F_GETPIPE_SZ", 1033, "F_ADD_SEALS", 1034, "F_GET_SEALS");
}
