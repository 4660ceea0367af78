/* SPDX-License-Identifier: MIT */
/* xnc: a small netcat-like client.  Sends its standard input to host:port,
   half-closes, and copies what comes back to standard output.

   usage: xnc [--timeout MS] [--trace] [--proxy URL] [--env-proxy] host port

   --proxy URL    connect through this proxy: socks4://, socks4a://,
                  socks5://, socks5h://, http:// (CONNECT), with an optional
                  user:password@ (percent-encoded), or "direct"
   --env-proxy    follow the environment: socks_proxy, all_proxy, no_proxy
                  (lowercase first, as curl does); --proxy wins over it

   Everything goes through one dialer: its timeout covers the name
   resolution, the connect to the proxy and the proxy handshake. */
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
    fprintf(stderr, "usage: xnc [--timeout MS] [--trace] [--proxy URL] [--env-proxy] host port\n");
    return 2;
}

int main(int argc, char **argv)
{
    int timeout_ms = 10000, env_proxy = 0, i = 1;
    const char *proxy = NULL;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
            timeout_ms = atoi(argv[++i]);
        else if (strcmp(argv[i], "--trace") == 0)
            xsock_set_trace(print_call, NULL);
        else if (strcmp(argv[i], "--proxy") == 0 && i + 1 < argc)
            proxy = argv[++i];
        else if (strcmp(argv[i], "--env-proxy") == 0)
            env_proxy = 1;
        else
            return usage();
    }
    if (argc - i != 2) return usage();
    long port = strtol(argv[i + 1], NULL, 10);
    if (port <= 0 || port > 65535) return usage();

    xsock_init();
    xsock_dialer *d = xsock_dialer_new();
    if (!d) {
        fprintf(stderr, "xnc: out of memory\n");
        xsock_cleanup();
        return 1;
    }
    int rc = xsock_dialer_set_timeout(d, timeout_ms);
    if (rc != XSOCK_OK) {
        fprintf(stderr, "xnc: bad timeout %d\n", timeout_ms);
        goto out;
    }
    /* The environment is read only because we install its selector; a
       fixed proxy on the same dialer would win over any selector. */
    if (env_proxy) xsock_dialer_set_proxy_selector(d, xsock_env_proxy_selector());
    if (proxy && (rc = xsock_dialer_set_proxy(d, proxy)) != XSOCK_OK) {
        fprintf(stderr, "xnc: bad proxy URL: %s\n", xsock_errname(rc));
        goto out;
    }

    xsock *s = NULL;
    rc = xsock_dial(d, &s, argv[i], (uint16_t)port);
    if (rc != XSOCK_OK) {
        fprintf(stderr, "xnc: %s: %s\n", xsock_errname(rc), xsock_last_error_detail());
        goto out;
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
out:
    xsock_dialer_free(d);
    xsock_cleanup();
    return rc == XSOCK_OK ? 0 : 1;
}
