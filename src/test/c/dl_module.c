/* A module the host opens with dlopen: its syscalls are in no DT_NEEDED library of the host.
 * Own site: 121 getpgid (raw syscall); through libc: msync (26). */
#include <stddef.h>
#include <sys/mman.h>

long module_entry(void *p) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(121L), "D"(0L) : "rcx", "r11", "memory");
    return r + msync(p, 4096, MS_ASYNC);
}
