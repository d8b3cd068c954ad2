/* Plan-minimisation fixture. getpgrp is a fallback the program takes only while getppid fails
 * (so the closed world finds it and implements it); getppid and sched_yield can each be stubbed,
 * but not both at once, which moves getppid (the later one in number order) to "implement". Once
 * getppid is implemented the fallback is never taken: the minimal plan stubs getpgrp again.
 *   getppid (110):     stub only (ENOSYS -> fallback; 0 is nonsense)
 *   getpgrp (111):     called only when getppid fails; ENOSYS fails the program, 0 does not
 *   sched_yield (24):  stub or fake alone; stubbed together with getppid it fails
 * With the argument "alone" there is no sched_yield: getppid stays stubbed, the fallback stays
 * needed, and its fake serves it: the minimal plan fakes getpgrp instead of implementing it. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long ppid = syscall(SYS_getppid);
    if (ppid == 0)
        return 3;                           /* a faked getppid returned nonsense */
    if (ppid < 0 && syscall(SYS_getpgrp) < 0)
        return 1;                           /* needs the fallback to answer while getppid fails */
    if (argc > 1 && strcmp(argv[1], "alone") == 0)
        return 0;
    long y = syscall(SYS_sched_yield);
    if (y < 0 && ppid < 0)
        return 2;                           /* the two cannot both be stubbed */
    return 0;
}
