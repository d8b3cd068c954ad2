/* Sub-feature fixture: per argument value and per file, known exactly.
 *   prctl(PR_SET_NAME)      required: the name must read back (a stub fails, a fake leaves the old name)
 *   prctl(PR_GET_NAME)      required: it reads the name back (a fake leaves the buffer empty)
 *   prctl(PR_GET_DUMPABLE)  stub only: ENOSYS is coped with, 0 ("not dumpable") is refused
 *   /etc/passwd             required (must name root)
 *   /etc/os-release         optional (read when there)
 *   /proc/meminfo           required and must not be empty (MemTotal)
 *   /proc/loadavg           optional, may be empty
 * With the argument "probe" it prints what PR_GET_DUMPABLE and PR_SET_NAME returned instead. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static int slurp(const char *path, char *buf, size_t size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    buf[n < 0 ? 0 : n] = 0;
    return (int) (n < 0 ? 0 : n);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "probe") == 0) {
        errno = 0;
        long d = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
        int de = errno;
        errno = 0;
        long s = prctl(PR_SET_NAME, (unsigned long) "probe", 0, 0, 0);
        printf("dumpable=%ld errno=%d setname=%ld errno=%d\n", d, de, s, errno);
        return 0;
    }
    char name[17] = {0};
    if (prctl(PR_SET_NAME, (unsigned long) "fixt", 0, 0, 0) != 0)
        return 1;
    if (prctl(PR_GET_NAME, (unsigned long) name, 0, 0, 0) != 0 || strcmp(name, "fixt") != 0)
        return 2;
    long dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
    if (dumpable == 0)
        return 3;
    static char buf[65536];
    if (slurp("/etc/passwd", buf, sizeof buf) <= 0 || strstr(buf, "root:") == NULL)
        return 4;
    slurp("/etc/os-release", buf, sizeof buf);
    if (slurp("/proc/meminfo", buf, sizeof buf) <= 0 || strstr(buf, "MemTotal") == NULL)
        return 5;
    slurp("/proc/loadavg", buf, sizeof buf);
    return 0;
}
