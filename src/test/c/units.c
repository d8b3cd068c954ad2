/* A suite made of four tests in one program (test-impact selection fixture): "uname" needs
 * uname, "parent" needs getppid, "either" calls uname but passes whatever it returns, "plain"
 * makes no call of its own beyond the C runtime's. Each prints nothing; the run script says ok
 * or not ok per test. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2)
        return 2;
    if (strcmp(argv[1], "uname") == 0) {
        struct utsname u;
        return syscall(SYS_uname, &u) == 0 && u.sysname[0] != 0 ? 0 : 1;
    }
    if (strcmp(argv[1], "either") == 0) {
        struct utsname u;
        syscall(SYS_uname, &u);
        return 0;
    }
    if (strcmp(argv[1], "parent") == 0)
        return syscall(SYS_getppid) > 0 ? 0 : 1;
    if (strcmp(argv[1], "plain") == 0)
        return 0;
    return 2;
}
