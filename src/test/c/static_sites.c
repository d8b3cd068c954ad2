/*
 * Fixture for static syscall analysis: every way a program makes a syscall, each with a number
 * the tests know. Own sites of this file: 24 sched_yield, 102 getuid, 104 getgid, 108 getegid,
 * 110 getppid, 186 gettid, 425 io_uring_setup (dead code). Wrapper calls: getpid (39), write (1).
 */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>

/* a raw syscall instruction with a constant number */
static long raw_getppid(void) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(110L) : "rcx", "r11", "memory");
    return r;
}

/* the number depends on the path: backtracking must find both constants */
__attribute__((noinline)) static long uid_or_gid(int which) {
    long nr = which ? 102 : 104;
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr) : "rcx", "r11", "memory");
    return r;
}

/* the number is an argument: resolved at the call site */
__attribute__((noinline)) static long my_syscall0(long nr) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr) : "rcx", "r11", "memory");
    return r;
}

/* thread-local storage: gives the binary a PT_TLS segment for --bincompat */
static __thread long tls_counter;

/* never called and its address never taken */
__attribute__((noinline, used)) static long never_called(void) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(425L) : "rcx", "r11", "memory");
    return r;
}

int main(int argc, char **argv) {
    (void) argv;
    tls_counter += argc;
    long sum = raw_getppid() + tls_counter;
    sum += uid_or_gid(argc > 1);
    sum += my_syscall0(108);
    sum += getpid();
    sum += syscall(SYS_gettid);
    sum += syscall(SYS_sched_yield);
    write(1, "ok\n", 3);
    return sum == 12345 ? 1 : 0;
}
