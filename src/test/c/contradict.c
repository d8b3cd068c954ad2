/* Plan-search fixture: a failure below a longer prefix that passes, and a real conflict above.
 * Every call works stubbed or faked alone ("both"). In the closed world the search stubs a prefix
 * of the candidates in number order and lets the rest through:
 *   sched_yield (24) and getpid (39) stubbed while getppid (110) answers for real fails, so the
 *   prefixes from getpid up to just before getppid fail, and every longer one passes that point;
 *   getpgrp (111) and gettid (186) cannot both be stubbed: the real conflict, found at gettid.
 * The minimal, canonical plan stubs everything but gettid, which it fakes; getpid stays a stub
 * whichever of the two failures the search met first. getuid..getegid fill the prefix range. */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    long yield = syscall(SYS_sched_yield);
    long pid = syscall(SYS_getpid);
    syscall(SYS_getuid);
    syscall(SYS_getgid);
    syscall(SYS_geteuid);
    syscall(SYS_getegid);
    long ppid = syscall(SYS_getppid);
    long pgrp = syscall(SYS_getpgrp);
    long tid = syscall(SYS_gettid);
    if (yield < 0 && pid < 0 && ppid > 0)
        return 1;
    if (pgrp < 0 && tid < 0)
        return 2;
    return 0;
}
