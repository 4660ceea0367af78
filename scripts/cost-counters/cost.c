/* SPDX-License-Identifier: MIT */
/* What the per-socket counters cost: one thread, no peer process, so the
   user-space instruction count per operation is exact under callgrind.
   usage: cost connect|rtt ITERATIONS   (prints ns per operation) */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xsock.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 3) return 2;
    long n = atol(argv[2]);
    xsock *l = NULL, *c = NULL, *a = NULL;
    if (xsock_listen(&l, "127.0.0.1", 0, 128) != XSOCK_OK) return 1;
    uint16_t port = (uint16_t)xsock_local_port(l);
    char msg[64], buf[64];
    memset(msg, 'x', sizeof msg);
    double t0 = now_ns();
    if (!strcmp(argv[1], "connect")) {
        /* connect + close (and the accept + close of the other end) */
        for (long i = 0; i < n; i++) {
            if (xsock_connect(&c, "127.0.0.1", port, 1000) != XSOCK_OK) return 1;
            if (xsock_accept(l, &a, 1000) != XSOCK_OK) return 1;
            xsock_close(c);
            xsock_close(a);
        }
    } else {
        /* a 64-byte round trip: send_all + recv_all each way */
        if (xsock_connect(&c, "127.0.0.1", port, 1000) != XSOCK_OK) return 1;
        if (xsock_accept(l, &a, 1000) != XSOCK_OK) return 1;
        t0 = now_ns();
        for (long i = 0; i < n; i++) {
            if (xsock_send_all(c, msg, sizeof msg, 1000) != XSOCK_OK) return 1;
            if (xsock_recv_all(a, buf, sizeof buf, 1000) != XSOCK_OK) return 1;
            if (xsock_send_all(a, buf, sizeof buf, 1000) != XSOCK_OK) return 1;
            if (xsock_recv_all(c, buf, sizeof buf, 1000) != XSOCK_OK) return 1;
        }
        xsock_close(c);
        xsock_close(a);
    }
    printf("%s %.0f ns/op\n", argv[1], (now_ns() - t0) / (double)n);
    xsock_close(l);
    return 0;
}
