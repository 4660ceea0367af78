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

const uint8_t *xsock_hs_output(const xsock_hs *hs, size_t *len)
{
    if (hs->result < 0 || hs->result == XSOCK_OK || hs->out_start >= hs->out_end) {
        *len = 0;
        return hs->out;
    }
    *len = hs->out_end - hs->out_start;
    return hs->out + hs->out_start;
}

void xsock_hs_output_sent(xsock_hs *hs, size_t n)
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

int xsock_hs_status(const xsock_hs *hs)
{
    if (hs->result <= 0) return hs->result;
    return hs->out_start < hs->out_end ? XSOCK_HS_WANT_WRITE : XSOCK_HS_WANT_READ;
}

int xsock_hs_input(xsock_hs *hs, const uint8_t *data, size_t len, size_t *used)
{
    *used = 0;
    int st = xsock_hs_status(hs);
    if (st != XSOCK_HS_WANT_READ) return st;
    if (len == 0) return XSOCK_HS_WANT_READ;
    if (!hs->ops) return xsock__hs_fail(hs, XSOCK_EINVAL, "proxy handshake not started");
    int rc = hs->ops->input(hs, data, len, used);
    hs->received += *used;
    if (rc <= 0) hs->result = rc;
    return rc;
}

int xsock_hs_eof(xsock_hs *hs)
{
    if (hs->result <= 0) return hs->result;
    if (!hs->ops) return xsock__hs_fail(hs, XSOCK_EINVAL, "proxy handshake not started");
    return hs->ops->eof(hs);
}

const char *xsock_hs_detail(const xsock_hs *hs)
{
    return hs->detail;
}

const xsock_hs_bound *xsock_hs_bound_addr(const xsock_hs *hs)
{
    return hs->bound.atyp ? &hs->bound : NULL;
}

void xsock_hs_wipe(xsock_hs *hs)
{
    if (hs) xsock__secure_zero(hs, sizeof *hs);
}

/* The machine of each scheme: the driver knows the tables, not the
   protocols. */
static const xsock__hs_ops *ops_of(int scheme)
{
    switch (scheme) {
    case XSOCK_PROXY_SOCKS4:
    case XSOCK_PROXY_SOCKS4A:
        return &xsock__socks4_ops;
    case XSOCK_PROXY_SOCKS5:
    case XSOCK_PROXY_SOCKS5H:
        return &xsock__socks5_ops;
    case XSOCK_PROXY_HTTP:
        return &xsock__http_connect_ops;
    default:
        return NULL;
    }
}

int xsock_hs_start(xsock_hs *hs, const xsock_proxy_url *proxy, const char *host, uint16_t port)
{
    if (!hs) return XSOCK_EINVAL;
    const xsock__hs_ops *ops = proxy ? ops_of(proxy->scheme) : NULL;
    if (!ops) {
        xsock__hs_reset(hs, XSOCK_HS_NONE, NULL);
        if (!proxy) return xsock__hs_fail(hs, XSOCK_EINVAL, "proxy handshake: no proxy");
        return xsock__hs_fail(hs, XSOCK_EINVAL, "proxy handshake: \"%s\" needs none",
                              xsock_proxy_scheme_name(proxy->scheme));
    }
    return ops->start(hs, proxy, host, port);
}

int xsock_hs_start_addr(xsock_hs *hs, const xsock_proxy_url *proxy, const xsock_addr *a)
{
    char ip[XSOCK_ADDRSTRLEN];
    if (!hs) return XSOCK_EINVAL;
    if (!a || xsock_addr_format_ip(a, ip, sizeof ip) != XSOCK_OK) {
        xsock__hs_reset(hs, XSOCK_HS_NONE, NULL);
        return xsock__hs_fail(hs, XSOCK_EINVAL, "proxy handshake: bad target address");
    }
    return xsock_hs_start(hs, proxy, ip, a->port);
}
