/* SPDX-License-Identifier: MIT */
/* IP literal parsing and RFC 5952 formatting without the OS, so a
   numeric host never reaches the resolver and the code is fuzzable. */
#include "addr.h"

#include <stdio.h>
#include <string.h>

#include "util.h"
#include "xsock.h"

/* A strict dotted quad at the start of s: four decimal parts 0..255, no
   leading zeros (which some parsers read as octal).  Returns where it
   stops (the caller decides what may follow), or NULL.  Every host of a
   dial comes through here first, so a part is read in one pass of at most
   three digits, with no length to keep: the text is NUL-terminated, and
   whatever ends a part ('.', NUL, ']', '%') is no digit. */
static unsigned digit(char c)
{
    return (unsigned)((unsigned char)c - '0'); /* > 9 when no digit */
}

static const char *dotted_quad(const char *s, uint8_t out[4])
{
    for (int part = 0;; part++) {
        unsigned v = digit(*s), d;
        if (v > 9) return NULL;
        if ((d = digit(*++s)) <= 9) {
            if (v == 0) return NULL; /* a leading zero */
            v = v * 10 + d;
            if ((d = digit(*++s)) <= 9) {
                v = v * 10 + d;
                if (v > 255 || digit(*++s) <= 9) return NULL;
            }
        }
        out[part] = (uint8_t)v;
        if (part == 3) return s;
        if (*s++ != '.') return NULL;
    }
}

static int parse_ipv6(const char *s, const char *end, uint8_t out[16])
{
    uint16_t words[8];
    int nwords = 0, gap = -1;

    if (end - s >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        s += 2;
    } else if (s != end && *s == ':') {
        return XSOCK_EINVAL;
    }
    while (s != end) {
        if (nwords == 8) return XSOCK_EINVAL;
        /* an embedded IPv4 tail, as in ::ffff:1.2.3.4 */
        const char *colon = memchr(s, ':', (size_t)(end - s));
        const char *dot = memchr(s, '.', (size_t)(end - s));
        if (dot && !colon) {
            uint8_t v4[4];
            if (nwords > 6 || dotted_quad(s, v4) != end) return XSOCK_EINVAL;
            words[nwords++] = (uint16_t)(v4[0] << 8 | v4[1]);
            words[nwords++] = (uint16_t)(v4[2] << 8 | v4[3]);
            s = end;
            break;
        }
        unsigned v = 0;
        int digits = 0;
        while (s != end && xsock__hex_value(*s) >= 0) {
            if (++digits > 4) return XSOCK_EINVAL;
            v = v << 4 | (unsigned)xsock__hex_value(*s);
            s++;
        }
        if (digits == 0) return XSOCK_EINVAL;
        words[nwords++] = (uint16_t)v;
        if (s == end) break;
        if (*s != ':') return XSOCK_EINVAL;
        s++;
        if (s != end && *s == ':') {
            if (gap >= 0) return XSOCK_EINVAL;
            gap = nwords;
            s++;
        } else if (s == end) {
            return XSOCK_EINVAL; /* trailing single colon */
        }
    }
    if (gap < 0 && nwords != 8) return XSOCK_EINVAL;
    if (gap >= 0 && nwords > 7) return XSOCK_EINVAL;

    int fill = 8 - nwords, w = 0;
    for (int i = 0; i < nwords; i++) {
        if (i == gap)
            for (int k = 0; k < fill; k++) {
                out[2 * w] = 0;
                out[2 * w + 1] = 0;
                w++;
            }
        out[2 * w] = (uint8_t)(words[i] >> 8);
        out[2 * w + 1] = (uint8_t)words[i];
        w++;
    }
    while (w < 8) { /* gap at the very end ("1::") */
        out[2 * w] = 0;
        out[2 * w + 1] = 0;
        w++;
    }
    return XSOCK_OK;
}

int xsock__addr_parse(const char *host, uint16_t port, xsock__addr *out)
{
    if (!host || !out) return XSOCK_EINVAL;
    uint8_t v4[4];
    const char *stop = dotted_quad(host, v4);
    if (stop && *stop == '\0') {
        memset(out, 0, sizeof *out);
        out->family = XSOCK_AF_INET;
        out->port = port;
        memcpy(out->ip, v4, sizeof v4);
        return XSOCK_OK;
    }
    xsock__addr a = {0};
    a.port = port;
    size_t n = strlen(host);
    const char *s = host, *end = host + n;
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
        s++;
        end--;
    }
    const char *pct = memchr(s, '%', (size_t)(end - s));
    if (pct) {
        const char *p = pct + 1;
        unsigned long long scope = 0;
        if (p == end) return XSOCK_EINVAL;
        for (; p != end; p++) {
            if (*p < '0' || *p > '9') return XSOCK_EINVAL; /* named scopes go to the resolver */
            scope = scope * 10 + (unsigned)(*p - '0');
            if (scope > 0xffffffffu) return XSOCK_EINVAL;
        }
        a.scope_id = (uint32_t)scope;
        end = pct;
    }
    if (end - s < 2 || parse_ipv6(s, end, a.ip) != XSOCK_OK) return XSOCK_EINVAL;
    a.family = XSOCK_AF_INET6;
    *out = a;
    return XSOCK_OK;
}

/* Decimal digits of v at buf, no NUL; the count.  Formatting is on every
   dial's path (a proxy's "via", a handshake's target), so no printf. */
static size_t put_decimal(char *buf, unsigned v)
{
    char tmp[10];
    size_t n = 0;
    do tmp[n++] = (char)('0' + v % 10); while ((v /= 10) != 0);
    for (size_t i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    return n;
}

static size_t put_dotted_quad(char *buf, const uint8_t ip[4])
{
    size_t pos = 0;
    for (int i = 0; i < 4; i++) {
        if (i) buf[pos++] = '.';
        pos += put_decimal(buf + pos, ip[i]);
    }
    buf[pos] = '\0';
    return pos;
}

static size_t format_ipv6(const uint8_t ip[16], char *buf)
{
    uint16_t w[8];
    for (int i = 0; i < 8; i++) w[i] = (uint16_t)(ip[2 * i] << 8 | ip[2 * i + 1]);

    /* RFC 5952: compress the longest run of two or more zero words, the first on ties */
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        if (w[i] != 0) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && w[j] == 0) j++;
        if (j - i > best_len && j - i >= 2) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    int v4_tail = best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff));
    size_t pos = 0;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            buf[pos++] = ':';
            if (i == 0) buf[pos++] = ':';
            i += best_len - 1;
            continue;
        }
        if (v4_tail && i == 6) {
            pos += put_dotted_quad(buf + pos, ip + 12);
            break;
        }
        pos += (size_t)sprintf(buf + pos, "%x", w[i]);
        if (i < 7) buf[pos++] = ':';
    }
    buf[pos] = '\0';
    return pos;
}

/* The IP as text in tmp (XSOCK__ADDRSTRLEN bytes); its length, or 0. */
static size_t format_ip(const xsock__addr *a, char *tmp)
{
    if (a->family == XSOCK_AF_INET) return put_dotted_quad(tmp, a->ip);
    if (a->family != XSOCK_AF_INET6) return 0;
    size_t n = format_ipv6(a->ip, tmp);
    if (a->scope_id) {
        tmp[n++] = '%';
        n += put_decimal(tmp + n, (unsigned)a->scope_id);
        tmp[n] = '\0';
    }
    return n;
}

int xsock__addr_format_ip(const xsock__addr *a, char *buf, size_t len)
{
    char tmp[XSOCK__ADDRSTRLEN];
    if (!a || !buf) return XSOCK_EINVAL;
    size_t n = format_ip(a, tmp);
    if (n == 0 || n >= len) return XSOCK_EINVAL;
    memcpy(buf, tmp, n + 1);
    return XSOCK_OK;
}

/* An IPv4 peer seen through a dual-stack socket (::ffff:a.b.c.d) is shown
   as the IPv4 address it is, as Go and Java show it. */
static int v4_mapped(const xsock__addr *a, xsock__addr *v4)
{
    static const uint8_t prefix[12] = {[10] = 0xff, [11] = 0xff};
    if (a->family != XSOCK_AF_INET6 || memcmp(a->ip, prefix, sizeof prefix) != 0) return 0;
    memset(v4, 0, sizeof *v4);
    v4->family = XSOCK_AF_INET;
    v4->port = a->port;
    memcpy(v4->ip, a->ip + 12, 4);
    return 1;
}

int xsock__addr_format(const xsock__addr *a, char *buf, size_t len)
{
    char tmp[XSOCK__ADDRSTRLEN + 8];
    xsock__addr v4;
    if (!a) return XSOCK_EINVAL;
    if (v4_mapped(a, &v4)) a = &v4;
    int v6 = a->family == XSOCK_AF_INET6;
    size_t n = format_ip(a, tmp + v6);
    if (n == 0) return XSOCK_EINVAL;
    if (v6) {
        tmp[0] = '[';
        tmp[++n] = ']';
        n++;
    }
    tmp[n++] = ':';
    n += put_decimal(tmp + n, a->port);
    if (!buf || n >= len) return XSOCK_EINVAL;
    memcpy(buf, tmp, n);
    buf[n] = '\0';
    return XSOCK_OK;
}

int xsock__addr_is_loopback(const xsock__addr *a)
{
    static const uint8_t v6_loopback[16] = {[15] = 1};
    if (a->family == XSOCK_AF_INET) return a->ip[0] == 127;
    return a->family == XSOCK_AF_INET6 && memcmp(a->ip, v6_loopback, 16) == 0;
}

void xsock__host_port(char *buf, size_t len, const char *host, uint16_t port)
{
    if (len == 0) return;
    int bracket = strchr(host, ':') != NULL && host[0] != '[';
    size_t hlen = strlen(host), pos = 0;
    char tail[8]; /* ":65535" */
    size_t tlen = 1;
    tail[0] = ':';
    tlen += put_decimal(tail + 1, port);
    /* as snprintf would: as much as fits, always terminated */
    if (bracket && pos + 1 < len) buf[pos++] = '[';
    size_t take = hlen < len - 1 - pos ? hlen : len - 1 - pos;
    memcpy(buf + pos, host, take);
    pos += take;
    if (bracket && pos + 1 < len) buf[pos++] = ']';
    take = tlen < len - 1 - pos ? tlen : len - 1 - pos;
    memcpy(buf + pos, tail, take);
    pos += take;
    buf[pos] = '\0';
}
