/* Looks a libc function up by name: pkey_alloc (330) is reached only through dlsym. The string
 * "getsid" names a libc function too but is only printed; with NAME_FROM_ARGV the name passed
 * to dlsym may come from the command line, so every such string counts. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv) {
    (void) argc;
    (void) argv;
    puts("getsid");
#ifdef NAME_FROM_ARGV
    const char *name = argc > 1 ? argv[1] : "pkey_alloc";
#else
    const char *name = "pkey_alloc";
#endif
    int (*f)(unsigned, unsigned) = (int (*)(unsigned, unsigned)) dlsym(RTLD_DEFAULT, name);
    return f ? f(0, 0) < 0 : 2;
}
