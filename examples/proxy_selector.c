/* SPDX-License-Identifier: MIT */
/* proxy_selector: a custom proxy selector with failover, in the style of
   Java's ProxySelector.  The proxies come from the command line and are
   tried in order; "direct" (a plain connect) is the last resort unless
   --no-direct is given.  Every proxy that fails is reported to
   connect_failed, which logs it (the library hands it the URL without its
   user:password), and the next one is tried, all within one deadline.

   usage: proxy_selector [--timeout MS] [--no-direct] [--send TEXT]
                         host port [PROXY-URL...]

   e.g.   proxy_selector example.com 80 socks5h://127.0.0.1:1080 \
              http://user:secret@127.0.0.1:3128

   Prints which route worked; with --send, sends TEXT, half-closes and
   prints the reply.  To make a selector apply to every connect of the
   program (xsock_connect included), install it with
   xsock_set_default_proxy_selector(&selector) instead of on a dialer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xsock.h>

typedef struct route_plan {
    char **proxies; /* from argv */
    int n;
    int direct_last;
    int failures; /* reported by connect_failed during the current dial */
} route_plan;

/* uri is "socket://host:port".  Add what to try, in order.  A selector
   could choose per target here (e.g. no proxy for internal hosts). */
static int select_routes(void *user, const char *uri, xsock_proxy_list *out)
{
    route_plan *p = user;
    fprintf(stderr, "proxy_selector: select(%s): %d prox%s%s\n", uri, p->n, p->n == 1 ? "y" : "ies",
            p->direct_last ? ", then direct" : "");
    for (int i = 0; i < p->n; i++) {
        int rc = xsock_proxy_list_add(out, p->proxies[i]);
        if (rc != XSOCK_OK) return rc; /* a negative return aborts the connect */
    }
    if (p->direct_last) return xsock_proxy_list_add(out, "direct");
    return XSOCK_OK;
}

/* Called for each proxy that failed, before the next is tried. */
static void log_failure(void *user, const char *uri, const char *proxy_url, int err)
{
    route_plan *p = user;
    p->failures++;
    fprintf(stderr, "proxy_selector: connect_failed(%s, %s): %s (%s)\n", uri, proxy_url, xsock_errname(err),
            xsock_strerror(err));
}

/* The URL without "user:password@", for printing. */
static void without_userinfo(char *out, size_t len, const char *url)
{
    const char *auth = strstr(url, "://");
    const char *at = auth ? strrchr(auth + 3, '@') : NULL;
    if (at) snprintf(out, len, "%.*s%s", (int)(auth + 3 - url), url, at + 1);
    else snprintf(out, len, "%s", url);
}

static int usage(void)
{
    fprintf(stderr,
            "usage: proxy_selector [--timeout MS] [--no-direct] [--send TEXT] host port [PROXY-URL...]\n");
    return 2;
}

int main(int argc, char **argv)
{
    int timeout_ms = 10000, i = 1;
    const char *send = NULL;
    route_plan plan = {NULL, 0, 1, 0};
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
            timeout_ms = atoi(argv[++i]);
        else if (strcmp(argv[i], "--no-direct") == 0)
            plan.direct_last = 0;
        else if (strcmp(argv[i], "--send") == 0 && i + 1 < argc)
            send = argv[++i];
        else
            return usage();
    }
    if (argc - i < 2) return usage();
    const char *host = argv[i];
    long port = strtol(argv[i + 1], NULL, 10);
    if (port <= 0 || port > 65535) return usage();
    plan.proxies = argv + i + 2;
    plan.n = argc - i - 2;
    if (plan.n == 0 && !plan.direct_last) return usage();

    xsock_init();
    xsock_dialer *d = xsock_dialer_new();
    if (!d) {
        xsock_cleanup();
        return 1;
    }
    int rc = xsock_dialer_set_timeout(d, timeout_ms);
    /* Check the URLs before dialing: set_proxy validates one (and the
       selector below replaces it again, a fixed proxy would win otherwise). */
    for (int k = 0; rc == XSOCK_OK && k < plan.n; k++)
        if ((rc = xsock_dialer_set_proxy(d, plan.proxies[k])) != XSOCK_OK)
            fprintf(stderr, "proxy_selector: bad proxy URL #%d: %s\n", k + 1, xsock_errname(rc));
    if (rc == XSOCK_OK) rc = xsock_dialer_set_proxy(d, NULL);

    xsock_proxy_selector selector = {&plan, select_routes, log_failure};
    if (rc == XSOCK_OK) rc = xsock_dialer_set_proxy_selector(d, &selector);
    xsock *s = NULL;
    if (rc == XSOCK_OK) rc = xsock_dial(d, &s, host, (uint16_t)port);
    if (rc != XSOCK_OK) {
        fprintf(stderr, "proxy_selector: %s: %s\n", xsock_errname(rc), xsock_last_error_detail());
    } else {
        /* entries are tried in order: the failures tell which one worked */
        char route[512], peer[80] = "";
        const char *used = plan.failures < plan.n ? plan.proxies[plan.failures] : "direct";
        without_userinfo(route, sizeof route, used);
        xsock_peer_addr(s, peer, sizeof peer);
        printf("connected to %s:%ld via %s (socket peer %s) after %d failed prox%s\n", host, port, route,
               peer, plan.failures, plan.failures == 1 ? "y" : "ies");
        fflush(stdout);
        if (send) {
            rc = xsock_send_all(s, send, strlen(send), timeout_ms);
            if (rc == XSOCK_OK) rc = xsock_shutdown(s, XSOCK_SHUT_WR);
            char buf[4096];
            ptrdiff_t got = 0;
            while (rc == XSOCK_OK && (got = xsock_recv(s, buf, sizeof buf, timeout_ms)) > 0)
                fwrite(buf, 1, (size_t)got, stdout);
            if (got < 0) rc = (int)got;
            if (rc != XSOCK_OK)
                fprintf(stderr, "proxy_selector: %s: %s\n", xsock_errname(rc), xsock_last_error_detail());
        }
        xsock_close(s);
    }
    xsock_dialer_free(d);
    xsock_cleanup();
    return rc == XSOCK_OK ? 0 : 1;
}
