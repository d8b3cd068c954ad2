package dev.shimscope.syscall.args;

/** Signal numbers and clock ids. */
public final class SignalsAndClocks {
    private SignalsAndClocks() {
    }

    public static final ValueTable SIGNAL = ValueTable.enumeration(
            1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 4, "SIGILL", 5, "SIGTRAP", 6, "SIGABRT", 7, "SIGBUS",
            8, "SIGFPE", 9, "SIGKILL", 10, "SIGUSR1", 11, "SIGSEGV", 12, "SIGUSR2", 13, "SIGPIPE",
            14, "SIGALRM", 15, "SIGTERM", 16, "SIGSTKFLT", 17, "SIGCHLD", 18, "SIGCONT", 19, "SIGSTOP",
            20, "SIGTSTP", 21, "SIGTTIN", 22, "SIGTTOU", 23, "SIGURG", 24, "SIGXCPU", 25, "SIGXFSZ",
            26, "SIGVTALRM", 27, "SIGPROF", 28, "SIGWINCH", 29, "SIGIO", 30, "SIGPWR", 31, "SIGSYS",
            32, "SIGRTMIN-2", 33, "SIGRTMIN-1", 34, "SIGRTMIN");

    public static final ValueTable CLOCK = ValueTable.enumeration(
            0, "CLOCK_REALTIME", 1, "CLOCK_MONOTONIC", 2, "CLOCK_PROCESS_CPUTIME_ID",
            3, "CLOCK_THREAD_CPUTIME_ID", 4, "CLOCK_MONOTONIC_RAW", 5, "CLOCK_REALTIME_COARSE",
            6, "CLOCK_MONOTONIC_COARSE", 7, "CLOCK_BOOTTIME", 8, "CLOCK_REALTIME_ALARM",
            9, "CLOCK_BOOTTIME_ALARM", 11, "CLOCK_TAI");
}
