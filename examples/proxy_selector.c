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

#include "args.h"

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

static const char usage_text[] =
    "usage: proxy_selector [--timeout MS] [--no-direct] [--send TEXT] host port [PROXY-URL...]\n"
    "\n"
    "Connects to host:port trying each PROXY-URL in order, then a direct connect\n"
    "(unless --no-direct), all within one deadline, and prints which route worked.\n"
    "\n"
    "  --timeout MS  the deadline of the whole dial (default 10000), and of each\n"
    "                send and receive with --send\n"
    "  --no-direct   do not fall back to a direct connect\n"
    "  --send TEXT   send TEXT, half-close, and print the reply\n"
    "  -h, --help    print this help and exit\n"
    "\n"
    "PROXY-URL: socks4://, socks4a://, socks5://, socks5h:// or http:// (CONNECT),\n"
    "with an optional user:password@ (percent-encoded), or \"direct\".\n";

int main(int argc, char **argv)
{
    int timeout_ms = 10000;
    const char *send = NULL, *opt;
    route_plan plan = {NULL, 0, 1, 0};
    args_cursor a;
    args_begin(&a, "proxy_selector", usage_text, argc, argv);
    while ((opt = args_next_option(&a)) != NULL) {
        if (strcmp(opt, "--timeout") == 0)
            timeout_ms = args_millis(&a, opt, args_value(&a, opt), 0);
        else if (strcmp(opt, "--no-direct") == 0)
            plan.direct_last = 0;
        else if (strcmp(opt, "--send") == 0)
            send = args_value(&a, opt);
        else
            args_unknown_option(&a, opt);
    }
    int npos;
    char **pos = args_positionals(&a, 2, a.argc, "host and port", &npos);
    const char *host = pos[0];
    uint16_t port = args_port(&a, "port", pos[1], 0);
    plan.proxies = pos + 2;
    plan.n = npos - 2;
    if (plan.n == 0 && !plan.direct_last) args_fail(&a, "--no-direct needs at least one PROXY-URL");

    xsock_init();
    xsock_dialer *d = xsock_dialer_new();
    if (!d) {
        xsock_cleanup();
        return 1;
    }
    xsock_dialer_set_timeout(d, timeout_ms); /* validated above: >= 0 */
    /* Check the URLs before dialing, each with the parser's reason: a bad
       one is a bad argument (exit 2), not a failed route.  set_proxy
       validates one; NULL removes it again, since a fixed proxy would win
       over the selector below. */
    for (int k = 0; k < plan.n; k++) {
        char name[32];
        snprintf(name, sizeof name, "PROXY-URL #%d", k + 1);
        args_set_proxy(&a, d, name, plan.proxies[k]);
    }
    int rc = xsock_dialer_set_proxy(d, NULL);

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
        args_url_without_userinfo(route, sizeof route, used);
        xsock_peer_addr(s, peer, sizeof peer);
        printf("connected to %s:%u via %s (socket peer %s) after %d failed prox%s\n", host, (unsigned)port, route,
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
