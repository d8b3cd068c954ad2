/* Plan-repair fixture: getppid and getpgid can each be stubbed (the program falls back to the
 * other), but not both at once; faking either returns 0, which is garbage for both (stub only).
 * So each alone is "stub only", and the joint plan must move one of them to "implement". */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    long ppid = syscall(SYS_getppid);
    long pgid = syscall(SYS_getpgid, 0);
    if (ppid == 0 || pgid == 0)
        return 2;                      /* a faked call returned nonsense */
    if (ppid < 0 && pgid < 0)
        return 1;                      /* needs at least one of them */
    return 0;
}
