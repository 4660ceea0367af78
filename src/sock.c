/* SPDX-License-Identifier: MIT */
/* Data transfer, options, addresses, adopt/release and close of one socket.
   Every transfer is optimistic: the OS call first, a wait only when it
   would block, all within the call's one deadline. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "socket_stats.h"

static int check_sock(const xsock *s, const char *what)
{
    if (!s) return xsock__fail_msg(XSOCK_EINVAL, "%s: NULL socket", what);
    return XSOCK_OK;
}

static int check_io(const xsock *s, const void *buf, size_t len, int timeout_ms,
                    const char *what)
{
    int rc = check_sock(s, what);
    if (rc != XSOCK_OK) return rc;
    if (!buf && len) return xsock__fail_msg(XSOCK_EINVAL, "%s: NULL buffer", what);
    if (len > PTRDIFF_MAX) return xsock__fail_msg(XSOCK_EINVAL, "%s: length too large", what);
    return xsock__check_timeout(timeout_ms);
}

/* Appends the peer to the detail so a failure says which connection it was. */
static int io_fail(const xsock *s, int code, const char *what)
{
    char peer[XSOCK__ADDRSTRLEN] = "?";
    xsock__addr a;
    if (xsock__peer_of(s, &a)) xsock__addr_format(&a, peer, sizeof peer);
    if (code == XSOCK_ETIMEDOUT || code == XSOCK_EAGAIN)
        return xsock__fail_msg(code, "%s %s", what, peer);
    return xsock__fail(code, xsock__os_error(), "%s %s", what, peer);
}

typedef ptrdiff_t (*io_fn)(xsock *s, void *buf, size_t len);

/* An established connection the OS declared dead (a keepalive or
   retransmission timeout, ETIMEDOUT; WSAECONNABORTED) is no timeout of the
   call: XSOCK_ECONNABORTED with the OS code, on this call and every later
   one (the OS itself would report EOF next, which reads as a clean close). */
static ptrdiff_t os_io_result(xsock *s, ptrdiff_t n)
{
    if (n >= 0) return n;
    if (n == XSOCK_ETIMEDOUT || n == XSOCK_ECONNABORTED) {
        s->dead_os = xsock__os_error();
        xsock__state_update(s, 0, XSOCK__S_DEAD, memory_order_relaxed);
        return XSOCK_ECONNABORTED;
    }
    return n;
}

static int is_dead(const xsock *s)
{
    return xsock__state_has(s, XSOCK__S_DEAD);
}

static int dead_result(const xsock *s)
{
    xsock__set_os_error(s->dead_os);
    return XSOCK_ECONNABORTED;
}

static ptrdiff_t send_io(xsock *s, void *buf, size_t len)
{
    if (XSOCK__UNLIKELY(is_dead(s))) return dead_result(s);
    ptrdiff_t n = os_io_result(s, xsock_os_send(s->handle, buf, len));
    xsock__count_sent(s, n);
    return n;
}

/* Bytes that came in with a proxy's reply are the stream's first bytes. */
static ptrdiff_t recv_io(xsock *s, void *buf, size_t len)
{
    if (xsock__tunnel_held(s)) {
        ptrdiff_t n = (ptrdiff_t)xsock__tunnel_take(s, buf, len);
        xsock__count_received(s, n);
        return n;
    }
    if (XSOCK__UNLIKELY(is_dead(s))) return dead_result(s);
    ptrdiff_t n = os_io_result(s, xsock_os_recv(s->handle, buf, len));
    xsock__count_received(s, n);
    return n;
}

/* One transfer of at least one byte (or EOF) within the deadline. */
static ptrdiff_t transfer_once(xsock *s, io_fn io, short events, void *buf, size_t len,
                               const xsock__deadline *d, int zero_timeout, const char *what)
{
    int waited = 0;
    for (;;) {
        ptrdiff_t n = io(s, buf, len);
        if (n >= 0) return n;
        if (n != XSOCK_EAGAIN) return io_fail(s, (int)n, what);
        int rc = xsock__wait_again(s->handle, events, d, zero_timeout, &waited);
        if (rc != XSOCK_OK) return io_fail(s, rc, what);
    }
}

ptrdiff_t xsock_send(xsock *s, const void *buf, size_t len, int timeout_ms)
{
    int rc = check_io(s, buf, len, timeout_ms, "send");
    if (rc != XSOCK_OK) return rc;
    if (len == 0) return 0;
    xsock__deadline d;
    xsock__deadline_start(&d, timeout_ms);
    XSOCK__WINDOW_BEGIN();
    ptrdiff_t n = transfer_once(s, send_io, XSOCK_POLLOUT, (void *)(uintptr_t)buf, len, &d,
                                timeout_ms == 0, "send to");
    XSOCK__WINDOW_END(s);
    return n;
}

ptrdiff_t xsock_recv(xsock *s, void *buf, size_t len, int timeout_ms)
{
    int rc = check_io(s, buf, len, timeout_ms, "recv");
    if (rc != XSOCK_OK) return rc;
    if (len == 0) return 0;
    xsock__deadline d;
    xsock__deadline_start(&d, timeout_ms);
    XSOCK__WINDOW_BEGIN();
    ptrdiff_t n = transfer_once(s, recv_io, XSOCK_POLLIN, buf, len, &d, timeout_ms == 0, "recv from");
    XSOCK__WINDOW_END(s);
    return n;
}

/* Every failure says how far it got, and *done always holds the count
   (Java's bytesTransferred): a caller never loses bytes already moved. */
static int transfer_all(xsock *s, io_fn io, short events, char *buf, size_t len,
                        int timeout_ms, const char *what, size_t *done_out)
{
    size_t done = 0;
    if (done_out) *done_out = 0;
    int rc = check_io(s, buf, len, timeout_ms, what);
    if (rc != XSOCK_OK) return rc;
    xsock__deadline d;
    xsock__deadline_start(&d, timeout_ms);
    XSOCK__WINDOW_BEGIN();
    while (done < len) {
        ptrdiff_t n = transfer_once(s, io, events, buf + done, len - done, &d, timeout_ms == 0,
                                    what);
        if (n < 0) {
            rc = (int)n;
            break;
        }
        if (n == 0) {
            rc = xsock__fail_msg(XSOCK_ECLOSED, "%s: peer closed after %zu of %zu bytes", what,
                                 done, len);
            break;
        }
        done += (size_t)n;
        if (done_out) *done_out = done;
    }
    XSOCK__WINDOW_END(s);
    if (rc < 0 && rc != XSOCK_ECLOSED) xsock__detail_append(" after %zu of %zu bytes", done, len);
    return rc;
}

int xsock_send_all(xsock *s, const void *buf, size_t len, int timeout_ms)
{
    return transfer_all(s, send_io, XSOCK_POLLOUT, (char *)(uintptr_t)buf, len, timeout_ms,
                        "send to", NULL);
}

int xsock_recv_all(xsock *s, void *buf, size_t len, int timeout_ms)
{
    return transfer_all(s, recv_io, XSOCK_POLLIN, buf, len, timeout_ms, "recv from", NULL);
}

int xsock_send_all_ex(xsock *s, const void *buf, size_t len, int timeout_ms, size_t *done)
{
    return transfer_all(s, send_io, XSOCK_POLLOUT, (char *)(uintptr_t)buf, len, timeout_ms,
                        "send to", done);
}

int xsock_recv_all_ex(xsock *s, void *buf, size_t len, int timeout_ms, size_t *done)
{
    return transfer_all(s, recv_io, XSOCK_POLLIN, buf, len, timeout_ms, "recv from", done);
}

size_t xsock_buffered(const xsock *s)
{
    return s ? xsock__tunnel_held(s) : 0;
}

int xsock_shutdown(xsock *s, int how)
{
    int rc = check_sock(s, "shutdown");
    if (rc != XSOCK_OK) return rc;
    if (how != XSOCK_SHUT_RD && how != XSOCK_SHUT_WR && how != XSOCK_SHUT_RDWR)
        return xsock__fail_msg(XSOCK_EINVAL, "shutdown: how %d", how);
    XSOCK__WINDOW_BEGIN();
    rc = xsock_os_shutdown(s->handle, how);
    XSOCK__WINDOW_END(s);
    return rc == XSOCK_OK ? rc : io_fail(s, rc, "shutdown of");
}

int xsock_close(xsock *s)
{
    if (!s) return XSOCK_OK;
    xsock_native h = s->handle;
    /* Forget it first: a concurrent report must never see a closed handle. */
    xsock__untrack(s);
    int rc = xsock_os_close(h);
    if (rc != XSOCK_OK)
        return xsock__fail(rc, xsock__os_error(), "close of handle %llu", (unsigned long long)h);
    return XSOCK_OK;
}

void xsock__discard(xsock *s)
{
    if (!s) return;
    xsock_native h = s->handle;
    int os_error = xsock__os_error();
    xsock__untrack(s);
    xsock_os_close(h);
    xsock__set_os_error(os_error);
}

static int addr_string(const xsock *s, char *buf, size_t len, int local)
{
    xsock__addr a;
    int rc = check_sock(s, local ? "local address" : "peer address");
    if (rc != XSOCK_OK) return rc;
    if (!buf || len == 0) return xsock__fail_msg(XSOCK_EINVAL, "address: no buffer");
    const xsock__addr *known = local ? xsock__local_of(s) : NULL;
    if (known) {
        a = *known;
    } else if (local || !xsock__peer_of(s, &a)) {
        XSOCK__WINDOW_BEGIN();
        rc = local ? xsock_os_local_addr(s->handle, &a) : xsock_os_peer_addr(s->handle, &a);
        XSOCK__WINDOW_END(s);
        if (rc != XSOCK_OK)
            return xsock__fail(rc, xsock__os_error(), "%s", local ? "getsockname" : "getpeername");
    }
    if (xsock__addr_format(&a, buf, len) != XSOCK_OK)
        return xsock__fail_msg(XSOCK_EINVAL, "address buffer of %zu bytes is too small", len);
    return XSOCK_OK;
}

int xsock_local_addr(const xsock *s, char *buf, size_t len)
{
    return addr_string(s, buf, len, 1);
}

int xsock_peer_addr(const xsock *s, char *buf, size_t len)
{
    return addr_string(s, buf, len, 0);
}

int xsock_local_port(const xsock *s)
{
    xsock__addr a;
    int rc = check_sock(s, "local port");
    if (rc != XSOCK_OK) return rc;
    const xsock__addr *known = xsock__local_of(s);
    if (known) return known->port;
    XSOCK__WINDOW_BEGIN();
    rc = xsock_os_local_addr(s->handle, &a);
    XSOCK__WINDOW_END(s);
    if (rc != XSOCK_OK) return xsock__fail(rc, xsock__os_error(), "getsockname");
    return a.port;
}

int xsock_set_nodelay(xsock *s, int on)
{
    int rc = check_sock(s, "set_nodelay");
    if (rc != XSOCK_OK) return rc;
    XSOCK__WINDOW_BEGIN();
    rc = xsock_os_set_nodelay(s->handle, on != 0);
    XSOCK__WINDOW_END(s);
    return rc == XSOCK_OK ? rc : xsock__fail(rc, xsock__os_error(), "setsockopt TCP_NODELAY");
}

int xsock_set_keepalive(xsock *s, int on, int idle_s)
{
    int rc = check_sock(s, "set_keepalive");
    if (rc != XSOCK_OK) return rc;
    if (on && idle_s < 0)
        return xsock__fail_msg(XSOCK_EINVAL, "keepalive idle %d s (must be >= 0)", idle_s);
    XSOCK__WINDOW_BEGIN();
    rc = xsock_os_set_keepalive(s->handle, on != 0, idle_s);
    XSOCK__WINDOW_END(s);
    return rc == XSOCK_OK ? rc : xsock__fail(rc, xsock__os_error(), "setsockopt keepalive");
}

xsock_native xsock_native_handle(const xsock *s)
{
    return s ? s->handle : XSOCK_INVALID_NATIVE;
}

static int adopt(xsock **out, xsock_native h, xsock__site site)
{
    int listening = 0, was_blocking = 0;
    if (!out) return xsock__fail_msg(XSOCK_EINVAL, "adopt: NULL out");
    *out = NULL;
    if (h == XSOCK_INVALID_NATIVE) return xsock__fail_msg(XSOCK_EINVAL, "adopt: invalid handle");
    int rc = xsock__ensure_init();
    if (rc != XSOCK_OK) return rc;
    if ((rc = xsock__reserve()) != XSOCK_OK) return rc;
    xsock__set_os_error(0); /* a refusal that made no failing OS call has no OS code */
    rc = xsock_os_adopt(h, &listening, &was_blocking);
    if (rc != XSOCK_OK) {
        xsock__unreserve();
        if (rc == XSOCK_EINVAL)
            return xsock__fail(rc, xsock__os_error(),
                               "adopt handle %llu: not a TCP socket over IPv4 or IPv6",
                               (unsigned long long)h);
        return xsock__fail(rc, xsock__os_error(), "adopt handle %llu", (unsigned long long)h);
    }
    rc = xsock__track(h, XSOCK__KIND_ADOPTED, site, 0, NULL, NULL, out);
    if (rc == XSOCK_OK && was_blocking)
        xsock__state_update(*out, 0, XSOCK__S_WAS_BLOCKING, memory_order_relaxed);
    return rc;
}

int xsock_adopt(xsock **out, xsock_native h)
{
    xsock__site site = {NULL, XSOCK__CALLER()};
    return adopt(out, h, site);
}

int xsock_adopt_at(xsock **out, xsock_native h, const char *where)
{
    xsock__site site = {where, where ? NULL : XSOCK__CALLER()};
    return adopt(out, h, site);
}

/* mode: 1 nonblocking, 0 blocking, -1 as the handle came (adopt) */
static xsock_native release(xsock *s, int mode)
{
    if (!s) return XSOCK_INVALID_NATIVE;
    size_t held = xsock_buffered(s);
    if (held) {
        /* the handle alone would lose them: read them first */
        xsock__fail_msg(XSOCK_EINVAL, "release: %zu bytes still buffered (read them first)", held);
        return XSOCK_INVALID_NATIVE;
    }
    xsock_native h = s->handle;
    if (mode >= 0) {
        /* the mode the caller asked for, or the socket stays the library's */
        int rc = xsock_os_set_blocking(h, !mode);
        if (rc != XSOCK_OK) {
            xsock__fail(rc, xsock__os_error(), "release: set %s mode",
                        mode ? "nonblocking" : "blocking");
            return XSOCK_INVALID_NATIVE;
        }
    } else if (xsock__state_has(s, XSOCK__S_WAS_BLOCKING)) {
        /* an adopted handle goes back in the mode it came in */
        xsock_os_set_blocking(h, 1);
    }
    xsock__untrack(s);
    return h;
}

xsock_native xsock_release(xsock *s)
{
    return release(s, -1);
}

xsock_native xsock_release_ex(xsock *s, int nonblocking)
{
    return release(s, nonblocking != 0);
}

#define POLL_STACK 16

/* poll(2) with no descriptors: the timeout passes, nothing is ready. */
static int poll_nothing(int timeout_ms)
{
    if (timeout_ms == 0) return 0;
    xsock__deadline d;
    xsock__deadline_start(&d, timeout_ms);
    if (xsock__sleep_until(&d) != XSOCK_OK) return xsock__fail_msg(XSOCK_ENOMEM, "poll of no sockets");
    return 0;
}

/* Ready count over the entries with a socket; a socket holding tunnel
   bytes is readable now, so then nobody waits. */
static int poll_some(xsock_pollfd *fds, size_t n, size_t used, int buffered, int timeout_ms)
{
    xsock_os_pollent stack[POLL_STACK], *ents = stack;
    if (used > POLL_STACK && !(ents = malloc(used * sizeof *ents)))
        return xsock__fail_msg(XSOCK_ENOMEM, "poll of %zu sockets", used);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!fds[i].sock) continue;
        ents[k].handle = fds[i].sock->handle;
        ents[k].events = fds[i].events & (XSOCK_POLLIN | XSOCK_POLLOUT);
        ents[k].revents = 0;
        k++;
    }
    if (buffered) timeout_ms = 0;
    xsock__deadline d;
    xsock__deadline_start(&d, timeout_ms);
    XSOCK__WINDOW_BEGIN();
    int rc;
    uint64_t now = xsock_os_monotonic_ns();
    for (;;) {
        rc = xsock__poll_timed(ents, used, xsock__deadline_left_ms_at(&d, now), now, &now);
        if (rc > 0) break;
        if (rc < 0 && rc != XSOCK__EINTR) {
            rc = xsock__fail(rc, xsock__os_error(), "poll of %zu sockets", used);
            break;
        }
        /* nothing ready, or interrupted: only the deadline ends the wait */
        if (timeout_ms == 0 || xsock__deadline_passed_at(&d, now)) {
            rc = 0;
            break;
        }
    }
    /* a poll of several sockets is a call and a wait on each of them */
    for (size_t i = 0; i < n; i++)
        if (fds[i].sock) XSOCK__WINDOW_END(fds[i].sock);
    if (rc >= 0) {
        rc = 0;
        k = 0;
        for (size_t i = 0; i < n; i++) {
            if (!fds[i].sock) continue;
            fds[i].revents = ents[k++].revents;
            if (xsock__tunnel_held(fds[i].sock) && (fds[i].events & XSOCK_POLLIN))
                fds[i].revents |= XSOCK_POLLIN;
            rc += fds[i].revents != 0;
        }
    }
    if (ents != stack) free(ents);
    return rc;
}

int xsock_poll(xsock_pollfd *fds, size_t n, int timeout_ms)
{
    int rc = xsock__check_timeout(timeout_ms);
    if (rc != XSOCK_OK) return rc;
    if (!fds && n) return xsock__fail_msg(XSOCK_EINVAL, "poll: NULL array of %zu entries", n);
    if (n > (size_t)INT32_MAX) return xsock__fail_msg(XSOCK_EINVAL, "poll: too many sockets");
    size_t used = 0;
    int buffered = 0;
    for (size_t i = 0; i < n; i++) {
        fds[i].revents = 0;
        if (!fds[i].sock) continue; /* ignored, as poll(2) ignores a negative fd */
        used++;
        if (xsock__tunnel_held(fds[i].sock) && (fds[i].events & XSOCK_POLLIN)) buffered = 1;
    }
    if (used == 0) return poll_nothing(timeout_ms);
    return poll_some(fds, n, used, buffered, timeout_ms);
}
