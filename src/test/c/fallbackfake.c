/* Plan-minimisation fixture: a fallback that a fake serves. getppid works stubbed (0 is
 * nonsense); while it fails the program calls getpgrp and needs it to succeed, which a fake
 * (returning 0) does. The closed world finds getpgrp and implements it; the minimal plan fakes it.
 *   getppid (110): stub only
 *   getpgrp (111): called only when getppid fails; ENOSYS fails the program, 0 does not */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    long ppid = syscall(SYS_getppid);
    if (ppid == 0)
        return 3;                           /* a faked getppid returned nonsense */
    if (ppid < 0 && syscall(SYS_getpgrp) < 0)
        return 1;                           /* needs the fallback to answer while getppid fails */
    return 0;
}
