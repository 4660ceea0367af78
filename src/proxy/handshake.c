/* SPDX-License-Identifier: MIT */
/* The handshake driver: starts the machine a proxy URL names and runs it
   through its ops (see handshake.h).  Pure C11. */
#include "handshake.h"

#include <stdio.h>
#include <string.h>

#include "http_connect.h"
#include "proxy_url.h"
#include "socks4.h"
#include "socks5.h"
#include "../util.h"
#include "xsock.h"

const uint8_t *xsock__hs_output(const xsock__hs *hs, size_t *len)
{
    if (hs->result < 0 || hs->result == XSOCK_OK || hs->out_start >= hs->out_end) {
        *len = 0;
        return hs->out;
    }
    *len = hs->out_end - hs->out_start;
    return hs->out + hs->out_start;
}

void xsock__hs_output_sent(xsock__hs *hs, size_t n)
{
    size_t left = hs->out_end - hs->out_start;
    if (n > left) n = left;
    hs->out_start += n;
    if (hs->out_start == hs->out_end && hs->out_end > hs->seg_start) {
        /* the segment is gone: forget it (credentials travel in one) */
        xsock__secure_zero(hs->out + hs->seg_start, hs->out_end - hs->seg_start);
        hs->seg_start = hs->out_start = hs->out_end = 0;
    }
}

int xsock__hs_status(const xsock__hs *hs)
{
    if (hs->result <= 0) return hs->result;
    return hs->out_start < hs->out_end ? XSOCK__HS_WANT_WRITE : XSOCK__HS_WANT_READ;
}

int xsock__hs_input(xsock__hs *hs, const uint8_t *data, size_t len, size_t *used)
{
    *used = 0;
    int st = xsock__hs_status(hs);
    if (st != XSOCK__HS_WANT_READ) return st;
    if (len == 0) return XSOCK__HS_WANT_READ;
    if (!hs->ops) return xsock__hs_fail(hs, XSOCK_EINVAL, "proxy handshake not started");
    int rc = hs->ops->input(hs, data, len, used);
    hs->received += *used;
    if (rc <= 0) hs->result = rc;
    return rc;
}

int xsock__hs_eof(xsock__hs *hs)
{
    if (hs->result <= 0) return hs->result;
    if (!hs->ops) return xsock__hs_fail(hs, XSOCK_EINVAL, "proxy handshake not started");
    return hs->ops->eof(hs);
}

const char *xsock__hs_detail(const xsock__hs *hs)
{
    return hs->detail;
}

const xsock__hs_bound *xsock__hs_bound_addr(const xsock__hs *hs)
{
    return hs->bound.atyp ? &hs->bound : NULL;
}

/* A start zeroes the whole struct anyway: here only what a wipe reads. */
void xsock__hs_init(xsock__hs *hs)
{
    hs->out_used = 0;
}

/* What can hold a secret: the fields, the protocol's state, and the part
   of the output buffer ever written; and the detail, as a reset does. */
void xsock__hs_wipe(xsock__hs *hs)
{
    if (!hs) return;
    xsock__secure_zero(hs->out, hs->out_used);
    xsock__secure_zero(&hs->state, sizeof hs->state);
    xsock__secure_zero(hs, offsetof(xsock__hs, out));
}

/* The machine of each scheme: the driver knows the tables, not the
   protocols. */
static const xsock__hs_ops *ops_of(int scheme)
{
    switch (scheme) {
    case XSOCK__PROXY_SOCKS4:
    case XSOCK__PROXY_SOCKS4A:
        return &xsock__socks4_ops;
    case XSOCK__PROXY_SOCKS5:
    case XSOCK__PROXY_SOCKS5H:
        return &xsock__socks5_ops;
    case XSOCK__PROXY_HTTP:
        return &xsock__http_connect_ops;
    default:
        return NULL;
    }
}

int xsock__hs_start(xsock__hs *hs, const xsock__proxy_url *proxy, const char *host, uint16_t port)
{
    if (!hs) return XSOCK_EINVAL;
    const xsock__hs_ops *ops = proxy ? ops_of(proxy->scheme) : NULL;
    if (!ops) {
        xsock__hs_reset(hs, XSOCK__HS_NONE, NULL);
        if (!proxy) return xsock__hs_fail(hs, XSOCK_EINVAL, "proxy handshake: no proxy");
        return xsock__hs_fail(hs, XSOCK_EINVAL, "proxy handshake: \"%s\" needs none",
                              xsock__proxy_scheme_name(proxy->scheme));
    }
    return ops->start(hs, proxy, host, port);
}

int xsock__hs_start_addr(xsock__hs *hs, const xsock__proxy_url *proxy, const xsock__addr *a)
{
    char ip[XSOCK__ADDRSTRLEN];
    if (!hs) return XSOCK_EINVAL;
    if (!a || xsock__addr_format_ip(a, ip, sizeof ip) != XSOCK_OK) {
        xsock__hs_reset(hs, XSOCK__HS_NONE, NULL);
        return xsock__hs_fail(hs, XSOCK_EINVAL, "proxy handshake: bad target address");
    }
    return xsock__hs_start(hs, proxy, ip, a->port);
}
