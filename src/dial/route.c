/* SPDX-License-Identifier: MIT */
/* Which way a dial goes: the dialer's fixed proxy, else its selector, else
   the default selector, else direct (Java's ProxySelector order).  Each
   proxy the selector names is tried in turn inside the one deadline;
   connect_failed hears of every proxy that failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dial.h"
#include "proxy_list.h"
#include "../proxy/proxy_url.h"

/* An atomic pointer rather than a field under XSOCK_OS_LOCK_CONFIG: every
   dial reads it, and a load costs no lock round trip. */
static _Atomic(const xsock_proxy_selector *) g_default_selector;

void xsock_set_default_proxy_selector(const xsock_proxy_selector *sel)
{
    atomic_store_explicit(&g_default_selector, sel && sel->select ? sel : NULL, memory_order_release);
}

/* A host name (not a literal: dial_direct looked): its addresses,
   resolved and connected to within the dial's deadline. */
static XSOCK__NOINLINE int dial_name(const xsock__dial_ctx *ctx, const char *host, uint16_t port,
                                     xsock **out)
{
    xsock__addr addrs[XSOCK__MAX_ADDRS];
    size_t n = 0;
    int rc = xsock__resolve_name(ctx, host, port, ctx->opts->family, addrs, XSOCK__MAX_ADDRS, &n);
    if (rc != XSOCK_OK) return rc;
    if (n == 0) return xsock__fail_msg(XSOCK_ENOTFOUND, "resolve %s: no address", host);
    return xsock__connect_addrs(ctx, addrs, n, host, port, out);
}

/* The direct route: a literal is its one address and never reaches the
   resolver.  `born_ns`: see xsock__connect_one. */
static int dial_direct(const xsock__dial_ctx *ctx, const char *host, uint16_t port,
                       uint64_t born_ns, xsock **out)
{
    xsock__addr one;
    int rc = xsock__literal_address(host, port, ctx->opts->family, &one);
    if (rc == XSOCK__NOT_LITERAL) return dial_name(ctx, host, port, out);
    return rc == XSOCK_OK ? xsock__connect_one(ctx, &one, born_ns, host, port, out) : rc;
}

/* One entry: a proxy, or "direct". */
static int dial_entry(const xsock__dial_ctx *ctx, const xsock__proxy_url *p, const char *host,
                      uint16_t port, xsock **out)
{
    if (p->scheme == XSOCK__PROXY_DIRECT) return dial_direct(ctx, host, port, 0, out);
    return xsock__dial_proxy(ctx, p, host, port, out);
}

/* "socket://host:port", an IPv6 literal bracketed, the host exactly as
   given, whatever its length; NULL when out of memory. */
static char *selector_uri(const char *host, uint16_t port)
{
    size_t len = strlen("socket://[]:65535") + strlen(host) + 1;
    char *uri = malloc(len);
    if (!uri) return NULL;
    memcpy(uri, "socket://", 9);
    xsock__host_port(uri + 9, len - 9, host, port);
    return uri;
}

static int dial_selected(const xsock__dial_ctx *ctx, const xsock_proxy_selector *sel,
                         const char *host, uint16_t port, xsock **out)
{
    xsock_proxy_list list;
    char *uri = selector_uri(host, port);
    if (!uri) return xsock__fail_msg(XSOCK_ENOMEM, "proxy selector uri for %s", host);
    xsock__proxy_list_init(&list);
    unsigned before = xsock__detail_generation();
    int rc = sel->select(sel->user, uri, &list);
    if (rc < 0) {
        xsock__proxy_list_free(&list);
        /* keep what the selector said about why, if it said anything */
        if (xsock__detail_generation() != before)
            xsock__detail_prefix("proxy selector refused %s", uri);
        else
            rc = xsock__fail_msg(rc, "proxy selector refused %s", uri);
        free(uri);
        return rc;
    }
    if (list.n == 0) {
        xsock__proxy_list_free(&list);
        free(uri);
        return dial_direct(ctx, host, port, 0, out);
    }
    for (size_t i = 0; i < list.n; i++) {
        const xsock__proxy_url *p = &list.items[i];
        rc = dial_entry(ctx, p, host, port, out);
        if (rc == XSOCK_OK) break;
        /* a failing "direct" is no proxy failing */
        if (p->scheme != XSOCK__PROXY_DIRECT && sel->connect_failed) {
            char detail[XSOCK__DETAIL_MAX];
            int os_error = xsock_last_os_error();
            snprintf(detail, sizeof detail, "%s", xsock_last_error_detail());
            sel->connect_failed(sel->user, uri, p->display, rc);
            xsock__fail_text(rc, os_error, detail); /* the callback may have failed calls */
        }
        if (rc == XSOCK_ETIMEDOUT || rc == XSOCK_EAGAIN || rc == XSOCK_ELIMIT) break;
    }
    xsock__proxy_list_free(&list);
    free(uri);
    return rc;
}

int xsock__dial_route(const xsock__dial_ctx *ctx, const char *host, uint16_t port, xsock **out)
{
    const xsock_dialer *d = ctx->opts;
    if (d->proxy) return dial_entry(ctx, d->proxy, host, port, out);
    const xsock_proxy_selector *sel =
        d->selector ? d->selector : atomic_load_explicit(&g_default_selector, memory_order_acquire);
    if (sel) return dial_selected(ctx, sel, host, port, out);
    /* nothing ran since the dial's start reading: the socket's birth */
    return dial_direct(ctx, host, port, ctx->deadline.start_ns, out);
}
