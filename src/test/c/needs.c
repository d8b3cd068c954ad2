/* Explore fixture with exactly known needs, one syscall per category:
 *   uname            required   (stubbed: fails; faked: returns 0 but fills nothing)
 *   pipe2            stub only  (ENOSYS: falls back; faked: 0 with no descriptors is garbage)
 *   prctl KEEPCAPS   fake only  (must "succeed", like nginx; ENOSYS is fatal)
 *   sched_yield      both       (result ignored)
 * Exit status 0 when the workload "works". Raw syscall() so libc cannot hide or add calls. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(void) {
    struct utsname u;
    memset(&u, 0, sizeof u);
    if (syscall(SYS_uname, &u) != 0 || strcmp(u.sysname, "Linux") != 0)
        return 10;

    int fds[2] = {-1, -1};
    long r = syscall(SYS_pipe2, fds, O_CLOEXEC);
    if (r == 0) {
        if (fds[0] < 0 || fds[1] < 0 || write(fds[1], "x", 1) != 1)
            return 11;                 /* "succeeded" without descriptors */
    } else if (errno != ENOSYS) {
        return 12;                     /* only a missing pipe2 is tolerated */
    }

    if (syscall(SYS_prctl, PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
        return 13;

    syscall(SYS_sched_yield);
    return 0;
}
