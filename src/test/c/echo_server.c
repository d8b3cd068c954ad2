/* A tiny line-echo server for the newcomer-path test: listens on 127.0.0.1:PORT (argv[1]), logs
 * to the file named by $ECHO_LOG (so a spec's env must be expanded: "$SCRATCH/echo.log" taken
 * literally cannot be created), answers each connection's first line with the same line, and
 * exits 0 on SIGTERM. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig) {
    (void) sig;
    stop = 1;
}

int main(int argc, char **argv) {
    if (argc < 2)
        return 2;
    const char *logname = getenv("ECHO_LOG");
    FILE *log = logname ? fopen(logname, "a") : NULL;
    if (log == NULL) {
        fprintf(stderr, "echo_server: cannot open the log '%s'\n", logname ? logname : "(ECHO_LOG unset)");
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short) atoi(argv[1]));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *) &a, sizeof a) != 0 || listen(s, 16) != 0) {
        perror("echo_server: bind/listen");
        return 1;
    }
    while (!stop) {
        int c = accept(s, NULL, NULL);
        if (c < 0)
            continue;
        char buf[256];
        ssize_t n = read(c, buf, sizeof buf);
        if (n > 0 && write(c, buf, (size_t) n) != n)
            fprintf(log, "short write\n");
        fprintf(log, "served %zd bytes\n", n);
        fflush(log);
        close(c);
    }
    fclose(log);
    return 0;
}
