/* SPDX-License-Identifier: MIT */
/* Cost of a timed connect + close to a loopback listener, and of a small
   request/response, through xsock and through a raw POSIX loop doing the
   same work in the same run.  Prints times, the ratio, and OS calls per
   operation (xsock's own count; the raw loop's is known by construction).

   usage: bench_connect [iterations]   (default 20000) */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <xsock.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t os_calls(void)
{
    xsock_stats st;
    xsock_get_stats(&st);
    return st.os_calls;
}

static volatile int g_stop;
static int g_listen_fd;

/* Accepts and closes (connect bench) or echoes one message (rtt bench). */
static void *acceptor(void *arg)
{
    int echo = arg != NULL;
    while (!g_stop) {
        struct pollfd p = {g_listen_fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        int fd = accept4(g_listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) continue;
        if (echo) {
            char buf[64];
            ssize_t n;
            while ((n = recv(fd, buf, sizeof buf, 0)) > 0) send(fd, buf, (size_t)n, MSG_NOSIGNAL);
        }
        close(fd);
    }
    return NULL;
}

static int raw_timed_connect(const struct sockaddr_in *sa, int timeout_ms)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (const struct sockaddr *)sa, sizeof *sa) < 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    struct pollfd p = {fd, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof err;
    if (poll(&p, 1, timeout_ms) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
        close(fd);
        return -1;
    }
    return fd;
}

static void report(const char *what, double raw_s, double lib_s, long n, double calls_per_op,
                   double raw_calls)
{
    printf("%-22s raw %8.2f us/op   xsock %8.2f us/op   ratio %.3f   OS calls/op: raw %.2f, xsock %.2f\n",
           what, raw_s / (double)n * 1e6, lib_s / (double)n * 1e6, lib_s / raw_s, raw_calls,
           calls_per_op);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    socklen_t len = sizeof sa;
    if (bind(g_listen_fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(g_listen_fd, 4096) < 0 ||
        getsockname(g_listen_fd, (struct sockaddr *)&sa, &len) < 0) {
        perror("listen");
        return 1;
    }
    uint16_t port = ntohs(sa.sin_port);
    pthread_t t;
    pthread_create(&t, NULL, acceptor, NULL);

    /* warm up both paths */
    for (int i = 0; i < 200; i++) {
        xsock *s;
        if (xsock_connect(&s, "127.0.0.1", port, 1000) == XSOCK_OK) xsock_close(s);
        int fd = raw_timed_connect(&sa, 1000);
        if (fd >= 0) close(fd);
    }

    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        int fd = raw_timed_connect(&sa, 1000);
        if (fd < 0) return 1;
        close(fd);
    }
    double raw = now_s() - t0;
    uint64_t c0 = os_calls();
    t0 = now_s();
    for (long i = 0; i < n; i++) {
        xsock *s;
        if (xsock_connect(&s, "127.0.0.1", port, 1000) != XSOCK_OK) return 1;
        xsock_close(s);
    }
    double lib = now_s() - t0;
    report("timed connect + close", raw, lib, n, (double)(os_calls() - c0) / (double)n, 5.0);
    g_stop = 1;
    pthread_join(t, NULL);

    /* request/response over one connection */
    g_stop = 0;
    pthread_create(&t, NULL, acceptor, (void *)1);
    /* one echo connection at a time: the echo thread serves them in turn */
    int fd = raw_timed_connect(&sa, 1000);
    xsock *s;
    if (fd < 0) return 1;
    char msg[32] = "ping", buf[32];
    long rounds = n * 2, raw_calls = 0;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    t0 = now_s();
    for (long i = 0; i < rounds; i++) {
        send(fd, msg, sizeof msg, MSG_NOSIGNAL);
        raw_calls++;
        size_t got = 0;
        while (got < sizeof msg) {
            struct pollfd p = {fd, POLLIN, 0};
            ssize_t r = recv(fd, buf + got, sizeof msg - got, 0);
            raw_calls++;
            if (r > 0) {
                got += (size_t)r;
            } else if (r < 0 && errno == EAGAIN) {
                poll(&p, 1, 1000);
                raw_calls++;
            } else {
                return 1;
            }
        }
    }
    raw = now_s() - t0;
    close(fd);
    if (xsock_connect(&s, "127.0.0.1", port, 1000) != XSOCK_OK) return 1;
    c0 = os_calls();
    t0 = now_s();
    for (long i = 0; i < rounds; i++) {
        if (xsock_send_all(s, msg, sizeof msg, 1000) != XSOCK_OK) return 1;
        if (xsock_recv_all(s, buf, sizeof msg, 1000) != XSOCK_OK) return 1;
    }
    lib = now_s() - t0;
    report("32-byte round trip", raw, lib, rounds, (double)(os_calls() - c0) / (double)rounds,
           (double)raw_calls / (double)rounds);
    xsock_close(s);
    g_stop = 1;
    pthread_join(t, NULL);
    close(g_listen_fd);
    return xsock_cleanup() == 0 ? 0 : 1;
}
