/* Calls libc's syscall() through a pointer kept in data with a number read at run time: no
 * constant reaches the indirect call, so the analysis must say the number is unknown. */
#include <stdlib.h>
#include <unistd.h>

long (*volatile sys_fn)(long, ...) = syscall;

int main(int argc, char **argv) {
    return sys_fn(argc > 1 ? atol(argv[1]) : 39L) < 0;
}
