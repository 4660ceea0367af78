/* SPDX-License-Identifier: MIT */
/* Connecting to the addresses of one host inside the dial's deadline, the
   way Go's dial.go reads: staggered (RFC 8305 happy eyeballs, a new attempt
   every `delay` ms) or sequential (one at a time, each with its share),
   over shared attempt helpers: start, wait, reap, expire.  The first to
   connect wins; every other attempt is closed before the dial returns. */
#include "dial.h"

/* Go's floor for an attempt's share of the time left. */
#define MIN_SHARE_MS 2000

typedef struct attempt {
    xsock *s;
    const xsock__addr *addr;
    uint64_t give_up_ns; /* sequential mode: end of this attempt's share; 0 none */
} attempt;

/* A dial over several addresses: what is pending, what comes next, and
   what every finished attempt said. */
typedef struct dial_state {
    const xsock__dial_ctx *ctx;
    const xsock__addr *addrs;
    size_t n, next;
    attempt p[XSOCK__MAX_ADDRS];
    xsock_os_pollent ents[XSOCK__MAX_ADDRS];
    size_t np;
    uint64_t delay_ns, next_start;
    xsock__outcome o;
    xsock *winner;
} dial_state;

/* ---- Attempt helpers ------------------------------------------------------ */

static int bind_local(const xsock_dialer *d, xsock_native h, const xsock__addr *to)
{
    xsock__addr local = d->local;
    if (d->local_any)
        xsock__addr_parse(to->family == XSOCK_AF_INET6 ? "::" : "0.0.0.0", d->local.port, &local);
    return xsock_os_bind(h, &local);
}

/* A local address of the other family cannot reach this one: no attempt,
   no OS call, no part in the error ranking. */
static int unreachable_from_local(const xsock_dialer *d, const xsock__addr *a)
{
    return d->has_local && !d->local_any && d->local.family != a->family;
}

/* An OS call of an attempt failed: recorded with the call and the address,
   so a failure that ends the dial (out of memory) says what it was; any
   other is reported with the rest of the dial's results. */
static XSOCK__NOINLINE int attempt_failed(const xsock__addr *a, int rc, const char *call)
{
    char where[XSOCK__ADDRSTRLEN];
    xsock__addr_format(a, where, sizeof where);
    return xsock__fail(rc, xsock__os_error(), "connect %s: %s", where, call);
}

/* XSOCK_OK (connected at once), XSOCK__EINPROGRESS (*out pending), or the
   failure, with nothing left open. */
static int attempt_start(const xsock__dial_ctx *ctx, const xsock__addr *a, uint64_t born_ns,
                         xsock **out)
{
    xsock_native h;
    xsock *s;
    const xsock_dialer *d = ctx->opts;
    int rc = xsock__reserve();
    if (rc != XSOCK_OK) return rc;
    if ((rc = xsock_os_socket(a->family, &h)) != XSOCK_OK) {
        xsock__unreserve();
        return attempt_failed(a, rc, "socket");
    }
    if ((rc = xsock__track(h, XSOCK__KIND_CONNECTING, ctx->site, born_ns, NULL, a, &s)) != XSOCK_OK) return rc;
    if (d->has_local && (rc = bind_local(d, h, a)) != XSOCK_OK) {
        attempt_failed(a, rc, "bind");
        xsock__discard(s);
        return rc;
    }
    rc = xsock_os_connect(h, a);
    if (rc == XSOCK_OK) xsock__set_connected(s, 0);
    if (rc == XSOCK_OK || rc == XSOCK__EINPROGRESS) {
        *out = s;
        return rc;
    }
    attempt_failed(a, rc, "connect");
    xsock__discard(s);
    return rc;
}

/* Sequential mode: an attempt gets at most an equal share of the time
   left while other addresses remain, but at least 2 s when the deadline
   allows (Go's partialDeadline), so one hanging address cannot starve the
   rest.  0: no share (no deadline). */
static uint64_t share_end(uint64_t now, uint64_t end, size_t remaining)
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

/* Close every pending attempt, noting `err` for each (0: note nothing). */
static void drop_all(dial_state *st, int err)
{
    while (st->np > 0) {
        if (err) xsock__outcome_note(&st->o, st->p[st->np - 1].addr, err, 0);
        drop(st, st->np - 1);
    }
}

/* With a fixed local port, two attempts of one family would share it
   (IPv6 binds V6ONLY, see xsock_os_bind): those take turns. */
static int port_shared_with_pending(const dial_state *st, const xsock__addr *a)
{
    const xsock_dialer *d = st->ctx->opts;
    if (!d->has_local || d->local.port == 0) return 0;
    for (size_t i = 0; i < st->np; i++)
        if (st->p[i].addr->family == a->family) return 1;
    return 0;
}

/* A failure that ends the whole dial rather than one attempt.  The limit
   does only when nothing is pending: an attempt under way may still win. */
static int fatal(int err, size_t pending)
{
    return err == XSOCK_ENOMEM || (err == XSOCK_ELIMIT && pending == 0);
}

/* Start the next address.  XSOCK_OK (started, connected, skipped or
   failed and noted), XSOCK_ELIMIT while others are pending (the address
   stays next), or a code that ends the dial. */
static int start_next(dial_state *st, uint64_t give_up_ns)
{
    const xsock__addr *a = &st->addrs[st->next++];
    if (unreachable_from_local(st->ctx->opts, a)) return XSOCK_OK;
    xsock *s = NULL;
    int rc = attempt_start(st->ctx, a, 0, &s);
    if (rc == XSOCK_OK) {
        st->winner = s;
    } else if (rc == XSOCK__EINPROGRESS) {
        attempt *t = &st->p[st->np++];
        t->s = s;
        t->addr = a;
        t->give_up_ns = give_up_ns;
    } else if (rc == XSOCK_ELIMIT && st->np > 0) {
        st->next--;
        return rc;
    } else {
        xsock__outcome_note(&st->o, a, rc, xsock__os_error());
        if (fatal(rc, st->np)) return rc;
    }
    return XSOCK_OK;
}

/* The OS gave up on its own (Linux abandons a SYN after its retries) while
   the deadline still has time, as the clock read `now_ns`: no timeout of
   the call, so the same address is tried again on a new socket. */
static int os_gave_up_early(const xsock__dial_ctx *ctx, int res, uint64_t now_ns)
{
    return res == XSOCK_ETIMEDOUT && !xsock__deadline_passed_at(&ctx->deadline, now_ns);
}

/* os_gave_up_early in a race: the address keeps its share.  1 if so. */
static int retry_abandoned(dial_state *st, size_t i, int res, uint64_t now_ns)
{
    if (!os_gave_up_early(st->ctx, res, now_ns)) return 0;
    attempt t = st->p[i];
    xsock__discard(t.s);
    st->p[i] = st->p[--st->np];
    xsock *s = NULL;
    int rc = attempt_start(st->ctx, t.addr, 0, &s);
    if (rc == XSOCK_OK) {
        st->winner = s;
    } else if (rc == XSOCK__EINPROGRESS) {
        t.s = s;
        st->p[st->np++] = t;
    } else {
        xsock__outcome_note(&st->o, t.addr, rc, xsock__os_error());
    }
    return 1;
}

/* Collect the attempts that finished by `now_ns` (the poll's end).
   ents[] keeps the order of p[] until the first removal, so walk backwards. */
static void reap(dial_state *st, int ready, uint64_t now_ns)
{
    for (size_t i = st->np; ready > 0 && i-- > 0 && !st->winner;) {
        if (!st->ents[i].revents) continue;
        int res = xsock_os_connect_result(st->p[i].s->handle);
        if (res == XSOCK_OK) {
            st->winner = st->p[i].s;
            xsock__set_connected(st->winner, 0);
            st->p[i] = st->p[--st->np];
        } else if (!retry_abandoned(st, i, res, now_ns)) {
            xsock__outcome_note(&st->o, st->p[i].addr, res, xsock__os_error());
            drop(st, i);
            st->next_start = 0; /* a failure starts the next address at once (RFC 8305) */
        }
    }
}

/* Sequential mode: an attempt whose share ran out gives way to the next. */
static void expire_shares(dial_state *st, uint64_t now)
{
    for (size_t i = st->np; st->next < st->n && i-- > 0;) {
        if (st->p[i].give_up_ns && now >= st->p[i].give_up_ns) {
            xsock__outcome_note(&st->o, st->p[i].addr, XSOCK_ETIMEDOUT, 0);
            drop(st, i);
        }
    }
}

/* One wait over every pending attempt, until `wake` at the latest (0: the
   deadline alone), then reap.  XSOCK_OK to go on, or a code that ends the
   dial; at the deadline every pending attempt is noted as timed out. */
static int wait_round(dial_state *st, uint64_t wake)
{
    const xsock__dial_ctx *ctx = st->ctx;
    uint64_t now = xsock_os_monotonic_ns(), end = ctx->deadline.end_ns;
    if (end && (!wake || end < wake)) wake = end;
    int ms = ctx->zero_timeout ? 0 : !wake ? -1
             : wake <= now ? 0 : (int)((wake - now + XSOCK__NS_PER_MS - 1) / XSOCK__NS_PER_MS);
    for (size_t i = 0; i < st->np; i++) {
        st->ents[i].handle = st->p[i].s->handle;
        st->ents[i].events = XSOCK_OS_WAIT_CONNECT;
        st->ents[i].revents = 0;
    }
    int ready = xsock__poll_timed(st->ents, st->np, ms, now, &now);
    if (ready < 0 && ready != XSOCK__EINTR)
        return xsock__fail(ready, xsock__os_error(), "poll of %zu connecting sockets", st->np);
    if (ready > 0) reap(st, ready, now);
    if (st->winner || st->np == 0) return XSOCK_OK;
    if (ctx->zero_timeout) {
        drop_all(st, XSOCK_EAGAIN);
        return XSOCK_EAGAIN;
    }
    if (xsock__deadline_passed_at(&ctx->deadline, now)) {
        drop_all(st, XSOCK_ETIMEDOUT);
        st->next = st->n; /* nothing starts after the deadline */
    }
    return XSOCK_OK;
}

/* ---- One address ------------------------------------------------------------ */

static int no_address_of_local_family(const char *host, uint16_t port)
{
    return xsock__fail_msg(XSOCK_EAFNOSUPPORT,
                           "connect %s port %u: no address of the local address's family", host,
                           (unsigned)port);
}

static int still_in_progress(const char *host, uint16_t port)
{
    return xsock__fail_msg(XSOCK_EAGAIN, "connect %s port %u: still in progress", host,
                           (unsigned)port);
}

/* The one address failed with `err`: the report a race of one would give. */
static int one_failed(const xsock__addr *a, int err, int os_error, const char *host, uint16_t port)
{
    xsock__outcome o;
    xsock__outcome_init(&o);
    xsock__outcome_note(&o, a, err, os_error);
    return xsock__outcome_report(&o, host, port);
}

/* The wait of a pending attempt and its result: XSOCK_OK (connected, at
   *now_ns), the attempt's failure (*os_error its code), the wait's own end
   (the timeout 0 spent: XSOCK_EAGAIN; the deadline: XSOCK_ETIMEDOUT, os 0),
   or XSOCK__EINPROGRESS when the OS gave up on its own while the deadline
   has time (no result yet).  A failed poll is recorded and *poll_failed set. */
static int wait_one(const xsock__dial_ctx *ctx, xsock *s, uint64_t *now_ns, int *os_error,
                    int *poll_failed)
{
    int rc = xsock__wait_clocked(s->handle, XSOCK_OS_WAIT_CONNECT, &ctx->deadline,
                                 ctx->zero_timeout, NULL, now_ns);
    *os_error = 0;
    *poll_failed = 0;
    if (rc == XSOCK_EAGAIN || rc == XSOCK_ETIMEDOUT) return rc;
    if (rc != XSOCK_OK) {
        *poll_failed = 1;
        return xsock__fail(rc, xsock__os_error(), "poll of 1 connecting sockets");
    }
    rc = xsock_os_connect_result(s->handle);
    if (rc != XSOCK_OK) *os_error = xsock__os_error();
    if (os_gave_up_early(ctx, rc, *now_ns)) return XSOCK__EINPROGRESS;
    return rc;
}

/* A single address (a literal, or a name with one) needs no race: one
   attempt with the whole deadline, waited on alone, made again on a new
   socket when the OS gives up while time is left (retry_abandoned's rule).
   The results are those of a race of one.  The first socket is born at
   `born_ns` (0: when it is made), and connected at the wait's last reading. */
int xsock__connect_one(const xsock__dial_ctx *ctx, const xsock__addr *a, uint64_t born_ns,
                       const char *host, uint16_t port, xsock **out)
{
    *out = NULL;
    if (unreachable_from_local(ctx->opts, a)) return no_address_of_local_family(host, port);
    uint64_t now_ns;
    for (int retry = 0;; retry = 1) {
        xsock *s = NULL;
        int os_error, poll_failed;
        int rc = attempt_start(ctx, a, born_ns, &s);
        if (rc == XSOCK__EINPROGRESS) {
            rc = wait_one(ctx, s, &now_ns, &os_error, &poll_failed);
            if (rc == XSOCK_OK) xsock__set_connected(s, now_ns);
        } else if (rc != XSOCK_OK) {
            /* the race reports a retry's failure as the address's own */
            if (fatal(rc, 0) && !retry) return rc; /* its own detail */
            return one_failed(a, rc, xsock__os_error(), host, port);
        }
        if (rc == XSOCK_OK) {
            *out = s;
            return XSOCK_OK;
        }
        xsock__discard(s);
        if (poll_failed) return rc;
        if (rc == XSOCK_EAGAIN) return still_in_progress(host, port);
        if (rc != XSOCK__EINPROGRESS) return one_failed(a, rc, os_error, host, port);
        born_ns = 0; /* the OS gave up: a new socket, born when it is made */
    }
}

/* ---- The two modes --------------------------------------------------------- */

/* One address at a time, each with its share of the time left; attempts
   already pending (from a staggered start) get shares too. */
static int dial_sequential(dial_state *st)
{
    uint64_t now = xsock_os_monotonic_ns(), end = st->ctx->deadline.end_ns;
    for (size_t i = 0; i < st->np; i++)
        st->p[i].give_up_ns = share_end(now, end, st->n - st->next + st->np);
    while (!st->winner) {
        int rc = XSOCK_OK;
        while (!st->winner && st->np == 0 && st->next < st->n && rc == XSOCK_OK)
            rc = start_next(st, share_end(xsock_os_monotonic_ns(), end, st->n - st->next));
        if (rc != XSOCK_OK) return rc; /* nothing pending: even the limit ends it */
        if (st->winner || st->np == 0) break;
        uint64_t wake = 0;
        for (size_t i = 0; i < st->np; i++)
            if (st->p[i].give_up_ns && (!wake || st->p[i].give_up_ns < wake)) wake = st->p[i].give_up_ns;
        if ((rc = wait_round(st, wake)) != XSOCK_OK) return rc;
        expire_shares(st, xsock_os_monotonic_ns());
    }
    return XSOCK_OK;
}

/* RFC 8305: a new attempt every `delay` while earlier ones are pending,
   the next at once when one fails.  No slot (the limit) or no port (a fixed
   local port shared with a pending attempt) for a parallel attempt: the
   rest goes one at a time. */
static int dial_staggered(dial_state *st)
{
    while (!st->winner) {
        uint64_t now = xsock_os_monotonic_ns();
        if (st->next < st->n && (st->np == 0 || now >= st->next_start)) {
            if (st->np > 0 && port_shared_with_pending(st, &st->addrs[st->next]))
                return dial_sequential(st);
            size_t pending = st->np;
            int rc = start_next(st, 0);
            if (rc == XSOCK_ELIMIT) return dial_sequential(st);
            if (rc != XSOCK_OK) return rc;
            if (st->np > pending) st->next_start = now + st->delay_ns;
            continue;
        }
        if (st->np == 0) break;
        int rc = wait_round(st, st->next < st->n ? st->next_start : 0);
        if (rc != XSOCK_OK) return rc;
    }
    return XSOCK_OK;
}

/* Several addresses: the race (staggered or sequential). */
static XSOCK__NOINLINE int dial_race(const xsock__dial_ctx *ctx, const xsock__addr *addrs, size_t n,
                                     const char *host, uint16_t port, xsock **out)
{
    dial_state st; /* p[] and ents[] are filled as attempts start: not zeroed */
    st.ctx = ctx;
    st.addrs = addrs;
    st.n = n > XSOCK__MAX_ADDRS ? XSOCK__MAX_ADDRS : n;
    st.next = st.np = 0;
    st.next_start = 0;
    st.winner = NULL;
    st.delay_ns = (uint64_t)ctx->opts->he_delay_ms * XSOCK__NS_PER_MS;
    xsock__outcome_init(&st.o);

    int rc = st.delay_ns ? dial_staggered(&st) : dial_sequential(&st);
    drop_all(&st, 0);
    if (st.winner) {
        *out = st.winner;
        return XSOCK_OK;
    }
    if (rc == XSOCK_EAGAIN) return still_in_progress(host, port);
    if (rc != XSOCK_OK) return rc; /* ENOMEM, the limit, a failing poll: their own detail */
    if (st.o.tried == 0) return no_address_of_local_family(host, port);
    return xsock__outcome_report(&st.o, host, port);
}

int xsock__connect_addrs(const xsock__dial_ctx *ctx, const xsock__addr *addrs, size_t n,
                         const char *host, uint16_t port, xsock **out)
{
    *out = NULL;
    if (n == 1) return xsock__connect_one(ctx, addrs, 0, host, port, out);
    return dial_race(ctx, addrs, n, host, port, out);
}
