/* Fixture for the source-level analysis without a C library: syscalls made by inline assembly
 * as musl makes them, so the IR of this one file (clang -O2 -S -emit-llvm) has a known set.
 * Expected (see StaticSourcesIrTest): 105 setuid and 106 setgid (a setxid-style wrapper whose
 * number goes through a struct), 60 exit (a wrapper whose number is an argument), 39 getpid (a
 * callback called through a function pointer), 102 getuid (a signal handler: installed with
 * rt_sigaction, 13), 231 exit_group, 63 uname (a function registered in a linker section that
 * main walks through __start_/__stop_). Not expected: 169 reboot (dead code), 111 getpgrp
 * (address taken, but no indirect call has its type), 162 sync (in a table nothing reads). */

struct request { int number; long arg; };

static inline long raw1(long n, long a) {
    long r;
    __asm__ volatile ("syscall" : "=a"(r) : "a"(n), "D"(a) : "rcx", "r11", "memory");
    return r;
}

static inline long raw4(long n, long a, long b, long c, long d) {
    long r;
    register long r10 __asm__("r10") = d;
    __asm__ volatile ("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return r;
}

/* the number is read back from memory, as musl's do_setxid reads c->nr */
__attribute__((noinline)) static long do_request(struct request *r) {
    return raw1(r->number, r->arg);
}

/* setxid-style: the number arrives as an argument and is stored into a struct */
__attribute__((noinline)) long set_id(int number, long id) {
    struct request r = { number, id };
    return do_request(&r);
}

/* syscall()-style: the number is the first argument */
__attribute__((noinline)) long call_number(long n, long a) {
    return raw1(n, a);
}

static long callback(long *x) {
    return raw1(39, *x);
}

__attribute__((noinline)) long apply(long (*f)(long *), long *x) {
    return f(x);
}

static long other_type(long a, long b) {
    return raw1(111, a + b);
}
long (*volatile keep_other)(long, long);

static long only_in_table(long x) {
    return raw1(162, x);
}
long (*unread_table[])(long) = { only_in_table };

/* a registration table in a section of its own, as haproxy's INITCALLs are */
struct registration { long (*fn)(long *, long); };
static long registered(long *x, long y) {
    return raw1(63, (long) x + y);
}
static const struct registration entry __attribute__((used, section("shim_regs"))) = { registered };
extern const struct registration __start_shim_regs[], __stop_shim_regs[];

void dead_code(void) {
    raw1(169, 0);
    set_id(117, 0);
}

struct kernel_sigaction { void (*handler)(int); unsigned long flags; void (*restorer)(void); unsigned long mask; };

static void on_signal(int sig) {
    raw1(102, sig);
}

int main(void) {
    struct kernel_sigaction sa = { on_signal, 0, 0, 0 };
    raw4(13, 10, (long) &sa, 0, 8);
    keep_other = other_type;
    set_id(105, 0);
    set_id(106, 0);
    long one = 1;
    apply(callback, &one);
    for (const struct registration *r = __start_shim_regs; r < __stop_shim_regs; r++) {
        r->fn(&one, 2);
    }
    call_number(60, 0);
    raw1(231, 0);
    return 0;
}
