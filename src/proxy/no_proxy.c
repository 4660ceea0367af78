/* SPDX-License-Identifier: MIT */
/* no_proxy matching (see no_proxy.h).  Pure C11. */
#include "no_proxy.h"

#include <string.h>

#include "../addr.h"
#include "../util.h"
#include "xsock.h"

#define ENTRY_MAX 300

typedef struct target {
    int is_ip;
    xsock__addr ip;
    const char *name; /* without a trailing dot */
    size_t name_len;
    uint16_t port;
} target;

static int is_sep(char c)
{
    return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ::ffff:a.b.c.d is a.b.c.d */
static void unmap(xsock__addr *a)
{
    static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (a->family == XSOCK_AF_INET6 && memcmp(a->ip, prefix, 12) == 0) {
        memmove(a->ip, a->ip + 12, 4);
        memset(a->ip + 4, 0, 12);
        a->family = XSOCK_AF_INET;
    }
}

/* Decimal 0..max from a non-empty digit string, or -1. */
static long number(const char *s, long max)
{
    long v = 0;
    if (!*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        v = v * 10 + (*s - '0');
        if (v > max) return -1;
    }
    return v;
}

static int prefix_match(const xsock__addr *a, const xsock__addr *b, long bits)
{
    size_t full = (size_t)bits / 8;
    if (memcmp(a->ip, b->ip, full) != 0) return 0;
    int rest = (int)(bits % 8);
    if (rest == 0) return 1;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a->ip[full] & mask) == (b->ip[full] & mask);
}

/* One no_proxy entry split into its parts, in place in its own copy. */
typedef struct entry {
    char buf[ENTRY_MAX];
    char *addr, *prefix, *port; /* prefix and port NULL when absent */
    int bracketed;              /* "[v6]" form */
} entry;

/* "[v6]", "[v6]:port", "[v6/len]", "[v6]/len[:port]": 0 if malformed. */
static int split_bracketed(entry *e)
{
    char *close = strchr(e->buf, ']');
    if (!close) return 0;
    *close = '\0';
    e->addr = e->buf + 1;
    e->bracketed = 1;
    char *rest = close + 1, *slash = strchr(e->addr, '/');
    if (slash) {
        *slash = '\0';
        e->prefix = slash + 1;
    }
    if (*rest == '/') {
        if (e->prefix) return 0;
        e->prefix = rest + 1;
        char *colon = strchr(e->prefix, ':');
        if (colon) {
            *colon = '\0';
            e->port = colon + 1;
        }
    } else if (*rest == ':') {
        e->port = rest + 1;
    } else if (*rest) {
        return 0;
    }
    return 1;
}

/* "name", "name:port", "a.b.c.d/len", "v6" (more than one colon: no port). */
static void split_plain(entry *e)
{
    e->addr = e->buf;
    char *colon = strchr(e->buf, ':');
    if (colon && !strchr(colon + 1, ':')) { /* one colon: host:port */
        *colon = '\0';
        e->port = colon + 1;
    }
    char *slash = strchr(e->buf, '/');
    if (slash) {
        *slash = '\0';
        e->prefix = slash + 1;
    }
}

/* An IP or CIDR entry against the target (literal targets only). */
static int ip_matches(xsock__addr ea, const char *prefix, const target *t)
{
    long bits = ea.family == XSOCK_AF_INET ? 32 : 128;
    if (prefix && (bits = number(prefix, bits)) < 0) return 0;
    if (!t->is_ip) return 0;
    if (ea.family == XSOCK_AF_INET6 && bits >= 96) { /* ::ffff:a.b.c.d/104 and the like */
        xsock__addr m = ea;
        unmap(&m);
        if (m.family == XSOCK_AF_INET) {
            ea = m;
            bits -= 96;
        }
    }
    if (ea.family != t->ip.family) return 0;
    return prefix_match(&ea, &t->ip, bits);
}

/* A name entry: "*.x", ".x" and "x" are the same, and match x and its
   subdomains on label boundaries. */
static int name_matches(const char *e, const target *t)
{
    size_t el = strlen(e);
    if (el >= 2 && e[0] == '*' && e[1] == '.') {
        e += 2;
        el -= 2;
    } else if (el >= 1 && e[0] == '.') {
        e++;
        el--;
    }
    if (el > 0 && e[el - 1] == '.') el--;
    if (el == 0) return 0;
    if (t->name_len == el) return xsock__ascii_ieq(t->name, e, el);
    return t->name_len > el && t->name[t->name_len - el - 1] == '.' &&
           xsock__ascii_ieq(t->name + t->name_len - el, e, el);
}

static int entry_matches(const char *tok, size_t n, const target *t)
{
    if (n == 1 && tok[0] == '*') return 1;
    if (n >= ENTRY_MAX) return 0;
    entry e;
    memcpy(e.buf, tok, n);
    e.buf[n] = '\0';
    e.prefix = e.port = NULL;
    e.bracketed = 0;
    if (e.buf[0] == '[') {
        if (!split_bracketed(&e)) return 0;
    } else {
        split_plain(&e);
    }
    if (e.port) {
        long p = number(e.port, 65535);
        if (p <= 0 || (uint16_t)p != t->port) return 0;
    }
    xsock__addr ea;
    if (xsock__addr_parse(e.addr, 0, &ea) == XSOCK_OK && (!e.bracketed || ea.family == XSOCK_AF_INET6))
        return ip_matches(ea, e.prefix, t);
    if (e.prefix || e.bracketed || t->is_ip) return 0;
    return name_matches(e.addr, t);
}

int xsock__no_proxy_match(const char *no_proxy, const char *host, uint16_t port)
{
    if (!no_proxy || !host || !*host) return 0;
    target t;
    memset(&t, 0, sizeof t);
    t.port = port;
    if (xsock__addr_parse(host, port, &t.ip) == XSOCK_OK) {
        t.is_ip = 1;
        unmap(&t.ip);
    } else {
        t.name = host;
        t.name_len = strlen(host);
        if (t.name_len > 1 && host[t.name_len - 1] == '.') t.name_len--;
    }
    const char *p = no_proxy;
    while (*p) {
        while (*p && is_sep(*p)) p++;
        const char *start = p;
        while (*p && !is_sep(*p)) p++;
        if (p > start && entry_matches(start, (size_t)(p - start), &t)) return 1;
    }
    return 0;
}
