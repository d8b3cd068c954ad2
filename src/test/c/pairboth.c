/* Plan-repair fixture: getppid and getpgid each work stubbed or faked ("both"), but stubbing
 * both fails; faking one of them repairs the joint configuration. */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    long ppid = syscall(SYS_getppid);
    long pgid = syscall(SYS_getpgid, 0);
    return ppid < 0 && pgid < 0 ? 1 : 0;
}
