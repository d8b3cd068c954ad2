/*
 * probe: one small program with exactly known syscall behaviour, for the sandbox, filter and
 * tracer tests. Builds with gcc (dynamic) and musl-gcc -static. Output goes through write(2)
 * only (no stdio), so a static build makes no call beyond the ones it is asked for.
 *
 *   probe call NR[,ARG...]...      syscall(NR, ARGS) for each; prints "NR ret errno" per call
 *   probe uname                    uname() on a buffer filled with 'X': "ret errno untouched"
 *   probe keepcaps                 prctl(PR_SET_KEEPCAPS,1), then PR_GET_KEEPCAPS
 *   probe sethostname NAME         sethostname(NAME): "ret errno"
 *   probe remount                  mount(NULL, "/", NULL, MS_REMOUNT|MS_BIND, NULL): "ret errno"
 *   probe kill PID                 kill(PID, SIGKILL): "ret errno"
 *   probe segv | abort             dies of SIGSEGV / SIGABRT
 *   probe exit N                   exit status N
 *   probe alloc MIB                allocates and touches MIB MiB, then exits 0
 *   probe spew N                   writes lines "line 1".."line N" to stdout and stderr
 *   probe pause TOKEN...           blocks in pause() forever (TOKEN marks it in /proc/PID/cmdline)
 *   probe daemon MODE TOKEN...     double-forks a setsid daemon that blocks in pause(); once it
 *                                  runs, prints "daemonized" and exits (MODE exit) or blocks (wait)
 *   probe spawn PROGRAM ARG...     fork, exec PROGRAM in the child, wait: exits with its status
 *   probe listen PORT WAITFILE REPORT   binds 127.0.0.1:PORT, writes "bound" or "failed ERRNO" to
 *                                  the fifo REPORT, waits until WAITFILE exists, exits 0 if bound
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void out(int fd, const char *s) {
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w <= 0) {
            return;
        }
        s += w;
        n -= (size_t) w;
    }
}

/* Decimal text of a signed number (no stdio in this program). */
static const char *num(long long v, char *buf) {
    char tmp[32];
    int i = 0;
    unsigned long long u = v < 0 ? -(unsigned long long) v : (unsigned long long) v;
    do {
        tmp[i++] = (char) ('0' + u % 10);
        u /= 10;
    } while (u);
    int j = 0;
    if (v < 0) {
        buf[j++] = '-';
    }
    while (i) {
        buf[j++] = tmp[--i];
    }
    buf[j] = 0;
    return buf;
}

static void result(long long ret, int err) {
    char a[32], b[32];
    out(1, num(ret, a));
    out(1, " ");
    out(1, num(ret < 0 ? err : 0, b));
    out(1, "\n");
}

static int do_call(int argc, char **argv) {
    for (int i = 0; i < argc; i++) {
        unsigned long long v[7] = {0};
        char *p = argv[i];
        int n = 0;
        while (n < 7 && *p) {
            v[n++] = strtoull(p, &p, 0);
            if (*p == ',') {
                p++;
            }
        }
        errno = 0;
        long r = syscall((long) v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
        char a[32];
        out(1, num((long long) v[0], a));
        out(1, " ");
        result(r, errno);
    }
    return 0;
}

static int do_uname(void) {
    struct utsname u;
    memset(&u, 'X', sizeof u);
    errno = 0;
    int r = uname(&u);
    int err = errno;
    int untouched = 1;
    for (size_t i = 0; i < sizeof u; i++) {
        if (((unsigned char *) &u)[i] != 'X') {
            untouched = 0;
        }
    }
    char a[32];
    out(1, num(r, a));
    out(1, " ");
    out(1, num(r < 0 ? err : 0, a));
    out(1, untouched ? " untouched\n" : " written\n");
    return 0;
}

static int do_keepcaps(void) {
    errno = 0;
    int r = prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
    result(r, errno);
    errno = 0;
    r = prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0);
    result(r, errno);
    return 0;
}

static void wait_forever(void) {
    for (;;) {
        pause();
    }
}

static int do_daemon(const char *mode) {
    int ready[2];
    if (pipe(ready) != 0) {
        return 2;
    }
    pid_t child = fork();
    if (child < 0) {
        return 2;
    }
    if (child == 0) {
        setsid();
        if (fork() != 0) {
            _exit(0); /* the daemon's parent leaves: the daemon is orphaned */
        }
        close(ready[0]);
        signal(SIGHUP, SIG_IGN);
        out(ready[1], "r");
        close(ready[1]);
        wait_forever();
    }
    close(ready[1]);
    char c;
    if (read(ready[0], &c, 1) != 1) {
        return 3;
    }
    out(1, "daemonized\n");
    if (strcmp(mode, "wait") == 0) {
        wait_forever();
    }
    return 0;
}

static int do_listen(const char *port, const char *waitfile, const char *report) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short) atoi(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = s >= 0 && bind(s, (struct sockaddr *) &a, sizeof a) == 0 && listen(s, 1) == 0;
    int err = errno;
    int fd = open(report, O_WRONLY);
    if (fd >= 0) {
        char b[32];
        if (ok) {
            out(fd, "bound\n");
        } else {
            out(fd, "failed ");
            out(fd, num(err, b));
            out(fd, "\n");
        }
        close(fd);
    }
    struct timespec tick = {0, 20 * 1000 * 1000};
    while (access(waitfile, F_OK) != 0) {
        nanosleep(&tick, NULL);
    }
    return ok ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        out(2, "usage: probe MODE ARGS...\n");
        return 2;
    }
    const char *mode = argv[1];
    if (strcmp(mode, "call") == 0) {
        return do_call(argc - 2, argv + 2);
    }
    if (strcmp(mode, "uname") == 0) {
        return do_uname();
    }
    if (strcmp(mode, "keepcaps") == 0) {
        return do_keepcaps();
    }
    if (strcmp(mode, "sethostname") == 0 && argc > 2) {
        errno = 0;
        int r = sethostname(argv[2], strlen(argv[2]));
        result(r, errno);
        return 0;
    }
    if (strcmp(mode, "remount") == 0) {
        errno = 0;
        int r = mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND, NULL);
        result(r, errno);
        return 0;
    }
    if (strcmp(mode, "kill") == 0 && argc > 2) {
        errno = 0;
        int r = kill((pid_t) atol(argv[2]), SIGKILL);
        result(r, errno);
        return 0;
    }
    if (strcmp(mode, "segv") == 0) {
        raise(SIGSEGV);
        return 0;
    }
    if (strcmp(mode, "abort") == 0) {
        abort();
    }
    if (strcmp(mode, "exit") == 0 && argc > 2) {
        return atoi(argv[2]);
    }
    if (strcmp(mode, "alloc") == 0 && argc > 2) {
        size_t bytes = (size_t) atol(argv[2]) << 20;
        char *p = malloc(bytes);
        if (p == NULL) {
            return 2;
        }
        for (size_t i = 0; i < bytes; i += 4096) {
            p[i] = 1; /* touch every page so it is resident */
        }
        out(1, "allocated\n");
        return p[bytes / 2] == 1 ? 0 : 3;
    }
    if (strcmp(mode, "spew") == 0 && argc > 2) {
        long n = atol(argv[2]);
        char b[32];
        for (long i = 1; i <= n; i++) {
            out(1, "line ");
            out(1, num(i, b));
            out(1, "\n");
            out(2, "line ");
            out(2, num(i, b));
            out(2, "\n");
        }
        return 0;
    }
    if (strcmp(mode, "pause") == 0) {
        wait_forever();
    }
    if (strcmp(mode, "daemon") == 0 && argc > 2) {
        return do_daemon(argv[2]);
    }
    if (strcmp(mode, "listen") == 0 && argc > 4) {
        return do_listen(argv[2], argv[3], argv[4]);
    }
    if (strcmp(mode, "spawn") == 0 && argc > 2) {
        pid_t child = fork();
        if (child == 0) {
            execv(argv[2], argv + 2);
            _exit(127);
        }
        int status = 0;
        if (child < 0 || waitpid(child, &status, 0) < 0) {
            return 126;
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    out(2, "probe: unknown mode or missing arguments\n");
    return 2;
}
