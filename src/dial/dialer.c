/* SPDX-License-Identifier: MIT */
/* The dialer: every connect option in one place, and the dial entry points
   (xsock_dial, xsock_connect) that fix one deadline and pick the route. */
#include <stdlib.h>
#include <string.h>

#include "dial.h"
#include "../proxy/proxy_url.h"

#define DEFAULT_HE_DELAY_MS 250

/* Also the options of every xsock_connect, which has no dialer. */
static const xsock_dialer k_defaults = {
    .timeout_ms = XSOCK_INFINITE, .family = XSOCK_AF_UNSPEC, .he_delay_ms = DEFAULT_HE_DELAY_MS};

xsock_dialer *xsock_dialer_new(void)
{
    xsock_dialer *d = malloc(sizeof *d);
    if (!d) {
        xsock__fail_msg(XSOCK_ENOMEM, "allocating a dialer");
        return NULL;
    }
    *d = k_defaults;
    return d;
}

void xsock_dialer_free(xsock_dialer *d)
{
    if (!d) return;
    if (d->proxy) xsock__proxy_url_wipe(d->proxy);
    free(d->proxy);
    free(d);
}

int xsock_dialer_set_timeout(xsock_dialer *d, int timeout_ms)
{
    if (!d) return xsock__fail_msg(XSOCK_EINVAL, "dialer_set_timeout: NULL dialer");
    int rc = xsock__check_timeout(timeout_ms);
    if (rc == XSOCK_OK) d->timeout_ms = timeout_ms;
    return rc;
}

int xsock_dialer_set_family(xsock_dialer *d, int family)
{
    if (!d) return xsock__fail_msg(XSOCK_EINVAL, "dialer_set_family: NULL dialer");
    if (family != XSOCK_AF_UNSPEC && family != XSOCK_AF_INET && family != XSOCK_AF_INET6)
        return xsock__fail_msg(XSOCK_EINVAL, "dialer_set_family: unknown family %d", family);
    d->family = family;
    return XSOCK_OK;
}

int xsock_dialer_set_local(xsock_dialer *d, const char *host, uint16_t port)
{
    xsock__addr a;
    if (!d) return xsock__fail_msg(XSOCK_EINVAL, "dialer_set_local: NULL dialer");
    if (host && xsock__addr_parse(host, port, &a) != XSOCK_OK)
        return xsock__fail_msg(XSOCK_EINVAL, "dialer_set_local: \"%s\" is not an IP literal", host);
    if (!host) {
        memset(&a, 0, sizeof a);
        a.port = port;
    }
    d->local = a;
    d->local_any = host == NULL;
    d->has_local = 1;
    return XSOCK_OK;
}

int xsock_dialer_set_happy_eyeballs(xsock_dialer *d, int delay_ms)
{
    if (!d) return xsock__fail_msg(XSOCK_EINVAL, "dialer_set_happy_eyeballs: NULL dialer");
    if (delay_ms < 0)
        return xsock__fail_msg(XSOCK_EINVAL, "dialer_set_happy_eyeballs: delay %d ms", delay_ms);
    d->he_delay_ms = delay_ms;
    return XSOCK_OK;
}

int xsock_dialer_set_proxy(xsock_dialer *d, const char *url)
{
    if (!d) return xsock__fail_msg(XSOCK_EINVAL, "dialer_set_proxy: NULL dialer");
    xsock__proxy_url *p = NULL;
    if (url) {
        if (!(p = malloc(sizeof *p))) return xsock__fail_msg(XSOCK_ENOMEM, "dialer_set_proxy");
        if (xsock__proxy_url_parse(url, p) != XSOCK_OK) {
            int rc = xsock__fail_msg(XSOCK_EINVAL, "proxy URL: %s", p->error ? p->error : "invalid");
            free(p);
            return rc;
        }
    }
    if (d->proxy) xsock__proxy_url_wipe(d->proxy);
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

static int dial(const xsock_dialer *d, xsock **out, const char *host, uint16_t port,
                int timeout_ms, xsock__site site)
{
    xsock__dial_ctx ctx;
    if (!out) return xsock__fail_msg(XSOCK_EINVAL, "connect: NULL out");
    *out = NULL;
    if (!host) return xsock__fail_msg(XSOCK_EINVAL, "connect: NULL host");
    if (port == 0) return xsock__fail_msg(XSOCK_EINVAL, "connect %s: port 0", host);
    int rc = xsock__check_timeout(timeout_ms);
    if (rc != XSOCK_OK) return rc;
    if ((rc = xsock__ensure_init()) != XSOCK_OK) return rc;
    /* at the limit: no OS call at all, not even the resolver */
    if ((rc = xsock__check_limit()) != XSOCK_OK) return rc;

    ctx.opts = d;
    ctx.zero_timeout = timeout_ms == 0;
    ctx.site = site;
    xsock__deadline_start(&ctx.deadline, timeout_ms);
    return xsock__dial_route(&ctx, host, port, out);
}

static int no_dialer(xsock **out)
{
    if (out) *out = NULL;
    return xsock__fail_msg(XSOCK_EINVAL, "dial: NULL dialer");
}

int xsock_dial(const xsock_dialer *d, xsock **out, const char *host, uint16_t port)
{
    xsock__site site = {NULL, XSOCK__CALLER()};
    if (!d) return no_dialer(out);
    return dial(d, out, host, port, d->timeout_ms, site);
}

int xsock_dial_at(const xsock_dialer *d, xsock **out, const char *host, uint16_t port,
                  const char *where)
{
    xsock__site site = {where, where ? NULL : XSOCK__CALLER()};
    if (!d) return no_dialer(out);
    return dial(d, out, host, port, d->timeout_ms, site);
}

static int connect_site(xsock **out, const char *host, uint16_t port, int timeout_ms,
                        xsock__site site)
{
    return dial(&k_defaults, out, host, port, timeout_ms, site);
}

int xsock_connect(xsock **out, const char *host, uint16_t port, int timeout_ms)
{
    xsock__site site = {NULL, XSOCK__CALLER()};
    return connect_site(out, host, port, timeout_ms, site);
}

int xsock_connect_at(xsock **out, const char *host, uint16_t port, int timeout_ms,
                     const char *where)
{
    xsock__site site = {where, where ? NULL : XSOCK__CALLER()};
    return connect_site(out, host, port, timeout_ms, site);
}
