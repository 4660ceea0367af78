/* SPDX-License-Identifier: MIT */
/* SOCKS5 client handshake with RFC 1929 user/pass (see socks5.h).  Pure C11. */
#include "socks5.h"

#include <string.h>

#include "proxy_url.h"
#include "../util.h"
#include "xsock.h"

enum { STEP_METHOD = 1, STEP_AUTH, STEP_REPLY };

/* This protocol's part of xsock__hs (hs->state). */
struct socks5_state {
    size_t greet_off, greet_len; /* segments of hs->out */
    size_t auth_off, auth_len;   /* auth_len 0: no credentials offered */
    size_t req_off, req_len;
    int step;                    /* which reply is awaited */
    size_t got, need;            /* bytes of the current reply */
    uint8_t buf[4 + 1 + 255 + 2];
};
_Static_assert(sizeof(struct socks5_state) <= XSOCK__HS_STATE_MAX, "XSOCK__HS_STATE_MAX is too small");

const char *xsock__socks5_rep_text(int rep)
{
    switch (rep) {
    case 0x00: return "succeeded";
    case 0x01: return "general SOCKS server failure";
    case 0x02: return "connection not allowed by ruleset";
    case 0x03: return "network unreachable";
    case 0x04: return "host unreachable";
    case 0x05: return "connection refused by target";
    case 0x06: return "TTL expired";
    case 0x07: return "command not supported";
    case 0x08: return "address type not supported";
    default: return "unassigned reply code";
    }
}

int xsock__socks5_rep_code(int rep)
{
    switch (rep) {
    case 0x00: return XSOCK_OK;
    case 0x02: return XSOCK_EPROXY_NOTALLOWED;
    case 0x03: return XSOCK_EPROXY_NETUNREACH;
    case 0x04: return XSOCK_EPROXY_HOSTUNREACH;
    case 0x05: return XSOCK_EPROXY_CONNREFUSED;
    case 0x06: return XSOCK_EPROXY_TTLEXPIRED;
    case 0x07: return XSOCK_EPROXY_CMDNOTSUP;
    case 0x08: return XSOCK_EPROXY_ATYPNOTSUP;
    default: return XSOCK_EPROXY_GENERAL; /* 0x01 and every unassigned code */
    }
}

int xsock__socks5_start(xsock__hs *hs, const char *user, const char *password, const char *host,
                       uint16_t port)
{
    if (!hs) return XSOCK_EINVAL;
    xsock__hs_reset(hs, XSOCK__HS_SOCKS5, &xsock__socks5_ops);
    struct socks5_state *s = XSOCK__HS_STATE(hs, struct socks5_state);
    char h[XSOCK__HS_NAME_MAX + 1];
    xsock__addr lit;
    int is_lit = 0;
    if (!host || !*host) return xsock__hs_fail(hs, XSOCK_EINVAL, "SOCKS5: empty target host");
    if (port == 0) return xsock__hs_fail(hs, XSOCK_EINVAL, "SOCKS5: target port 0");
    if (xsock__hs_host(host, h, sizeof h, &lit, &is_lit) != XSOCK_OK)
        return xsock__hs_fail(hs, XSOCK_EINVAL, "SOCKS5: target host name longer than 255 bytes");
    size_t ulen = 0, plen = 0;
    if (user) {
        if (!password) password = "";
        ulen = strlen(user);
        plen = strlen(password);
        if (ulen == 0 || ulen > XSOCK__HS_NAME_MAX)
            return xsock__hs_fail(hs, XSOCK_EINVAL, "SOCKS5: user name must be 1 to 255 bytes");
        if (plen > XSOCK__HS_NAME_MAX)
            return xsock__hs_fail(hs, XSOCK_EINVAL, "SOCKS5: password longer than 255 bytes");
    }

    uint8_t *o = hs->out;
    size_t n = 0;
    /* greeting */
    s->greet_off = n;
    o[n++] = 0x05;
    if (user) {
        o[n++] = 2;
        o[n++] = 0x00;
        o[n++] = 0x02;
    } else {
        o[n++] = 1;
        o[n++] = 0x00;
    }
    s->greet_len = n - s->greet_off;
    /* RFC 1929 request, sent only if the server picks 02 */
    s->auth_off = n;
    if (user) {
        o[n++] = 0x01;
        o[n++] = (uint8_t)ulen;
        memcpy(o + n, user, ulen);
        n += ulen;
        o[n++] = (uint8_t)plen;
        memcpy(o + n, password, plen);
        n += plen;
    }
    s->auth_len = n - s->auth_off;
    /* CONNECT request */
    s->req_off = n;
    o[n++] = 0x05;
    o[n++] = 0x01;
    o[n++] = 0x00;
    if (is_lit && lit.family == XSOCK_AF_INET) {
        o[n++] = XSOCK__ATYP_IPV4;
        memcpy(o + n, lit.ip, 4);
        n += 4;
    } else if (is_lit) {
        o[n++] = XSOCK__ATYP_IPV6;
        memcpy(o + n, lit.ip, 16);
        n += 16;
    } else {
        size_t hlen = strlen(h);
        o[n++] = XSOCK__ATYP_DOMAIN;
        o[n++] = (uint8_t)hlen;
        memcpy(o + n, h, hlen);
        n += hlen;
    }
    o[n++] = (uint8_t)(port >> 8);
    o[n++] = (uint8_t)port;
    s->req_len = n - s->req_off;
    xsock__hs_written(hs, n); /* the credentials too, sent later or never */

    s->step = STEP_METHOD;
    s->need = 2;
    xsock__hs_queue(hs, s->greet_off, s->greet_len);
    return XSOCK_OK;
}

static const char *step_name(int step)
{
    switch (step) {
    case STEP_METHOD: return "the method reply";
    case STEP_AUTH: return "the username/password reply";
    default: return "the connect reply";
    }
}

/* Look at the bytes of the current reply after each new one.  Returns
   1 to go on, 0 when the reply is complete, or a negative code. */
static int check(xsock__hs *hs)
{
    struct socks5_state *s = XSOCK__HS_STATE(hs, struct socks5_state);
    const uint8_t *b = s->buf;
    switch (s->step) {
    case STEP_METHOD:
        if (s->got == 1 && b[0] != 0x05)
            return xsock__hs_fail(hs, XSOCK_EPROXYPROTO,
                                  "SOCKS5 method reply version 0x%02x, expected 0x05%s", b[0],
                                  b[0] == 0x00 ? " (a SOCKS4 server?)" : "");
        if (s->got == 2) {
            if (b[1] == 0x00) return 0;
            if (b[1] == 0x02 && s->auth_len) return 0;
            if (b[1] == 0xff)
                return xsock__hs_fail(hs, XSOCK_EPROXYAUTH,
                                      "SOCKS5 method reply 0xff: no acceptable method (offered %s)",
                                      s->auth_len ? "00 no-auth, 02 username/password"
                                                  : "00 no-auth");
            return xsock__hs_fail(hs, XSOCK_EPROXYPROTO,
                                  "SOCKS5 method reply picked 0x%02x, which was not offered",
                                  b[1]);
        }
        return 1;
    case STEP_AUTH:
        if (s->got == 1 && b[0] != 0x01)
            return xsock__hs_fail(hs, XSOCK_EPROXYPROTO,
                                  "SOCKS5 username/password reply version 0x%02x, expected 0x01",
                                  b[0]);
        if (s->got == 2) {
            if (b[1] == 0x00) return 0;
            return xsock__hs_fail(hs, XSOCK_EPROXYAUTH,
                                  "SOCKS5 username/password rejected (status 0x%02x)", b[1]);
        }
        return 1;
    default:
        break;
    }
    /* STEP_REPLY */
    if (s->got == 1 && b[0] != 0x05)
        return xsock__hs_fail(hs, XSOCK_EPROXYPROTO, "SOCKS5 reply version 0x%02x, expected 0x05",
                              b[0]);
    if (s->got == 2 && b[1] != 0x00)
        return xsock__hs_fail(hs, xsock__socks5_rep_code(b[1]), "SOCKS5 reply 0x%02x (%s)", b[1],
                              xsock__socks5_rep_text(b[1]));
    if (s->got == 4) {
        switch (b[3]) {
        case XSOCK__ATYP_IPV4: s->need = 4 + 4 + 2; break;
        case XSOCK__ATYP_IPV6: s->need = 4 + 16 + 2; break;
        case XSOCK__ATYP_DOMAIN: s->need = 5; break; /* the length comes next */
        default:
            return xsock__hs_fail(hs, XSOCK_EPROXYPROTO,
                                  "SOCKS5 reply with unknown address type 0x%02x", b[3]);
        }
    } else if (s->got == 5 && b[3] == XSOCK__ATYP_DOMAIN) {
        s->need = 5 + (size_t)b[4] + 2;
    }
    if (s->got < s->need || s->got < 4) return 1;

    xsock__hs_bound *bd = &hs->bound;
    bd->atyp = b[3];
    bd->port = (uint16_t)(b[s->got - 2] << 8 | b[s->got - 1]);
    if (b[3] == XSOCK__ATYP_DOMAIN) {
        size_t nlen = b[4];
        memcpy(bd->name, b + 5, nlen);
        bd->name[nlen] = '\0';
    } else {
        bd->addr.family = b[3] == XSOCK__ATYP_IPV4 ? XSOCK_AF_INET : XSOCK_AF_INET6;
        bd->addr.port = bd->port;
        memcpy(bd->addr.ip, b + 4, b[3] == XSOCK__ATYP_IPV4 ? 4 : 16);
    }
    return 0;
}

static int socks5_input(xsock__hs *hs, const uint8_t *data, size_t len, size_t *used)
{
    struct socks5_state *s = XSOCK__HS_STATE(hs, struct socks5_state);
    size_t i = 0;
    while (i < len) {
        s->buf[s->got++] = data[i++];
        *used = i;
        int rc = check(hs);
        if (rc < 0) return rc;
        if (rc > 0) continue;
        /* this reply is complete */
        int step = s->step;
        s->got = 0;
        if (step == STEP_METHOD && s->buf[1] == 0x02) {
            s->step = STEP_AUTH;
            s->need = 2;
            xsock__hs_queue(hs, s->auth_off, s->auth_len);
            return XSOCK__HS_WANT_WRITE;
        }
        if (step == STEP_METHOD || step == STEP_AUTH) {
            /* the credentials are not needed any more (method 00 chosen, or sent) */
            xsock__secure_zero(hs->out + s->auth_off, s->auth_len);
            s->step = STEP_REPLY;
            s->need = 4;
            xsock__hs_queue(hs, s->req_off, s->req_len);
            return XSOCK__HS_WANT_WRITE;
        }
        return XSOCK_OK;
    }
    *used = len;
    return XSOCK__HS_WANT_READ;
}

static int socks5_eof(xsock__hs *hs)
{
    struct socks5_state *s = XSOCK__HS_STATE(hs, struct socks5_state);
    if (s->step == STEP_REPLY)
        return xsock__hs_fail(hs, XSOCK_EPROXYPROTO,
                              "SOCKS5: proxy closed the connection after %u bytes of the connect "
                              "reply",
                              (unsigned)s->got);
    return xsock__hs_fail(hs, XSOCK_EPROXYPROTO,
                          "SOCKS5: proxy closed the connection after %u of 2 bytes of %s",
                          (unsigned)s->got, step_name(s->step));
}

/* socks5:// sends an address (a name must be resolved first); socks5h://
   sends what it is given. */
static int socks5_start_url(xsock__hs *hs, const struct xsock__proxy_url *proxy, const char *host,
                            uint16_t port)
{
    xsock__addr lit;
    int is_lit = host && xsock__addr_parse(host, port, &lit) == XSOCK_OK;
    if (proxy->scheme == XSOCK__PROXY_SOCKS5 && host && *host && !is_lit) {
        xsock__hs_reset(hs, XSOCK__HS_SOCKS5, &xsock__socks5_ops);
        return xsock__hs_fail(hs, XSOCK_EINVAL,
                              "socks5:// needs an IP address (resolve the target first)");
    }
    return xsock__socks5_start(hs, proxy->has_user ? proxy->user : NULL,
                              proxy->has_user ? proxy->password : NULL, host, port);
}

const xsock__hs_ops xsock__socks5_ops = {"SOCKS5", socks5_start_url, socks5_input, socks5_eof};
