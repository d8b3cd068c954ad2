/* Opens dl_module.so at run time (its path in argv[1]) and calls module_entry: nothing of the
 * module is in the host's DT_NEEDED closure. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv) {
    void *h = dlopen(argc > 1 ? argv[1] : "./dl_module.so", RTLD_NOW);
    if (!h) {
        fprintf(stderr, "%s\n", dlerror());
        return 1;
    }
    long (*entry)(void *) = (long (*)(void *)) dlsym(h, "module_entry");
    return entry ? (int) (entry(NULL) & 1) : 2;
}
