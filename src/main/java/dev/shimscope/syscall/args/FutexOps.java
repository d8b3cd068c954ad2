package dev.shimscope.syscall.args;

/** futex operations; the private and realtime-clock flag bits are shown separately. */
public final class FutexOps {
    private FutexOps() {
    }

    /** The operation alone (the private and realtime-clock bits masked off): what is explored. */
    public static final ValueTable COMMAND = ValueTable.maskedEnumeration(0x7f,
            0, "FUTEX_WAIT", 1, "FUTEX_WAKE", 2, "FUTEX_FD", 3, "FUTEX_REQUEUE", 4, "FUTEX_CMP_REQUEUE",
            5, "FUTEX_WAKE_OP", 6, "FUTEX_LOCK_PI", 7, "FUTEX_UNLOCK_PI", 8, "FUTEX_TRYLOCK_PI",
            9, "FUTEX_WAIT_BITSET", 10, "FUTEX_WAKE_BITSET", 11, "FUTEX_WAIT_REQUEUE_PI",
            12, "FUTEX_CMP_REQUEUE_PI", 13, "FUTEX_LOCK_PI2");

    public static String decode(long op) {
        StringBuilder sb = new StringBuilder(COMMAND.decode(op));
        if ((op & 128) != 0) {
            sb.append("_PRIVATE");
        }
        if ((op & 256) != 0) {
            sb.append("|FUTEX_CLOCK_REALTIME");
        }
        return sb.toString();
    }
}
