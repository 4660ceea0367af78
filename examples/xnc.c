/* xnc: a small netcat-like client.  Sends its standard input to host:port,
   half-closes, and copies what comes back to standard output.

   usage: xnc [--timeout MS] [--trace] host port */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xsock.h>

static void print_call(void *user, const xsock_trace_event *ev)
{
    (void)user;
    fprintf(stderr, "xnc: %s(handle %lld) = %ld, os_error %d, %.1f us\n", ev->call,
            ev->handle == XSOCK_INVALID_NATIVE ? -1LL : (long long)ev->handle, ev->result,
            ev->os_error, (double)ev->duration_ns / 1000.0);
}

static int usage(void)
{
    fprintf(stderr, "usage: xnc [--timeout MS] [--trace] host port\n");
    return 2;
}

int main(int argc, char **argv)
{
    int timeout_ms = 10000, i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
            timeout_ms = atoi(argv[++i]);
        else if (strcmp(argv[i], "--trace") == 0)
            xsock_set_trace(print_call, NULL);
        else
            return usage();
    }
    if (argc - i != 2) return usage();
    long port = strtol(argv[i + 1], NULL, 10);
    if (port <= 0 || port > 65535) return usage();

    xsock_init();
    xsock *s = NULL;
    int rc = xsock_connect(&s, argv[i], (uint16_t)port, timeout_ms);
    if (rc != XSOCK_OK) {
        fprintf(stderr, "xnc: %s: %s\n", xsock_errname(rc), xsock_last_error_detail());
        xsock_cleanup();
        return 1;
    }
    char buf[16384];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        if ((rc = xsock_send_all(s, buf, n, timeout_ms)) != XSOCK_OK) break;
    }
    if (rc == XSOCK_OK) rc = xsock_shutdown(s, XSOCK_SHUT_WR);
    ptrdiff_t got = 0;
    while (rc == XSOCK_OK && (got = xsock_recv(s, buf, sizeof buf, timeout_ms)) > 0)
        fwrite(buf, 1, (size_t)got, stdout);
    if (got < 0) rc = (int)got;
    if (rc != XSOCK_OK) fprintf(stderr, "xnc: %s: %s\n", xsock_errname(rc), xsock_last_error_detail());
    xsock_close(s);
    xsock_cleanup();
    return rc == XSOCK_OK ? 0 : 1;
}
