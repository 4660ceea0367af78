/* SPDX-License-Identifier: MIT */
/* A tour of xsock in one run: a refused connect, a timeout, an echo, the
   OS calls behind a timed connect, and the leak report. */
#define XSOCK_TRACK_SITES /* report lines say demo.c:LINE */
#include <stdio.h>
#include <string.h>
#include <xsock.h>

static void print_call(void *user, const xsock_trace_event *ev)
{
    (void)user;
    printf("demo:   %-12s handle=%-6lld result=%-5ld os_error=%-6d %6.1f us\n", ev->call,
           ev->handle == XSOCK_INVALID_NATIVE ? -1LL : (long long)ev->handle, ev->result,
           ev->os_error, (double)ev->duration_ns / 1000.0);
}

static int check(const char *what, int rc, int want)
{
    printf("demo: %-34s -> %s", what, xsock_errname(rc));
    if (rc != XSOCK_OK) printf(" (%s)", xsock_last_error_detail());
    printf("\n");
    if (rc != want) printf("demo: UNEXPECTED: wanted %s\n", xsock_errname(want));
    return rc == want;
}

int main(void)
{
    xsock *listener = NULL, *client = NULL, *server = NULL, *leak = NULL;
    xsock *fill[2] = {NULL, NULL};
    int ok = 1;
    xsock_init();

    /* 1. a port nobody listens on: a listener's port, once closed */
    ok &= check("listen on 127.0.0.1, port 0", xsock_listen(&listener, "127.0.0.1", 0, 1), XSOCK_OK);
    uint16_t port = (uint16_t)xsock_local_port(listener);
    xsock_close(listener);
    ok &= check("connect to a closed port", xsock_connect(&client, "127.0.0.1", port, 2000),
                XSOCK_ECONNREFUSED);

    /* 2. a timeout: a listener whose queue is full and who never accepts */
    ok &= check("listen with backlog 1", xsock_listen(&listener, "127.0.0.1", 0, 1), XSOCK_OK);
    port = (uint16_t)xsock_local_port(listener);
    for (int i = 0; i < 2; i++) xsock_connect(&fill[i], "127.0.0.1", port, 2000);
    ok &= check("connect to a full queue, 300 ms", xsock_connect(&client, "127.0.0.1", port, 300),
                XSOCK_ETIMEDOUT);
    for (int i = 0; i < 2; i++) xsock_close(fill[i]);
    xsock_close(listener);

    /* 3. an echo, with the OS calls of the timed connect traced */
    ok &= check("listen for the echo", xsock_listen(&listener, "127.0.0.1", 0, 8), XSOCK_OK);
    port = (uint16_t)xsock_local_port(listener);
    printf("demo: OS calls of one timed connect:\n");
    xsock_set_trace(print_call, NULL);
    ok &= check("connect, timeout 1000 ms", xsock_connect(&client, "127.0.0.1", port, 1000),
                XSOCK_OK);
    xsock_set_trace(NULL, NULL);
    ok &= check("accept", xsock_accept(listener, &server, 1000), XSOCK_OK);
    char buf[16] = {0};
    ok &= check("client sends \"hello\"", xsock_send_all(client, "hello", 5, 1000), XSOCK_OK);
    ok &= check("server receives 5 bytes", xsock_recv_all(server, buf, 5, 1000), XSOCK_OK);
    ok &= check("server echoes them", xsock_send_all(server, buf, 5, 1000), XSOCK_OK);
    memset(buf, 0, sizeof buf);
    ok &= check("client receives the echo", xsock_recv_all(client, buf, 5, 1000), XSOCK_OK);
    printf("demo: echo: \"%s\"\n", buf);
    ok &= strcmp(buf, "hello") == 0;

    /* 4. the leak report: one socket is left open on purpose */
    ok &= check("a socket we forget to close", xsock_connect(&leak, "127.0.0.1", port, 1000),
                XSOCK_OK);
    xsock_close(server);
    xsock_close(client);
    xsock_close(listener);
    xsock_stats st;
    xsock_get_stats(&st);
    printf("demo: stats: opened=%llu closed=%llu live=%llu peak=%llu os_calls=%llu\n",
           (unsigned long long)st.opened, (unsigned long long)st.closed,
           (unsigned long long)st.live, (unsigned long long)st.peak,
           (unsigned long long)st.os_calls);
    printf("demo: leak report:\n");
    size_t leaks = xsock_report_live(stdout);
    ok &= leaks == 1;
    xsock_close(leak);
    ok &= xsock_cleanup() == 0;
    printf("demo: done, %s\n", ok ? "all as expected" : "SOMETHING UNEXPECTED");
    return ok ? 0 : 1;
}
