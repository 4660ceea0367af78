/* SPDX-License-Identifier: MIT */
/* Direct dialing: the addresses of a host, tried in RFC 8305 order with a
   new attempt every `delay` ms (or one at a time with Go's share rule), all
   waited on by one poll, inside the dial's one deadline.  The first to
   connect wins; every other attempt is closed before the dial returns. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define MAX_ADDRS 32
#define NS_PER_MS 1000000ull
#define MIN_SHARE_MS 2000

/* ---- Addresses ----------------------------------------------------------- */

/* Interleave families, starting with the family of the first address. */
static void interleave(xsock_addr *a, size_t n)
{
    xsock_addr first[MAX_ADDRS], other[MAX_ADDRS];
    size_t nf = 0, no = 0;
    for (size_t i = 0; i < n; i++) {
        if (a[i].family == a[0].family)
            first[nf++] = a[i];
        else
            other[no++] = a[i];
    }
    size_t k = 0, i = 0, j = 0;
    while (i < nf || j < no) {
        if (i < nf) a[k++] = first[i++];
        if (j < no) a[k++] = other[j++];
    }
}

int xsock__resolve_family(const xsock_dial_ctx *ctx, const char *host, uint16_t port, int family,
                          xsock_addr *out, size_t max, size_t *n)
{
    *n = 0;
    if (xsock_addr_parse(host, port, out) == XSOCK_OK) {
        if (family != XSOCK_AF_UNSPEC && out->family != family)
            return xsock__fail_msg(XSOCK_EAFNOSUPPORT, "connect %s: not an IPv%d address", host,
                                   family);
        *n = 1;
        return XSOCK_OK;
    }
    if (host[0] == '\0') return xsock__fail_msg(XSOCK_EINVAL, "connect: empty host");
    int rc = xsock__resolve_by(&ctx->deadline, ctx->zero_timeout, host, port, family, out, max, n);
    if (rc == XSOCK_ETIMEDOUT || rc == XSOCK_EAGAIN) return xsock__fail_msg(rc, "resolve %s", host);
    if (rc != XSOCK_OK) return xsock__fail(rc, xsock__os_error(), "resolve %s", host);
    if (!ctx->zero_timeout && xsock__deadline_expired(&ctx->deadline))
        return xsock__fail_msg(XSOCK_ETIMEDOUT, "resolve %s", host);
    interleave(out, *n);
    return XSOCK_OK;
}

/* ---- Outcome ------------------------------------------------------------- */

/* What the dial says when every attempt failed: the most informative
   error, and every address with its own result. */
typedef struct outcome {
    int best, best_os;
    size_t tried;
    char list[480];
    size_t len;
} outcome;

static int rank(int err)
{
    switch (err) {
    case XSOCK_ECONNREFUSED:
        return 6;
    case XSOCK_EHOSTUNREACH:
        return 5;
    case XSOCK_ENETUNREACH:
        return 4;
    case XSOCK_EADDRNOTAVAIL:
        return 3;
    case XSOCK_ETIMEDOUT:
    case XSOCK_EAGAIN:
        return 1;
    default:
        return 2;
    }
}

static void note_failure(outcome *o, const xsock_addr *a, int err, int os_error)
{
    char where[XSOCK_ADDRSTRLEN];
    xsock_addr_format(a, where, sizeof where);
    if (o->tried == 0 || rank(err) > rank(o->best)) {
        o->best = err;
        o->best_os = os_error;
    }
    o->tried++;
    if (o->len < sizeof o->list) {
        int w = os_error ? snprintf(o->list + o->len, sizeof o->list - o->len, "%s%s: %s (os %d)",
                                    o->len ? "; " : "", where, xsock_strerror(err), os_error)
                         : snprintf(o->list + o->len, sizeof o->list - o->len, "%s%s: %s",
                                    o->len ? "; " : "", where, xsock_strerror(err));
        if (w > 0) o->len += (size_t)w;
    }
}

static int report(const outcome *o, const char *host, uint16_t port)
{
    char text[600];
    if (o->tried == 1)
        snprintf(text, sizeof text, "connect %s", o->list);
    else
        snprintf(text, sizeof text, "connect %s port %u: %s", host, (unsigned)port, o->list);
    return xsock__fail_text(o->best, o->best_os, text);
}

/* ---- Attempts ------------------------------------------------------------ */

typedef struct attempt {
    xsock *s;
    const xsock_addr *addr;
    uint64_t give_up_ns; /* sequential mode: end of this attempt's share */
} attempt;

static int bind_local(const xsock_dialer *d, xsock_native h, const xsock_addr *to)
{
    xsock_addr local = d->local;
    if (d->local_any) {
        xsock_addr_parse(to->family == XSOCK_AF_INET6 ? "::" : "0.0.0.0", d->local.port, &local);
    } else if (local.family != to->family) {
        return XSOCK_EAFNOSUPPORT;
    }
    return xsock_os_bind(h, &local);
}

/* XSOCK_OK (connected at once), XSOCK__EINPROGRESS (*out pending), or the
   failure, with nothing left open. */
static int attempt_start(const xsock_dial_ctx *ctx, const xsock_addr *a, xsock **out)
{
    xsock_native h;
    xsock *s;
    const xsock_dialer *d = ctx->opts;
    if (d->has_local && !d->local_any && d->local.family != a->family)
        return XSOCK_EAFNOSUPPORT; /* skip: no OS call for an address we cannot bind for */
    int rc = xsock__reserve();
    if (rc != XSOCK_OK) return rc;
    if ((rc = xsock_os_socket(a->family, &h)) != XSOCK_OK) {
        xsock__unreserve();
        return rc;
    }
    if ((rc = xsock__track(h, XSOCK_KIND_CONNECTING, ctx->site, NULL, a, &s)) != XSOCK_OK) return rc;
    if (d->has_local && (rc = bind_local(d, h, a)) != XSOCK_OK) goto fail;
    rc = xsock_os_connect(h, a);
    /* an interrupted connect goes on in the background (POSIX) */
    if (rc == XSOCK__EINTR) rc = XSOCK__EINPROGRESS;
    if (rc == XSOCK_OK) xsock__set_kind(s, XSOCK_KIND_CONNECTED);
    if (rc == XSOCK_OK || rc == XSOCK__EINPROGRESS) {
        *out = s;
        return rc;
    }
fail:;
    int os_error = xsock__os_error();
    xsock_close(s);
    xsock__set_os_error(os_error);
    return rc;
}

/* One at a time, an attempt gets at most an equal share of the time left
   while other addresses remain, but at least 2 s when the deadline allows
   (Go's rule), so one hanging address cannot starve the rest.  0: none. */
static uint64_t give_up_time(uint64_t now, uint64_t end, size_t remaining)
{
    if (!end) return 0;
    uint64_t share = end > now ? end - now : 0;
    if (remaining > 1) {
        share /= remaining;
        uint64_t floor_ns = (uint64_t)MIN_SHARE_MS * NS_PER_MS;
        if (share < floor_ns) share = end - now < floor_ns ? end - now : floor_ns;
    }
    return now + share;
}

static void drop(attempt *p, size_t *np, size_t i)
{
    xsock_close(p[i].s);
    p[i] = p[--*np];
}

/* A failure that ends the whole dial rather than one attempt.  The limit
   does only when nothing is pending: an attempt under way may still win. */
static int fatal(int err, size_t pending)
{
    return err == XSOCK_ENOMEM || (err == XSOCK_ELIMIT && pending == 0);
}

int xsock__connect_addrs(const xsock_dial_ctx *ctx, const xsock_addr *addrs, size_t n,
                         const char *host, uint16_t port, xsock **out)
{
    attempt p[MAX_ADDRS];
    xsock_os_pollent ents[MAX_ADDRS];
    size_t np = 0, next = 0;
    uint64_t next_start = 0;
    outcome o;
    memset(&o, 0, sizeof o);
    uint64_t delay_ns = (uint64_t)ctx->opts->he_delay_ms * NS_PER_MS;
    const uint64_t end = ctx->deadline.end_ns;
    xsock *winner = NULL;
    int rc = XSOCK_OK, aborted = 0;
    *out = NULL;

    while (!winner) {
        uint64_t now = xsock_os_monotonic_ns();
        /* start attempts: when none is pending, or the happy-eyeballs delay passed */
        while (next < n && (np == 0 || (delay_ns && now >= next_start))) {
            const xsock_addr *a = &addrs[next++];
            xsock *s = NULL;
            rc = attempt_start(ctx, a, &s);
            if (rc == XSOCK_OK) {
                winner = s;
                break;
            }
            if (rc == XSOCK__EINPROGRESS) {
                p[np].s = s;
                p[np].addr = a;
                p[np].give_up_ns = delay_ns ? 0 : give_up_time(now, end, n - next + 1);
                np++;
                next_start = now + delay_ns;
            } else if (rc == XSOCK_ELIMIT && np > 0) {
                /* No slot for a parallel attempt: this address waits for
                   one, and the dial goes on one at a time, so the pending
                   attempts get shares, not the whole deadline. */
                next--;
                delay_ns = 0;
                for (size_t i = 0; i < np; i++) p[i].give_up_ns = give_up_time(now, end, n - next + np);
                break;
            } else {
                note_failure(&o, a, rc, xsock__os_error());
                if (fatal(rc, np)) {
                    aborted = 1;
                    goto out;
                }
            }
            now = xsock_os_monotonic_ns();
        }
        if (winner || np == 0) break;

        uint64_t wake = end;
        if (next < n && delay_ns && (!wake || next_start < wake)) wake = next_start;
        for (size_t i = 0; !delay_ns && i < np; i++)
            if (p[i].give_up_ns && (!wake || p[i].give_up_ns < wake)) wake = p[i].give_up_ns;
        int wait_ms = -1;
        if (ctx->zero_timeout)
            wait_ms = 0;
        else if (wake)
            wait_ms = wake <= now ? 0 : (int)((wake - now + NS_PER_MS - 1) / NS_PER_MS);

        for (size_t i = 0; i < np; i++) {
            ents[i].handle = p[i].s->handle;
            ents[i].events = XSOCK_OS_WAIT_CONNECT;
            ents[i].revents = 0;
        }
        int ready = xsock_os_poll(ents, np, wait_ms);
        if (ready == XSOCK__EINTR) continue;
        if (ready < 0) {
            rc = xsock__fail(ready, xsock__os_error(), "poll of %zu connecting sockets", np);
            aborted = 1;
            goto out;
        }
        /* ents[] keeps the order of p[] until the first drop, so walk backwards */
        for (size_t i = np; ready > 0 && i-- > 0;) {
            if (!ents[i].revents) continue;
            int res = xsock_os_connect_result(p[i].s->handle);
            if (res == XSOCK_OK) {
                winner = p[i].s;
                xsock__set_kind(winner, XSOCK_KIND_CONNECTED);
                p[i] = p[--np];
                break;
            }
            note_failure(&o, p[i].addr, res, xsock__os_error());
            drop(p, &np, i);
            next_start = 0; /* a failure starts the next address at once (RFC 8305) */
        }
        if (winner) break;

        now = xsock_os_monotonic_ns();
        if (ctx->zero_timeout) {
            if (np > 0) {
                while (np > 0) {
                    note_failure(&o, p[np - 1].addr, XSOCK_EAGAIN, 0);
                    drop(p, &np, np - 1);
                }
                rc = XSOCK_EAGAIN;
                goto out;
            }
            continue;
        }
        if (end && now >= end) {
            while (np > 0) {
                note_failure(&o, p[np - 1].addr, XSOCK_ETIMEDOUT, 0);
                drop(p, &np, np - 1);
            }
            break;
        }
        for (size_t i = np; !delay_ns && next < n && i-- > 0;) {
            if (p[i].give_up_ns && now >= p[i].give_up_ns) {
                note_failure(&o, p[i].addr, XSOCK_ETIMEDOUT, 0);
                drop(p, &np, i);
            }
        }
    }

out:
    while (np > 0) drop(p, &np, np - 1);
    if (winner) {
        *out = winner;
        return XSOCK_OK;
    }
    if (aborted) return rc;
    if (rc == XSOCK_EAGAIN)
        return xsock__fail_msg(XSOCK_EAGAIN, "connect %s port %u: still in progress", host,
                               (unsigned)port);
    return report(&o, host, port);
}

int xsock__dial_direct(const xsock_dial_ctx *ctx, const char *host, uint16_t port, xsock **out)
{
    xsock_addr addrs[MAX_ADDRS];
    size_t n = 0;
    int rc = xsock__resolve_family(ctx, host, port, ctx->opts->family, addrs, MAX_ADDRS, &n);
    if (rc != XSOCK_OK) return rc;
    if (n == 0) return xsock__fail_msg(XSOCK_ENOTFOUND, "resolve %s: no address", host);
    return xsock__connect_addrs(ctx, addrs, n, host, port, out);
}
