/*
 * A function that takes the syscall number as an argument and is only called through a
 * pointer stored in data: no direct call site tells the number. Expected: 124 (getsid) found
 * as a partial site of the wrapper, from the constant passed to the indirect call.
 */
static long wrapper(long nr) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr) : "rcx", "r11", "memory");
    return r;
}

long (*volatile through_pointer)(long) = wrapper;

int main(void) {
    return through_pointer(124) == 12345;
}
