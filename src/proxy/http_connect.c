/* SPDX-License-Identifier: MIT */
/* HTTP CONNECT client handshake (see http_connect.h).  Pure C11. */
#include "http_connect.h"

#include <stdio.h>
#include <string.h>

#include "proxy_url.h"
#include "../util.h"
#include "xsock.h"

enum { H_STATUS = 1, H_FIELDS, H_INTERIM_FIELDS };

/* This protocol's part of xsock__hs (hs->state). */
struct http_state {
    int step;                    /* status line or header fields */
    size_t header_bytes;         /* all header bytes so far, 1xx included */
    size_t line_len;             /* bytes of the current line (may exceed the buffer) */
    int status;                  /* of the final response */
    int squid_refused;           /* X-Squid-Error says the target refused */
    char line[XSOCK__HTTP_LINE_MAX];
    char status_line[128];       /* printable copy for the detail */
    char squid_error[64];
};
_Static_assert(sizeof(struct http_state) <= XSOCK__HS_STATE_MAX, "XSOCK__HS_STATE_MAX is too small");

size_t xsock__base64_encode(const uint8_t *src, size_t n, char *dst, size_t cap)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t out = (n + 2) / 3 * 4;
    if (!dst || cap <= out) return 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)src[i] << 16;
        if (i + 1 < n) v |= (uint32_t)src[i + 1] << 8;
        if (i + 2 < n) v |= src[i + 2];
        dst[o++] = tab[v >> 18 & 63];
        dst[o++] = tab[v >> 12 & 63];
        dst[o++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
        dst[o++] = i + 2 < n ? tab[v & 63] : '=';
    }
    dst[o] = '\0';
    return o;
}

static int bad_char(const char *s, int space_too)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f || (space_too && c == ' ')) return 1;
    }
    return 0;
}

int xsock__http_connect_start(xsock__hs *hs, const char *user, const char *password,
                             const char *host, uint16_t port)
{
    if (!hs) return XSOCK_EINVAL;
    xsock__hs_reset(hs, XSOCK__HS_HTTP, &xsock__http_connect_ops);
    char h[XSOCK__HS_NAME_MAX + 1];
    xsock__addr lit;
    int is_lit = 0;
    if (!host || !*host) return xsock__hs_fail(hs, XSOCK_EINVAL, "HTTP CONNECT: empty target host");
    if (port == 0) return xsock__hs_fail(hs, XSOCK_EINVAL, "HTTP CONNECT: target port 0");
    if (xsock__hs_host(host, h, sizeof h, &lit, &is_lit) != XSOCK_OK)
        return xsock__hs_fail(hs, XSOCK_EINVAL,
                              "HTTP CONNECT: target host name longer than 255 bytes");
    if (bad_char(h, 1))
        return xsock__hs_fail(hs, XSOCK_EINVAL,
                              "HTTP CONNECT: control character (CR, LF, ...) or space in the "
                              "target host");

    char hostport[XSOCK__HS_NAME_MAX + 16];
    snprintf(hostport, sizeof hostport, is_lit && lit.family == XSOCK_AF_INET6 ? "[%s]:%u" : "%s:%u",
             h, (unsigned)port);

    char cred[2 * XSOCK__HS_NAME_MAX + 2];
    char b64[(sizeof cred + 2) / 3 * 4 + 1];
    b64[0] = '\0';
    if (user) {
        if (!password) password = "";
        size_t ulen = strlen(user), plen = strlen(password);
        if (ulen > XSOCK__HS_NAME_MAX || plen > XSOCK__HS_NAME_MAX)
            return xsock__hs_fail(hs, XSOCK_EINVAL,
                                  "HTTP CONNECT: user name or password longer than 255 bytes");
        if (strchr(user, ':'))
            return xsock__hs_fail(hs, XSOCK_EINVAL, "HTTP CONNECT: ':' in a Basic user name");
        if (bad_char(user, 0) || bad_char(password, 0))
            return xsock__hs_fail(hs, XSOCK_EINVAL,
                                  "HTTP CONNECT: control character (CR, LF, ...) in the user "
                                  "name or password");
        memcpy(cred, user, ulen);
        cred[ulen] = ':';
        memcpy(cred + ulen + 1, password, plen);
        xsock__base64_encode((const uint8_t *)cred, ulen + 1 + plen, b64, sizeof b64);
        xsock__secure_zero(cred, sizeof cred);
    }

    int n = snprintf((char *)hs->out, sizeof hs->out,
                     "CONNECT %s HTTP/1.1\r\nHost: %s\r\n%s%s%s\r\n", hostport, hostport,
                     user ? "Proxy-Authorization: Basic " : "", b64, user ? "\r\n" : "");
    xsock__secure_zero(b64, sizeof b64);
    xsock__hs_written(hs, n < 0 || (size_t)n >= sizeof hs->out ? sizeof hs->out : (size_t)n);
    if (n < 0 || (size_t)n >= sizeof hs->out) /* cannot happen with the limits above */
        return xsock__hs_fail(hs, XSOCK_EINVAL, "HTTP CONNECT: request too long");
    XSOCK__HS_STATE(hs, struct http_state)->step = H_STATUS;
    xsock__hs_queue(hs, 0, (size_t)n);
    return XSOCK_OK;
}

int xsock__http_connect_status(const xsock__hs *hs)
{
    return hs->proto == XSOCK__HS_HTTP ? XSOCK__HS_STATE_CONST(hs, struct http_state)->status : 0;
}

/* A printable copy of [s, s + n) into dst (cap bytes). */
static void printable(char *dst, size_t cap, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        dst[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    dst[o] = '\0';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* [a, a + n) is `b`, but for ASCII case. */
static int ieq(const char *a, size_t n, const char *b)
{
    return strlen(b) == n && xsock__ascii_ieq(a, b, n);
}

/* "X-Squid-Error: ERR_CONNECT_FAIL 111": the errno says refused. */
static int squid_refused(const char *v, size_t n)
{
    size_t a = 0;
    while (a < n && v[a] != ' ' && v[a] != '\t') a++; /* first token: the error name */
    size_t b = n;
    while (b > 0 && v[b - 1] != ' ' && v[b - 1] != '\t') b--; /* last token: the errno */
    if (b == 0) return 0;
    const char *last = v + b;
    size_t llen = n - b;
    if (ieq(last, llen, "111")) return 1;
    return ieq(v, a, "ERR_CONNECT_FAIL") && (ieq(last, llen, "61") || ieq(last, llen, "10061"));
}

static int status_line(xsock__hs *hs, const char *l, size_t n)
{
    struct http_state *h = XSOCK__HS_STATE(hs, struct http_state);
    printable(h->status_line, sizeof h->status_line, l, n);
    /* HTTP/d.d SP ddd [SP reason] */
    if (n < 12 || memcmp(l, "HTTP/", 5) != 0 || !is_digit(l[5]) || l[6] != '.' ||
        !is_digit(l[7]) || l[8] != ' ' || !is_digit(l[9]) || !is_digit(l[10]) ||
        !is_digit(l[11]) || (n > 12 && l[12] != ' '))
        return xsock__hs_fail(hs, XSOCK_EPROXYPROTO, "HTTP CONNECT: bad status line \"%s\"",
                              h->status_line);
    int status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
    if (status < 100)
        return xsock__hs_fail(hs, XSOCK_EPROXYPROTO, "HTTP CONNECT: bad status code in \"%s\"",
                              h->status_line);
    h->status = status;
    h->squid_refused = 0;
    h->squid_error[0] = '\0';
    h->step = status < 200 ? H_INTERIM_FIELDS : H_FIELDS;
    return 1;
}

static int header_field(xsock__hs *hs, const char *l, size_t n)
{
    struct http_state *h = XSOCK__HS_STATE(hs, struct http_state);
    if (l[0] == ' ' || l[0] == '\t') return 1; /* obsolete line folding: ignored */
    const char *colon = memchr(l, ':', n);
    if (!colon) return 1; /* not a field; tolerated */
    if (h->step == H_FIELDS && ieq(l, (size_t)(colon - l), "X-Squid-Error")) {
        const char *v = colon + 1, *end = l + n;
        while (v < end && (*v == ' ' || *v == '\t')) v++;
        while (end > v && (end[-1] == ' ' || end[-1] == '\t')) end--;
        printable(h->squid_error, sizeof h->squid_error, v, (size_t)(end - v));
        h->squid_refused = squid_refused(v, (size_t)(end - v));
    }
    return 1;
}

static int end_of_header(xsock__hs *hs)
{
    struct http_state *h = XSOCK__HS_STATE(hs, struct http_state);
    int st = h->status, code;
    if (st >= 200 && st <= 299) return 0;
    switch (st) {
    case 401:
    case 407: code = XSOCK_EPROXYAUTH; break;
    case 403: code = XSOCK_EPROXY_NOTALLOWED; break;
    case 404: code = XSOCK_EPROXY_HOSTUNREACH; break;
    case 502:
    case 503: code = h->squid_refused ? XSOCK_EPROXY_CONNREFUSED : XSOCK_EPROXY_GENERAL; break;
    case 504: code = XSOCK_EPROXY_TTLEXPIRED; break;
    default: code = XSOCK_EPROXY_GENERAL; break;
    }
    if (h->squid_error[0])
        return xsock__hs_fail(hs, code, "HTTP CONNECT: %s (X-Squid-Error: %s)", h->status_line,
                              h->squid_error);
    return xsock__hs_fail(hs, code, "HTTP CONNECT: %s", h->status_line);
}

/* One complete line (without its line end).  1: go on, 0: done, < 0: failed. */
static int end_of_line(xsock__hs *hs)
{
    struct http_state *h = XSOCK__HS_STATE(hs, struct http_state);
    size_t n = h->line_len < sizeof h->line ? h->line_len : sizeof h->line;
    if (h->line_len <= sizeof h->line && n > 0 && h->line[n - 1] == '\r') n--;
    if (h->step == H_STATUS) return status_line(hs, h->line, n);
    if (n == 0) {
        if (h->step == H_INTERIM_FIELDS) { /* 1xx done: the real response follows */
            h->step = H_STATUS;
            return 1;
        }
        return end_of_header(hs);
    }
    return header_field(hs, h->line, n);
}

static int http_input(xsock__hs *hs, const uint8_t *data, size_t len, size_t *used)
{
    struct http_state *h = XSOCK__HS_STATE(hs, struct http_state);
    static const char prefix[] = "HTTP/";
    for (size_t i = 0; i < len;) {
        uint8_t c = data[i++];
        *used = i;
        if (++h->header_bytes > XSOCK__HTTP_HEADER_MAX)
            return xsock__hs_fail(hs, XSOCK_EPROXYPROTO,
                                  "HTTP CONNECT: response header longer than %u bytes%s%s",
                                  (unsigned)XSOCK__HTTP_HEADER_MAX, h->status ? " after " : "",
                                  h->status ? h->status_line : "");
        if (c == 0)
            return xsock__hs_fail(hs, XSOCK_EPROXYPROTO, "HTTP CONNECT: NUL byte in the response");
        if (h->step == H_STATUS && h->line_len < 5 && c != (uint8_t)prefix[h->line_len]) {
            char seen[3 * 6 + 1];
            size_t o = 0;
            for (size_t k = 0; k < h->line_len; k++)
                o += (size_t)snprintf(seen + o, sizeof seen - o, "%02x ", (uint8_t)h->line[k]);
            snprintf(seen + o, sizeof seen - o, "%02x", c);
            return xsock__hs_fail(hs, XSOCK_EPROXYPROTO,
                                  "HTTP CONNECT: not an HTTP response (starts with %s)", seen);
        }
        if (c == '\n') {
            int rc = end_of_line(hs);
            h->line_len = 0;
            if (rc < 0) return rc;
            if (rc == 0) return XSOCK_OK;
            continue;
        }
        if (h->line_len < sizeof h->line) h->line[h->line_len] = (char)c;
        h->line_len++;
    }
    *used = len;
    return XSOCK__HS_WANT_READ;
}

static int http_eof(xsock__hs *hs)
{
    struct http_state *h = XSOCK__HS_STATE(hs, struct http_state);
    if (h->header_bytes == 0)
        return xsock__hs_fail(hs, XSOCK_EPROXYPROTO,
                              "HTTP CONNECT: proxy closed the connection without a response");
    if (h->status)
        return xsock__hs_fail(hs, XSOCK_EPROXYPROTO,
                              "HTTP CONNECT: proxy closed the connection in the response header "
                              "(%u bytes; %s)",
                              (unsigned)h->header_bytes, h->status_line);
    return xsock__hs_fail(hs, XSOCK_EPROXYPROTO,
                          "HTTP CONNECT: proxy closed the connection in the status line (%u bytes)",
                          (unsigned)h->header_bytes);
}

/* CONNECT host:port, with Basic credentials when the URL has a user. */
static int http_start_url(xsock__hs *hs, const struct xsock__proxy_url *proxy, const char *host,
                          uint16_t port)
{
    return xsock__http_connect_start(hs, proxy->has_user ? proxy->user : NULL,
                                    proxy->has_user ? proxy->password : NULL, host, port);
}

const xsock__hs_ops xsock__http_connect_ops = {"HTTP CONNECT", http_start_url, http_input, http_eof};
