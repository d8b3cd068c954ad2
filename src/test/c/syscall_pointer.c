/* Calls libc's syscall() only through a pointer kept in data: the number (getpgrp, 111) is
 * visible at the indirect call, never at a direct call to syscall(). */
#include <sys/syscall.h>
#include <unistd.h>

long (*volatile sys_fn)(long, ...) = syscall;

int main(void) {
    return sys_fn(SYS_getpgrp) < 0;
}
