/* SPDX-License-Identifier: MIT */
/* Which way a dial goes: the dialer's fixed proxy, else its selector, else
   the default selector, else direct (Java's ProxySelector order).  Each
   proxy the selector names is tried in turn inside the one deadline;
   connect_failed hears of every proxy that failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "proxy_list.h"
#include "proxy_url.h"

static const xsock_proxy_selector *g_default_selector;

int xsock_dialer_set_proxy(xsock_dialer *d, const char *url)
{
    if (!d) return xsock__fail_msg(XSOCK_EINVAL, "dialer_set_proxy: NULL dialer");
    xsock_proxy_url *p = NULL;
    if (url) {
        if (!(p = malloc(sizeof *p))) return xsock__fail_msg(XSOCK_ENOMEM, "dialer_set_proxy");
        if (xsock_proxy_url_parse(url, p) != XSOCK_OK) {
            int rc = xsock__fail_msg(XSOCK_EINVAL, "proxy URL: %s", p->error ? p->error : "invalid");
            free(p);
            return rc;
        }
    }
    if (d->proxy) xsock_proxy_url_wipe(d->proxy);
    free(d->proxy);
    d->proxy = p;
    return XSOCK_OK;
}

int xsock_dialer_set_proxy_selector(xsock_dialer *d, const xsock_proxy_selector *sel)
{
    if (!d) return xsock__fail_msg(XSOCK_EINVAL, "dialer_set_proxy_selector: NULL dialer");
    if (sel && !sel->select)
        return xsock__fail_msg(XSOCK_EINVAL, "dialer_set_proxy_selector: no select function");
    d->selector = sel;
    return XSOCK_OK;
}

void xsock_set_default_proxy_selector(const xsock_proxy_selector *sel)
{
    xsock_os_lock(XSOCK_LOCK_CONFIG);
    g_default_selector = sel && sel->select ? sel : NULL;
    xsock_os_unlock(XSOCK_LOCK_CONFIG);
}

/* One entry: a proxy, or "direct". */
static int dial_entry(const xsock_dial_ctx *ctx, const xsock_proxy_url *p, const char *host,
                      uint16_t port, xsock **out)
{
    if (p->scheme == XSOCK_PROXY_DIRECT) return xsock__dial_direct(ctx, host, port, out);
    return xsock__dial_proxy(ctx, p, host, port, out);
}

/* "socket://host:port", an IPv6 literal bracketed, the host as given. */
static void selector_uri(char *buf, size_t len, const char *host, uint16_t port)
{
    char hp[560];
    xsock_host_port(hp, sizeof hp, host, port);
    snprintf(buf, len, "socket://%s", hp);
}

static int dial_selected(const xsock_dial_ctx *ctx, const xsock_proxy_selector *sel,
                         const char *host, uint16_t port, xsock **out)
{
    char uri[600];
    xsock_proxy_list list;
    selector_uri(uri, sizeof uri, host, port);
    xsock__proxy_list_init(&list);
    char before[600];
    snprintf(before, sizeof before, "%s", xsock_last_error_detail());
    int rc = sel->select(sel->user, uri, &list);
    if (rc < 0) {
        xsock__proxy_list_free(&list);
        /* keep what the selector said about why, if it said anything */
        const char *why = xsock_last_error_detail();
        if (strcmp(why, before) != 0) {
            char text[1200];
            snprintf(text, sizeof text, "proxy selector refused %s: %s", uri, why);
            return xsock__fail_text(rc, 0, text);
        }
        return xsock__fail_msg(rc, "proxy selector refused %s", uri);
    }
    if (list.n == 0) {
        xsock__proxy_list_free(&list);
        return xsock__dial_direct(ctx, host, port, out);
    }
    for (size_t i = 0; i < list.n; i++) {
        const xsock_proxy_url *p = &list.items[i];
        rc = dial_entry(ctx, p, host, port, out);
        if (rc == XSOCK_OK) break;
        /* a failing "direct" is no proxy failing */
        if (p->scheme != XSOCK_PROXY_DIRECT && sel->connect_failed) {
            char detail[600];
            int os_error = xsock_last_os_error();
            snprintf(detail, sizeof detail, "%s", xsock_last_error_detail());
            sel->connect_failed(sel->user, uri, p->display, rc);
            xsock__fail_text(rc, os_error, detail); /* the callback may have failed calls */
        }
        if (rc == XSOCK_ETIMEDOUT || rc == XSOCK_EAGAIN || rc == XSOCK_ELIMIT) break;
    }
    xsock__proxy_list_free(&list);
    return rc;
}

int xsock__dial_route(const xsock_dial_ctx *ctx, const char *host, uint16_t port, xsock **out)
{
    const xsock_dialer *d = ctx->opts;
    if (d->proxy) return dial_entry(ctx, d->proxy, host, port, out);
    xsock_os_lock(XSOCK_LOCK_CONFIG);
    const xsock_proxy_selector *sel = d->selector ? d->selector : g_default_selector;
    xsock_os_unlock(XSOCK_LOCK_CONFIG);
    if (sel) return dial_selected(ctx, sel, host, port, out);
    return xsock__dial_direct(ctx, host, port, out);
}
