/* SPDX-License-Identifier: MIT */
/* Proxy URL parsing and target checks (see proxy_url.h).  Pure C11. */
#include "proxy_url.h"

#include <string.h>

#include "../addr.h"
#include "../util.h"
#include "xsock.h"

static const struct {
    const char *name;
    int scheme;
    uint16_t port;
} schemes[] = {
    {"socks4", XSOCK__PROXY_SOCKS4, 1080},   {"socks4a", XSOCK__PROXY_SOCKS4A, 1080},
    {"socks5", XSOCK__PROXY_SOCKS5, 1080},   {"socks5h", XSOCK__PROXY_SOCKS5H, 1080},
    {"http", XSOCK__PROXY_HTTP, 8080},
};

const char *xsock__proxy_scheme_name(int scheme)
{
    if (scheme == XSOCK__PROXY_DIRECT) return "direct";
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
        if (schemes[i].scheme == scheme) return schemes[i].name;
    return "?";
}

void xsock__proxy_url_wipe(xsock__proxy_url *u)
{
    if (u) xsock__secure_zero(u, sizeof *u);
}

static int host_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

static int fail(xsock__proxy_url *out, const char *why)
{
    xsock__secure_zero(out, sizeof *out);
    out->error = why;
    return XSOCK_EINVAL;
}

/* Percent-decode [s, end) into dst (XSOCK__PROXY_FIELD_MAX + 1 bytes). */
static const char *decode(const char *s, const char *end, char *dst)
{
    size_t n = 0;
    while (s < end) {
        unsigned char c = (unsigned char)*s;
        if (c == '%') {
            int hi, lo;
            if (end - s < 3 || (hi = xsock__hex_value(s[1])) < 0 || (lo = xsock__hex_value(s[2])) < 0)
                return "bad percent escape in the user name or password";
            c = (unsigned char)(hi << 4 | lo);
            s += 3;
        } else {
            s++;
        }
        if (xsock__is_ctl(c)) return "control character (CR, LF, NUL, ...) in the user name or password";
        if (n == XSOCK__PROXY_FIELD_MAX) return "user name or password longer than 255 bytes";
        dst[n++] = (char)c;
    }
    dst[n] = '\0';
    return NULL;
}

/* Each step parses one part and returns NULL, or the reason it fails. */

/* "scheme://": the scheme and its default port; *rest is after "://". */
static const char *parse_scheme(const char *url, xsock__proxy_url *out, const char **rest)
{
    const char *sep = strstr(url, "://");
    if (!sep) return "missing \"://\" (expected scheme://host[:port])";
    size_t slen = (size_t)(sep - url);
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        if (strlen(schemes[i].name) == slen && xsock__ascii_ieq(url, schemes[i].name, slen)) {
            out->scheme = schemes[i].scheme;
            out->port = schemes[i].port;
            *rest = sep + 3;
            return NULL;
        }
    }
    return "unknown scheme (expected socks4, socks4a, socks5, socks5h or http)";
}

/* The authority ends at '/', which may only end the URL. */
static const char *authority_end(const char *auth, const char **end)
{
    const char *e = auth;
    while (*e && *e != '/' && *e != '?' && *e != '#') e++;
    if (*e == '?' || *e == '#') return "query or fragment in the proxy URL";
    if (*e == '/' && e[1] != '\0') return "path in the proxy URL (only \"/\" is allowed)";
    *end = e;
    return NULL;
}

/* "user[:password]@" up to the authority's last '@', percent-decoded;
   *host is after it (or the authority itself when there is none). */
static const char *parse_userinfo(const char *auth, const char *aend, xsock__proxy_url *out,
                                  const char **host)
{
    const char *at = NULL, *colon = NULL;
    for (const char *p = auth; p < aend; p++)
        if (*p == '@') at = p;
    *host = at ? at + 1 : auth;
    if (!at) {
        for (const char *p = auth; p < aend; p++)
            if ((unsigned char)*p >= 0x80) return "non-ASCII byte in the host";
        return NULL;
    }
    if (at == auth) return "empty user information before '@'";
    for (const char *p = auth; p < at; p++) {
        if (*p == '@') return "'@' in the user information must be written %40";
        if ((unsigned char)*p >= 0x80) continue; /* raw UTF-8 in a password */
        if (*p == '[' || *p == ']') return "'[' or ']' in the user information";
        if (*p == ':' && !colon) colon = p;
    }
    const char *why = decode(auth, colon ? colon : at, out->user);
    if (!why && colon) why = decode(colon + 1, at, out->password);
    if (why) return why;
    out->has_user = 1;
    out->has_password = colon != NULL;
    if ((out->scheme == XSOCK__PROXY_SOCKS5 || out->scheme == XSOCK__PROXY_SOCKS5H) && !out->user[0])
        return "empty SOCKS5 user name (RFC 1929 needs 1 to 255 bytes)";
    if (out->scheme == XSOCK__PROXY_HTTP && strchr(out->user, ':'))
        return "':' in an HTTP Basic user name";
    return NULL;
}

/* "[v6%25zone]": the literal, its zone "%25N" decoded to "%N". */
static const char *parse_bracketed(const char *hp, const char *aend, xsock__proxy_url *out,
                                   const char **hend)
{
    const char *close = memchr(hp, ']', (size_t)(aend - hp));
    if (!close) return "missing ']' after an IPv6 literal";
    char lit[XSOCK__PROXY_FIELD_MAX + 1];
    size_t n = 0;
    for (const char *p = hp + 1; p < close; p++) {
        if (n == XSOCK__PROXY_FIELD_MAX) return "host longer than 255 bytes";
        if (*p == '%') {
            if (close - p < 3 || p[1] != '2' || p[2] != '5') return "IPv6 zone must be written %25";
            p += 2; /* "%25" is one '%' */
            lit[n++] = '%';
            continue;
        }
        lit[n++] = *p;
    }
    lit[n] = '\0';
    xsock__addr a;
    if (xsock__addr_parse(lit, 0, &a) != XSOCK_OK || a.family != XSOCK_AF_INET6)
        return "bad IPv6 literal in brackets";
    memcpy(out->host, lit, n + 1);
    out->host_is_ipv6 = 1;
    *hend = close + 1;
    if (*hend < aend && **hend != ':') return "unexpected character after ']'";
    return NULL;
}

/* A name or IPv4 literal of URL-safe characters. */
static const char *parse_plain_host(const char *hp, const char *aend, xsock__proxy_url *out,
                                    const char **hend)
{
    const char *e = hp;
    while (e < aend && *e != ':') e++;
    size_t n = (size_t)(e - hp);
    if (n == 0) return "empty host";
    if (n > XSOCK__PROXY_FIELD_MAX) return "host longer than 255 bytes";
    for (const char *p = hp; p < e; p++)
        if (!host_char((unsigned char)*p)) return "bad character in the host";
    memcpy(out->host, hp, n);
    out->host[n] = '\0';
    *hend = e;
    return NULL;
}

/* ":port" after the host, if any: 1 to 65535. */
static const char *parse_port(const char *hend, const char *aend, xsock__proxy_url *out)
{
    if (hend == aend) return NULL;
    const char *s = hend + 1;
    size_t n = (size_t)(aend - s);
    unsigned v = 0;
    if (n == 0) return "empty port after ':'";
    if (n > 5) return "port out of range";
    for (const char *p = s; p < aend; p++) {
        if (*p < '0' || *p > '9') return "port is not a number";
        v = v * 10 + (unsigned)(*p - '0');
    }
    if (v == 0 || v > 65535) return "port out of range (1 to 65535)";
    out->port = (uint16_t)v;
    return NULL;
}

/* The URL minus "userinfo@": what may be shown. */
static const char *set_display(const char *url, const char *auth, const char *hp,
                               xsock__proxy_url *out)
{
    size_t head = (size_t)(auth - url), tail = strlen(hp);
    if (head + tail >= sizeof out->display) return "URL too long";
    memcpy(out->display, url, head);
    memcpy(out->display + head, hp, tail + 1);
    return NULL;
}

int xsock__proxy_url_parse(const char *url, xsock__proxy_url *out)
{
    if (!out) return XSOCK_EINVAL;
    if (!url) return fail(out, "no URL");
    memset(out, 0, sizeof *out);
    if (strcmp(url, "direct") == 0) {
        out->scheme = XSOCK__PROXY_DIRECT;
        memcpy(out->display, "direct", sizeof "direct");
        return XSOCK_OK;
    }
    if (!*url) return fail(out, "empty URL");
    for (const char *p = url; *p; p++)
        if (xsock__is_ctl((unsigned char)*p) || *p == ' ')
            return fail(out, "control character or space in the URL");

    const char *auth = NULL, *aend = NULL, *hp = NULL, *hend = NULL;
    const char *why = parse_scheme(url, out, &auth);
    if (!why) why = authority_end(auth, &aend);
    if (!why) why = parse_userinfo(auth, aend, out, &hp);
    if (!why) why = *hp == '[' ? parse_bracketed(hp, aend, out, &hend)
                               : parse_plain_host(hp, aend, out, &hend);
    if (!why) why = parse_port(hend, aend, out);
    if (!why) why = set_display(url, auth, hp, out);
    return why ? fail(out, why) : XSOCK_OK;
}

int xsock__proxy_check_target(const xsock__proxy_url *u, const char *host, uint16_t port,
                             const char **why)
{
    const char *dummy;
    if (!why) why = &dummy;
    *why = NULL;
    (void)port;
    if (!u) {
        *why = "no proxy";
        return XSOCK_EINVAL;
    }
    if (!host || !*host) {
        *why = "empty target host";
        return XSOCK_EINVAL;
    }
    if (u->scheme == XSOCK__PROXY_DIRECT) return XSOCK_OK;

    xsock__addr a;
    int literal = xsock__addr_parse(host, port, &a) == XSOCK_OK;
    if (literal && a.family == XSOCK_AF_INET6 &&
        (u->scheme == XSOCK__PROXY_SOCKS4 || u->scheme == XSOCK__PROXY_SOCKS4A)) {
        *why = "SOCKS4 cannot carry an IPv6 target";
        return XSOCK_EAFNOSUPPORT;
    }
    size_t n = strlen(host);
    if (!literal && n > XSOCK__PROXY_FIELD_MAX &&
        (u->scheme == XSOCK__PROXY_SOCKS4A || u->scheme == XSOCK__PROXY_SOCKS5H ||
         u->scheme == XSOCK__PROXY_HTTP)) {
        *why = "target host name longer than 255 bytes";
        return XSOCK_EINVAL;
    }
    if (u->scheme == XSOCK__PROXY_HTTP) {
        for (size_t i = 0; i < n; i++)
            if (xsock__is_ctl((unsigned char)host[i]) || host[i] == ' ') {
                *why = "control character (CR, LF, ...) or space in the target host";
                return XSOCK_EINVAL;
            }
    }
    return XSOCK_OK;
}
