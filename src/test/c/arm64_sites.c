/*
 * Fixture for static syscall analysis on aarch64 (the generic syscall table): every way a
 * program makes a syscall, each with a number the tests know. Own sites of this file:
 * 124 sched_yield, 174 getuid, 176 getgid, 177 getegid, 173 getppid, 178 gettid,
 * 425 io_uring_setup (dead code). Wrapper calls: getpid (172), write (64).
 */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>

/* svc #0 with a constant number in x8 */
static long raw_getppid(void) {
    register long x8 __asm__("x8") = 173;
    register long x0 __asm__("x0");
    __asm__ volatile("svc #0" : "=r"(x0) : "r"(x8) : "memory");
    return x0;
}

/* the number depends on the path: backtracking must find both constants */
__attribute__((noinline)) static long uid_or_gid(int which) {
    register long x8 __asm__("x8") = which ? 174 : 176;
    register long x0 __asm__("x0");
    __asm__ volatile("svc #0" : "=r"(x0) : "r"(x8) : "memory");
    return x0;
}

/* the number is an argument: resolved at the call site */
__attribute__((noinline)) static long my_syscall0(long nr) {
    register long x8 __asm__("x8") = nr;
    register long x0 __asm__("x0");
    __asm__ volatile("svc #0" : "=r"(x0) : "r"(x8) : "memory");
    return x0;
}

/* never called and its address never taken */
__attribute__((noinline, used)) static long never_called(void) {
    register long x8 __asm__("x8") = 425;
    register long x0 __asm__("x0");
    __asm__ volatile("svc #0" : "=r"(x0) : "r"(x8) : "memory");
    return x0;
}

int main(int argc, char **argv) {
    (void) argv;
    long sum = raw_getppid();
    sum += uid_or_gid(argc > 1);
    sum += my_syscall0(177);
    sum += getpid();
    sum += syscall(SYS_gettid);
    sum += syscall(SYS_sched_yield);
    write(1, "ok\n", 3);
    return sum == 12345 ? 1 : 0;
}
