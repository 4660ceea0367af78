/* SPDX-License-Identifier: MIT */
/* The common half of the proxy handshakes: output window, dispatch, details
   and the start from a proxy URL (see proxy_handshake.h).  Pure C11. */
#include "handshake.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "http_connect.h"
#include "proxy_url.h"
#include "socks4.h"
#include "socks5.h"
#include "../util.h"
#include "xsock.h"

void xsock__hs_reset(xsock_hs *hs, int proto)
{
    xsock__secure_zero(hs, sizeof *hs);
    hs->proto = proto;
    hs->result = XSOCK_HS_WANT_READ;
}

void xsock__hs_queue(xsock_hs *hs, size_t off, size_t len)
{
    hs->seg_start = off;
    hs->out_start = off;
    hs->out_end = off + len;
}

int xsock__hs_fail(xsock_hs *hs, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(hs->detail, sizeof hs->detail, fmt, ap);
    va_end(ap);
    hs->result = code;
    /* nothing more will be sent: drop any queued output (it may hold a secret) */
    xsock__secure_zero(hs->out, sizeof hs->out);
    hs->out_start = hs->out_end = 0;
    return code;
}

int xsock__hs_host(const char *host, char *buf, size_t len, xsock_addr *lit, int *is_lit)
{
    if (!host || !*host) return XSOCK_EINVAL;
    size_t n = strlen(host);
    *is_lit = xsock_addr_parse(host, 0, lit) == XSOCK_OK;
    if (*is_lit && n >= 2 && host[0] == '[' && host[n - 1] == ']') {
        host++;
        n -= 2;
    }
    if (n >= len) return XSOCK_EINVAL;
    memcpy(buf, host, n);
    buf[n] = '\0';
    return XSOCK_OK;
}

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
    int rc;
    switch (hs->proto) {
    case XSOCK_HS_SOCKS4:
    case XSOCK_HS_SOCKS4A:
        rc = xsock__socks4_input(hs, data, len, used);
        break;
    case XSOCK_HS_SOCKS5:
        rc = xsock__socks5_input(hs, data, len, used);
        break;
    case XSOCK_HS_HTTP:
        rc = xsock__http_input(hs, data, len, used);
        break;
    default:
        return xsock__hs_fail(hs, XSOCK_EINVAL, "proxy handshake not started");
    }
    hs->received += *used;
    if (rc <= 0) hs->result = rc;
    return rc;
}

int xsock_hs_eof(xsock_hs *hs)
{
    if (hs->result <= 0) return hs->result;
    switch (hs->proto) {
    case XSOCK_HS_SOCKS4:
    case XSOCK_HS_SOCKS4A:
        return xsock__socks4_eof(hs);
    case XSOCK_HS_SOCKS5:
        return xsock__socks5_eof(hs);
    case XSOCK_HS_HTTP:
        return xsock__http_eof(hs);
    default:
        return xsock__hs_fail(hs, XSOCK_EINVAL, "proxy handshake not started");
    }
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

int xsock_hs_start(xsock_hs *hs, const xsock_proxy_url *proxy, const char *host, uint16_t port)
{
    if (!hs) return XSOCK_EINVAL;
    if (!proxy) {
        xsock__hs_reset(hs, XSOCK_HS_NONE);
        return xsock__hs_fail(hs, XSOCK_EINVAL, "proxy handshake: no proxy");
    }
    const char *user = proxy->has_user ? proxy->user : NULL;
    const char *pass = proxy->has_user ? proxy->password : NULL;
    xsock_addr lit;
    int is_lit = host && xsock_addr_parse(host, port, &lit) == XSOCK_OK;
    switch (proxy->scheme) {
    case XSOCK_PROXY_SOCKS4:
    case XSOCK_PROXY_SOCKS4A:
        if (proxy->scheme == XSOCK_PROXY_SOCKS4 && host && *host && !is_lit) {
            xsock__hs_reset(hs, XSOCK_HS_SOCKS4);
            return xsock__hs_fail(hs, XSOCK_EINVAL,
                                  "socks4:// needs an IPv4 address (resolve the target first)");
        }
        return xsock_socks4_start(hs, proxy->scheme == XSOCK_PROXY_SOCKS4A, user, host, port);
    case XSOCK_PROXY_SOCKS5:
    case XSOCK_PROXY_SOCKS5H:
        if (proxy->scheme == XSOCK_PROXY_SOCKS5 && host && *host && !is_lit) {
            xsock__hs_reset(hs, XSOCK_HS_SOCKS5);
            return xsock__hs_fail(hs, XSOCK_EINVAL,
                                  "socks5:// needs an IP address (resolve the target first)");
        }
        return xsock_socks5_start(hs, user, pass, host, port);
    case XSOCK_PROXY_HTTP:
        return xsock_http_connect_start(hs, user, pass, host, port);
    default:
        xsock__hs_reset(hs, XSOCK_HS_NONE);
        return xsock__hs_fail(hs, XSOCK_EINVAL, "proxy handshake: \"%s\" needs none",
                              xsock_proxy_scheme_name(proxy->scheme));
    }
}

int xsock_hs_start_addr(xsock_hs *hs, const xsock_proxy_url *proxy, const xsock_addr *a)
{
    char ip[XSOCK_ADDRSTRLEN];
    if (!hs) return XSOCK_EINVAL;
    if (!a || xsock_addr_format_ip(a, ip, sizeof ip) != XSOCK_OK) {
        xsock__hs_reset(hs, XSOCK_HS_NONE);
        return xsock__hs_fail(hs, XSOCK_EINVAL, "proxy handshake: bad target address");
    }
    return xsock_hs_start(hs, proxy, ip, a->port);
}
