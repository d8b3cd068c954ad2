/* Fixture for the source-level analysis, linked against musl: every syscall below is made
 * through musl's own wrappers, so the expected set is exactly what musl does for these calls
 * plus what its start-up and exit code do. See StaticSourcesMuslTest for the expected set. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* musl's setuid/setgid go through __setxid(SYS_..., ...) and a callback that reads the number
 * back from a struct: only the numbers of the wrappers called here may count */
static void drop_privileges(void) {
    if (setgid(65534) != 0 || setuid(65534) != 0) {
        _exit(3);
    }
}

/* a callback registered through a function pointer: reached only by the indirect call in
 * apply() (type int (int)) */
static int report_parent(int x) {
    return (int) getppid() + x;
}

/* not static, not inlined: the compiler cannot turn the indirect call into a direct one */
__attribute__((noinline)) int apply(int (*f)(int), int x) {
    return f(x);
}

/* the address of this one is taken, but its type (long (long, long)) matches no indirect call */
static long never_called_through(long a, long b) {
    return (long) getpgrp() + a + b;
}
long (*volatile unused_pointer)(long, long);

/* dead code: no call, no address taken */
void dead_code(void) {
    sync();
    syscall(SYS_reboot, 0, 0, 0);
}

/* a thread entry point: called by musl's start code through a function pointer */
static void *thread_main(void *arg) {
    (void) arg;
    return (void *) (long) umask(022);
}

/* a signal handler: the kernel calls it, nothing in the program does */
static void on_signal(int sig) {
    (void) sig;
    if (getuid() == 0) {
        _exit(5);
    }
}

int main(int argc, char **argv) {
    (void) argv;
    unused_pointer = never_called_through;
    signal(SIGUSR1, on_signal);
    pthread_t t;
    if (pthread_create(&t, NULL, thread_main, NULL) == 0) {
        pthread_join(t, NULL);
    }
    drop_privileges();
    /* syscall() with a constant: the number is resolved at this call site */
    syscall(SYS_sched_yield);
    return apply(report_parent, argc);
}
