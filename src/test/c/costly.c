/* Impact fixture: a server whose resource use changes with exactly three calls, by known amounts:
 *   close    stubbed or faked: the 100 descriptors it opens and closes stay open (descriptors x25)
 *   munmap   stubbed or faked: the 16 regions of 4 MiB it maps, fills and unmaps stay (memory x10)
 *   madvise  stubbed only: ENOSYS makes it fill a 32 MiB buffer of its own instead (memory x8);
 *            faked, the "advice" is taken and nothing changes
 * Every other call it makes is required (it stops when one fails) or changes nothing measurable.
 * It prints "ready" when done and waits for its stop signal. Raw syscall() as in needs.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define REGION (4L << 20)

static char *map(long len) {
    long p = syscall(SYS_mmap, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == -1 || p == 0 ? 0 : (char *) p;
}

int main(void) {
    for (int i = 0; i < 100; i++) {
        long fd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd <= 2)
            return 10;                 /* 0, 1 and 2 are open: a real open gives a new descriptor */
        syscall(SYS_close, fd);        /* a failure leaks it; nothing else depends on it */
    }
    for (int i = 0; i < 16; i++) {
        char *p = map(REGION);
        if (!p)
            return 11;
        memset(p, i + 1, REGION);
        if (i == 0 && syscall(SYS_madvise, p, REGION, MADV_DONTNEED) != 0) {
            /* no advice to be had: keep a buffer of our own instead, as allocators do */
            char *own = map(8 * REGION);
            if (!own)
                return 12;
            memset(own, 1, 8 * REGION);
        }
        syscall(SYS_munmap, p, REGION);
    }
    if (syscall(SYS_write, 1, "ready\n", 6) != 6)
        return 13;
    syscall(SYS_pause);                /* returns only when it is broken: the stop signal ends us */
    return 14;
}
