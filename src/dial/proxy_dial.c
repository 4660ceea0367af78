/* SPDX-License-Identifier: MIT */
/* A connection through one proxy: target checks before anything is
   opened, the TCP connect to the proxy with the dial's own address logic,
   then the handshake state machine driven over the socket, all inside the
   dial's one deadline.  Tunnel bytes that arrive with the proxy's reply are
   kept for the application's first recv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dial.h"
#include "../proxy/handshake.h"
#include "../proxy/proxy_url.h"

#define HS_BUF 4096

static int proxy_fail(const xsock__proxy_url *p, int code, int os_error, const char *what)
{
    return xsock__fail_textf(code, os_error, "proxy %s: %s", p->display, what);
}

static int wait_fail(const xsock__proxy_url *p, int code, const char *doing)
{
    int os_error = code == XSOCK_ETIMEDOUT || code == XSOCK_EAGAIN ? 0 : xsock__os_error();
    return xsock__fail_textf(code, os_error, "proxy %s: %s %s", p->display, xsock_strerror(code),
                             doing);
}

/* Build the first message.  socks4:// and socks5:// resolve the target
   here, before any connection to the proxy exists. */
static int start_handshake(const xsock__dial_ctx *ctx, const xsock__proxy_url *p, const char *host,
                           uint16_t port, xsock__hs *hs)
{
    const char *why = NULL;
    int rc = xsock__proxy_check_target(p, host, port, &why);
    if (rc != XSOCK_OK) return proxy_fail(p, rc, 0, why ? why : "unusable target");

    int rc_hs;
    if (p->scheme == XSOCK__PROXY_SOCKS4 || p->scheme == XSOCK__PROXY_SOCKS5) {
        int family = p->scheme == XSOCK__PROXY_SOCKS4 ? XSOCK_AF_INET : ctx->opts->family;
        if (p->scheme == XSOCK__PROXY_SOCKS4 && ctx->opts->family == XSOCK_AF_INET6)
            return proxy_fail(p, XSOCK_EAFNOSUPPORT, 0, "SOCKS4 carries only IPv4 targets");
        xsock__addr addrs[XSOCK__MAX_ADDRS];
        size_t n = 0;
        rc = xsock__resolve_family(ctx, host, port, family, addrs, XSOCK__MAX_ADDRS, &n);
        if (rc != XSOCK_OK) return rc;
        rc_hs = xsock__hs_start_addr(hs, p, &addrs[0]);
    } else {
        rc_hs = xsock__hs_start(hs, p, host, port);
    }
    if (rc_hs != XSOCK_OK) return proxy_fail(p, rc_hs, 0, xsock__hs_detail(hs));
    return XSOCK_OK;
}

static int connect_to_proxy(const xsock__dial_ctx *ctx, const xsock__proxy_url *p, xsock **out)
{
    xsock__addr addrs[XSOCK__MAX_ADDRS];
    size_t n = 0;
    /* the family preference is about the target: the proxy is reached
       over whatever family its own address has */
    int rc = xsock__resolve_family(ctx, p->host, p->port, XSOCK_AF_UNSPEC, addrs, XSOCK__MAX_ADDRS, &n);
    if (rc == XSOCK_OK) rc = xsock__connect_addrs(ctx, addrs, n, p->host, p->port, out);
    if (rc == XSOCK_OK) return rc;
    xsock__detail_prefix("proxy %s", p->display);
    /* a proxy that used up the deadline is a timeout */
    if (rc == XSOCK_ETIMEDOUT || rc == XSOCK_EAGAIN || rc == XSOCK_ELIMIT || rc == XSOCK_ENOMEM)
        return rc;
    /* reset after its TCP connect succeeded: the proxy was reached and
       hung up, as when it hangs up during the handshake */
    if (rc == XSOCK_ECONNRESET || rc == XSOCK_EPIPE || rc == XSOCK_ECONNABORTED)
        return XSOCK_EPROXYPROTO;
    return XSOCK_EPROXYCONNECT;
}

/* A wait in the handshake loop: the deadline is checked before each one,
   since readiness the next call does not find would otherwise loop. */
static int handshake_wait(const xsock__dial_ctx *ctx, xsock *s, short events)
{
    if (!ctx->zero_timeout && xsock__deadline_expired(&ctx->deadline)) return XSOCK_ETIMEDOUT;
    return xsock__wait(s->handle, events, &ctx->deadline, ctx->zero_timeout, NULL);
}

/* Send what the machine asks for, wait for the proxy, feed what arrives.
   Replies are waited for before the recv: the proxy never answers within
   the send, so an optimistic recv would only cost a call. */
static int run_handshake(const xsock__dial_ctx *ctx, const xsock__proxy_url *p, xsock *s,
                         xsock__hs *hs)
{
    unsigned char buf[HS_BUF];
    size_t have = 0, off = 0;
    for (;;) {
        size_t n;
        const uint8_t *out = xsock__hs_output(hs, &n);
        int rc;
        if (n) {
            ptrdiff_t sent = xsock_os_send(s->handle, out, n);
            if (sent >= 0) {
                xsock__hs_output_sent(hs, (size_t)sent);
                continue;
            }
            if (sent == XSOCK__EINTR) continue;
            if (sent != XSOCK_EAGAIN)
                return proxy_fail(p, XSOCK_EPROXYPROTO, xsock__os_error(),
                                  "the proxy closed the connection during the handshake");
            rc = handshake_wait(ctx, s, XSOCK_POLLOUT);
            if (rc != XSOCK_OK) return wait_fail(p, rc, "sending the handshake");
            continue;
        }
        if (off == have) {
            rc = handshake_wait(ctx, s, XSOCK_POLLIN);
            if (rc != XSOCK_OK) return wait_fail(p, rc, "waiting for the proxy's reply");
            ptrdiff_t got = xsock_os_recv(s->handle, buf, sizeof buf);
            if (got == XSOCK_EAGAIN || got == XSOCK__EINTR) continue;
            if (got == 0) return proxy_fail(p, xsock__hs_eof(hs), 0, xsock__hs_detail(hs));
            if (got < 0)
                return proxy_fail(p, XSOCK_EPROXYPROTO, xsock__os_error(),
                                  "the proxy reset the connection during the handshake");
            have = (size_t)got;
            off = 0;
        }
        size_t used = 0;
        rc = xsock__hs_input(hs, buf + off, have - off, &used);
        off += used;
        if (rc == XSOCK_OK) return xsock__tunnel_keep(s, buf + off, have - off);
        if (rc < 0) return proxy_fail(p, rc, 0, xsock__hs_detail(hs));
    }
}

/* "target via proxy-host:port", whatever the lengths. */
static char *via_string(const char *host, uint16_t port, const xsock__proxy_url *p)
{
    /* each "host:port" at most its host, two brackets, ":65535" and a NUL */
    size_t tlen = strlen(host) + 9, plen = strlen(p->host) + 9;
    char *via = malloc(tlen + 5 + plen);
    if (!via) return NULL;
    xsock__host_port(via, tlen, host, port);
    size_t n = strlen(via);
    memcpy(via + n, " via ", 5);
    xsock__host_port(via + n + 5, plen, p->host, p->port);
    return via;
}

int xsock__dial_proxy(const xsock__dial_ctx *ctx, const xsock__proxy_url *p, const char *host,
                      uint16_t port, xsock **out)
{
    xsock__hs hs;
    xsock *s = NULL;
    *out = NULL;
    xsock__hs_init(&hs);
    int rc = start_handshake(ctx, p, host, port, &hs);
    if (rc == XSOCK_OK) rc = connect_to_proxy(ctx, p, &s);
    if (rc == XSOCK_OK) rc = run_handshake(ctx, p, s, &hs);
    xsock__hs_wipe(&hs);
    if (rc != XSOCK_OK) {
        xsock__discard(s);
        return rc;
    }
    char *via = via_string(host, port, p);
    xsock__set_via(s, via); /* NULL only costs the report its "via" */
    *out = s;
    return XSOCK_OK;
}
