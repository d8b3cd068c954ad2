/* A shared library for the cross-library test: fix_used is imported by static_app, fix_unused by nobody. */
long fix_used(void) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(447L) : "rcx", "r11", "memory");
    return r;
}

long fix_unused(void) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(448L) : "rcx", "r11", "memory");
    return r;
}
