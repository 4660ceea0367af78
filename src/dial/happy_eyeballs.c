/* SPDX-License-Identifier: MIT */
/* Direct dialing: the addresses of a host, tried in RFC 8305 order with a
   new attempt every `delay` ms (or one at a time with Go's share rule), all
   waited on by one poll, inside the dial's one deadline.  The first to
   connect wins; every other attempt is closed before the dial returns. */
#include <stdio.h>
#include <string.h>

#include "dial.h"

#define MIN_SHARE_MS 2000

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

/* A dial over several addresses: what is pending, what comes next, and
   what every finished attempt said. */
typedef struct dial_state {
    const xsock_dial_ctx *ctx;
    const xsock_addr *addrs;
    size_t n, next;
    attempt p[XSOCK__MAX_ADDRS];
    xsock_os_pollent ents[XSOCK__MAX_ADDRS];
    size_t np;
    uint64_t delay_ns, next_start;
    size_t skipped; /* addresses the local address cannot reach: no attempts */
    outcome o;
    xsock *winner;
} dial_state;

static int bind_local(const xsock_dialer *d, xsock_native h, const xsock_addr *to)
{
    xsock_addr local = d->local;
    if (d->local_any)
        xsock_addr_parse(to->family == XSOCK_AF_INET6 ? "::" : "0.0.0.0", d->local.port, &local);
    return xsock_os_bind(h, &local);
}

/* A local address of the other family cannot reach this one: no attempt,
   no OS call, no part in the error ranking. */
static int unreachable_from_local(const xsock_dialer *d, const xsock_addr *a)
{
    return d->has_local && !d->local_any && d->local.family != a->family;
}

/* XSOCK_OK (connected at once), XSOCK__EINPROGRESS (*out pending), or the
   failure, with nothing left open. */
static int attempt_start(const xsock_dial_ctx *ctx, const xsock_addr *a, xsock **out)
{
    xsock_native h;
    xsock *s;
    const xsock_dialer *d = ctx->opts;
    int rc = xsock__reserve();
    if (rc != XSOCK_OK) return rc;
    if ((rc = xsock_os_socket(a->family, &h)) != XSOCK_OK) {
        xsock__unreserve();
        return rc;
    }
    if ((rc = xsock__track(h, XSOCK_KIND_CONNECTING, ctx->site, NULL, a, &s)) != XSOCK_OK) return rc;
    if (d->has_local && (rc = bind_local(d, h, a)) != XSOCK_OK) goto fail;
    rc = xsock_os_connect(h, a);
    if (rc == XSOCK_OK) xsock__set_kind(s, XSOCK_KIND_CONNECTED);
    if (rc == XSOCK_OK || rc == XSOCK__EINPROGRESS) {
        *out = s;
        return rc;
    }
fail:
    xsock__discard(s);
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
        uint64_t floor_ns = (uint64_t)MIN_SHARE_MS * XSOCK__NS_PER_MS;
        if (share < floor_ns) share = end - now < floor_ns ? end - now : floor_ns;
    }
    return now + share;
}

static void drop(dial_state *st, size_t i)
{
    xsock__discard(st->p[i].s);
    st->p[i] = st->p[--st->np];
}

static void drop_all(dial_state *st, int err)
{
    while (st->np > 0) {
        if (err) note_failure(&st->o, st->p[st->np - 1].addr, err, 0);
        drop(st, st->np - 1);
    }
}

/* A failure that ends the whole dial rather than one attempt.  The limit
   does only when nothing is pending: an attempt under way may still win. */
static int fatal(int err, size_t pending)
{
    return err == XSOCK_ENOMEM || (err == XSOCK_ELIMIT && pending == 0);
}

/* With a fixed local port, two attempts of one family would share it
   (and [::]:P is not dual-stack here, see xsock_os_bind): one at a time. */
static int port_shared_with_pending(const dial_state *st, const xsock_addr *a)
{
    const xsock_dialer *d = st->ctx->opts;
    if (!d->has_local || d->local.port == 0) return 0;
    for (size_t i = 0; i < st->np; i++)
        if (st->p[i].addr->family == a->family) return 1;
    return 0;
}

/* The next address may start: none pending, or the happy-eyeballs delay
   passed, and it would not collide with an attempt of our own. */
static int may_start_next(const dial_state *st, uint64_t now)
{
    if (st->next >= st->n) return 0;
    if (st->np > 0 && !(st->delay_ns && now >= st->next_start)) return 0;
    return !port_shared_with_pending(st, &st->addrs[st->next]);
}

static void add_pending(dial_state *st, xsock *s, const xsock_addr *a, uint64_t now)
{
    attempt *t = &st->p[st->np++];
    t->s = s;
    t->addr = a;
    t->give_up_ns = st->delay_ns ? 0 : give_up_time(now, st->ctx->deadline.end_ns, st->n - st->next + 1);
    st->next_start = now + st->delay_ns;
}

/* The dial goes on one address at a time (no slot, or no port, for a
   parallel attempt): the pending attempts get shares of the time left,
   not the whole deadline, so the addresses after them get their turn. */
static void go_sequential(dial_state *st, uint64_t now)
{
    st->delay_ns = 0;
    for (size_t i = 0; i < st->np; i++)
        st->p[i].give_up_ns = give_up_time(now, st->ctx->deadline.end_ns, st->n - st->next + st->np);
}

/* Start what may start now.  XSOCK_OK to go on waiting, or a code that
   ends the dial. */
static int start_attempts(dial_state *st)
{
    uint64_t now = xsock_os_monotonic_ns();
    while (!st->winner && may_start_next(st, now)) {
        const xsock_addr *a = &st->addrs[st->next++];
        if (unreachable_from_local(st->ctx->opts, a)) {
            st->skipped++;
            continue;
        }
        xsock *s = NULL;
        int rc = attempt_start(st->ctx, a, &s);
        if (rc == XSOCK_OK) {
            st->winner = s;
        } else if (rc == XSOCK__EINPROGRESS) {
            add_pending(st, s, a, now);
        } else if (rc == XSOCK_ELIMIT && st->np > 0) {
            /* no slot for a parallel attempt: this address waits for one */
            st->next--;
            go_sequential(st, now);
            break;
        } else {
            note_failure(&st->o, a, rc, xsock__os_error());
            if (fatal(rc, st->np)) return rc;
        }
        now = xsock_os_monotonic_ns();
    }
    /* due, but it would share the fixed local port with a pending attempt */
    if (!st->winner && st->delay_ns && st->next < st->n && st->np > 0 && now >= st->next_start)
        go_sequential(st, now);
    return XSOCK_OK;
}

/* How long the next wait may take: until the deadline, the next
   happy-eyeballs start, or the first share to end. */
static int wait_ms(const dial_state *st, uint64_t now)
{
    if (st->ctx->zero_timeout) return 0;
    uint64_t wake = st->ctx->deadline.end_ns;
    if (st->next < st->n && st->delay_ns && (!wake || st->next_start < wake))
        wake = st->next_start;
    for (size_t i = 0; !st->delay_ns && i < st->np; i++)
        if (st->p[i].give_up_ns && (!wake || st->p[i].give_up_ns < wake)) wake = st->p[i].give_up_ns;
    if (!wake) return -1;
    return wake <= now ? 0 : (int)((wake - now + XSOCK__NS_PER_MS - 1) / XSOCK__NS_PER_MS);
}

/* The OS gave up on its own (Linux abandons a SYN after its retries) while
   the deadline still has time: that is no timeout of the call, so the
   same address is tried again on a new socket.  1 if it was. */
static int retry_abandoned(dial_state *st, size_t i, int res)
{
    if (res != XSOCK_ETIMEDOUT || xsock__deadline_expired(&st->ctx->deadline)) return 0;
    xsock *s = NULL;
    const xsock_addr *a = st->p[i].addr;
    uint64_t give_up = st->p[i].give_up_ns;
    xsock__discard(st->p[i].s);
    int rc = attempt_start(st->ctx, a, &s);
    if (rc == XSOCK_OK) {
        st->winner = s;
        st->p[i] = st->p[--st->np];
    } else if (rc == XSOCK__EINPROGRESS) {
        st->p[i].s = s;
        st->p[i].give_up_ns = give_up;
    } else {
        note_failure(&st->o, a, rc, xsock__os_error());
        st->p[i] = st->p[--st->np];
    }
    return 1;
}

/* Collect the attempts that finished.  ents[] keeps the order of p[]
   until the first removal, so walk backwards. */
static void reap(dial_state *st, int ready)
{
    for (size_t i = st->np; ready > 0 && i-- > 0 && !st->winner;) {
        if (!st->ents[i].revents) continue;
        int res = xsock_os_connect_result(st->p[i].s->handle);
        if (res == XSOCK_OK) {
            st->winner = st->p[i].s;
            xsock__set_kind(st->winner, XSOCK_KIND_CONNECTED);
            st->p[i] = st->p[--st->np];
        } else if (!retry_abandoned(st, i, res)) {
            note_failure(&st->o, st->p[i].addr, res, xsock__os_error());
            drop(st, i);
            st->next_start = 0; /* a failure starts the next address at once (RFC 8305) */
        }
    }
}

/* Sequential mode: an attempt whose share ran out gives way to the next. */
static void expire_shares(dial_state *st, uint64_t now)
{
    for (size_t i = st->np; !st->delay_ns && st->next < st->n && i-- > 0;) {
        if (st->p[i].give_up_ns && now >= st->p[i].give_up_ns) {
            note_failure(&st->o, st->p[i].addr, XSOCK_ETIMEDOUT, 0);
            drop(st, i);
        }
    }
}

/* One wait over every pending attempt.  XSOCK_OK to go on, or a code that
   ends the dial. */
static int wait_round(dial_state *st)
{
    uint64_t now = xsock_os_monotonic_ns();
    int ms = wait_ms(st, now);
    for (size_t i = 0; i < st->np; i++) {
        st->ents[i].handle = st->p[i].s->handle;
        st->ents[i].events = XSOCK_OS_WAIT_CONNECT;
        st->ents[i].revents = 0;
    }
    int ready = xsock_os_poll(st->ents, st->np, ms);
    if (ready < 0 && ready != XSOCK__EINTR)
        return xsock__fail(ready, xsock__os_error(), "poll of %zu connecting sockets", st->np);
    if (ready > 0) reap(st, ready);
    if (st->winner) return XSOCK_OK;
    now = xsock_os_monotonic_ns();
    if (st->ctx->zero_timeout) {
        if (st->np == 0) return XSOCK_OK;
        drop_all(st, XSOCK_EAGAIN);
        return xsock__fail_msg(XSOCK_EAGAIN, "connect: still in progress");
    }
    if (st->ctx->deadline.end_ns && now >= st->ctx->deadline.end_ns) {
        drop_all(st, XSOCK_ETIMEDOUT);
        st->next = st->n; /* nothing more starts after the deadline */
        return XSOCK_OK;
    }
    expire_shares(st, now);
    return XSOCK_OK;
}

int xsock__connect_addrs(const xsock_dial_ctx *ctx, const xsock_addr *addrs, size_t n,
                         const char *host, uint16_t port, xsock **out)
{
    dial_state st;
    st.ctx = ctx;
    st.addrs = addrs;
    st.n = n;
    st.next = st.np = st.skipped = 0;
    st.delay_ns = (uint64_t)ctx->opts->he_delay_ms * XSOCK__NS_PER_MS;
    st.next_start = 0;
    st.winner = NULL;
    st.o.tried = st.o.len = 0;
    st.o.best = st.o.best_os = 0;
    st.o.list[0] = '\0';
    *out = NULL;

    int rc = XSOCK_OK;
    while (!st.winner && rc == XSOCK_OK) {
        rc = start_attempts(&st);
        if (rc != XSOCK_OK || st.winner || st.np == 0) break;
        rc = wait_round(&st);
    }
    drop_all(&st, 0);
    if (st.winner) {
        *out = st.winner;
        return XSOCK_OK;
    }
    if (rc == XSOCK_EAGAIN)
        return xsock__fail_msg(XSOCK_EAGAIN, "connect %s port %u: still in progress", host,
                               (unsigned)port);
    if (rc != XSOCK_OK && st.o.tried == 0) return rc;
    if (rc != XSOCK_OK && rc != XSOCK_ELIMIT && rc != XSOCK_ENOMEM) return rc;
    if (st.o.tried == 0)
        return xsock__fail_msg(XSOCK_EAFNOSUPPORT,
                               "connect %s port %u: no address of the local address's family",
                               host, (unsigned)port);
    return report(&st.o, host, port);
}
