/* SPDX-License-Identifier: MIT */
/* SOCKS4 / SOCKS4a client handshake (see socks4.h).  Pure C11. */
#include "socks4.h"

#include <string.h>

#include "../util.h"
#include "proxy_url.h"
#include "xsock.h"

/* This protocol's part of xsock__hs (hs->state). */
struct socks4_state {
    size_t got; /* reply bytes received so far (of 8) */
    uint8_t reply[8];
};
_Static_assert(sizeof(struct socks4_state) <= XSOCK__HS_STATE_MAX, "XSOCK__HS_STATE_MAX is too small");

int xsock__socks4_start(xsock__hs *hs, int socks4a, const char *userid, const char *host,
                       uint16_t port)
{
    if (!hs) return XSOCK_EINVAL;
    xsock__hs_reset(hs, socks4a ? XSOCK__HS_SOCKS4A : XSOCK__HS_SOCKS4, &xsock__socks4_ops);
    const char *name = socks4a ? "SOCKS4a" : "SOCKS4";
    char h[XSOCK__HS_NAME_MAX + 1];
    xsock__addr lit;
    int is_lit = 0;
    if (!userid) userid = "";
    if (!host || !*host) return xsock__hs_fail(hs, XSOCK_EINVAL, "%s: empty target host", name);
    if (port == 0) return xsock__hs_fail(hs, XSOCK_EINVAL, "%s: target port 0", name);
    if (xsock__hs_host(host, h, sizeof h, &lit, &is_lit) != XSOCK_OK)
        return xsock__hs_fail(hs, XSOCK_EINVAL, "%s: target host name longer than 255 bytes",
                              name);
    size_t ulen = strlen(userid);
    if (ulen > XSOCK__HS_NAME_MAX)
        return xsock__hs_fail(hs, XSOCK_EINVAL, "%s: user id longer than 255 bytes", name);
    if (xsock__has_ctl(userid))
        return xsock__hs_fail(hs, XSOCK_EINVAL, "%s: control character in the user id", name);
    if (is_lit && lit.family == XSOCK_AF_INET6)
        return xsock__hs_fail(hs, XSOCK_EAFNOSUPPORT, "%s: cannot carry an IPv6 target (%s)",
                              name, h);
    if (!is_lit && !socks4a)
        return xsock__hs_fail(hs, XSOCK_EINVAL,
                              "SOCKS4: target \"%s\" is not an IPv4 address (resolve it first)", h);
    if (is_lit) hs->proto = XSOCK__HS_SOCKS4; /* socks4a with an IPv4 literal: plain SOCKS4 */

    uint8_t *o = hs->out;
    size_t n = 0;
    o[n++] = 0x04;
    o[n++] = 0x01; /* CONNECT */
    o[n++] = (uint8_t)(port >> 8);
    o[n++] = (uint8_t)port;
    if (is_lit) {
        memcpy(o + n, lit.ip, 4);
        n += 4;
    } else {
        /* 0.0.0.x with x != 0 says "the host name follows" */
        o[n++] = 0;
        o[n++] = 0;
        o[n++] = 0;
        o[n++] = 1;
    }
    memcpy(o + n, userid, ulen + 1);
    n += ulen + 1;
    if (!is_lit) {
        size_t hlen = strlen(h);
        memcpy(o + n, h, hlen + 1);
        n += hlen + 1;
    }
    xsock__hs_queue(hs, 0, n);
    return XSOCK_OK;
}

static const char *proto_name(const xsock__hs *hs)
{
    return hs->proto == XSOCK__HS_SOCKS4A ? "SOCKS4a" : "SOCKS4";
}

static int socks4_input(xsock__hs *hs, const uint8_t *data, size_t len, size_t *used)
{
    struct socks4_state *s = XSOCK__HS_STATE(hs, struct socks4_state);
    size_t i = 0;
    while (i < len) {
        uint8_t c = data[i++];
        s->reply[s->got++] = c;
        *used = i;
        if (s->got == 1 && c != 0x00)
            return xsock__hs_fail(hs, XSOCK_EPROXYPROTO,
                                  "%s reply version 0x%02x, expected 0x00%s", proto_name(hs), c,
                                  c == 0x05 ? " (a SOCKS5-only server?)" : "");
        if (s->got == 2) {
            switch (c) {
            case 90:
                break;
            case 91:
                return xsock__hs_fail(hs, XSOCK_EPROXY_GENERAL,
                                      "%s reply 91 (0x5b: request rejected or failed)", proto_name(hs));
            case 92:
                return xsock__hs_fail(hs, XSOCK_EPROXYAUTH,
                                      "%s reply 92 (0x5c: rejected, the proxy cannot reach "
                                      "identd on the client)",
                                      proto_name(hs));
            case 93:
                return xsock__hs_fail(hs, XSOCK_EPROXYAUTH,
                                      "%s reply 93 (0x5d: rejected, identd reports a different "
                                      "user id)",
                                      proto_name(hs));
            default:
                return xsock__hs_fail(hs, XSOCK_EPROXYPROTO, "%s reply code %u (0x%02x) is not defined",
                                      proto_name(hs), c, c);
            }
        }
        if (s->got == 8) {
            hs->bound.atyp = XSOCK__ATYP_IPV4;
            hs->bound.port = (uint16_t)(s->reply[2] << 8 | s->reply[3]);
            hs->bound.addr.family = XSOCK_AF_INET;
            hs->bound.addr.port = hs->bound.port;
            memcpy(hs->bound.addr.ip, s->reply + 4, 4);
            return XSOCK_OK;
        }
    }
    *used = len;
    return XSOCK__HS_WANT_READ;
}

static int socks4_eof(xsock__hs *hs)
{
    return xsock__hs_fail(hs, XSOCK_EPROXYPROTO,
                          "%s: proxy closed the connection after %u of 8 bytes of the reply",
                          proto_name(hs), (unsigned)XSOCK__HS_STATE(hs, struct socks4_state)->got);
}

/* socks4:// sends an address (a name must be resolved first); socks4a://
   sends a name, or plain SOCKS4 for an IPv4 literal. */
static int socks4_start_url(xsock__hs *hs, const struct xsock__proxy_url *proxy, const char *host,
                            uint16_t port)
{
    xsock__addr lit;
    int is_lit = host && xsock__addr_parse(host, port, &lit) == XSOCK_OK;
    if (proxy->scheme == XSOCK__PROXY_SOCKS4 && host && *host && !is_lit) {
        xsock__hs_reset(hs, XSOCK__HS_SOCKS4, &xsock__socks4_ops);
        return xsock__hs_fail(hs, XSOCK_EINVAL,
                              "socks4:// needs an IPv4 address (resolve the target first)");
    }
    return xsock__socks4_start(hs, proxy->scheme == XSOCK__PROXY_SOCKS4A,
                              proxy->has_user ? proxy->user : NULL, host, port);
}

const xsock__hs_ops xsock__socks4_ops = {"SOCKS4", socks4_start_url, socks4_input, socks4_eof};
