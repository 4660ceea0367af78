/* SPDX-License-Identifier: MIT */
/* Per-socket counters (socket_stats.c): how they are kept.
 *
 * Exact by construction, with no lock, no extra OS call and nothing in the
 * backends but the one wait hook (os_hooks.h):
 *
 * - The backends already count every OS call of the calling thread
 *   (xsock__thread_os_calls); their poll/select also count the thread's
 *   waits and the nanoseconds spent in them.
 * - A public call given one socket brackets itself: it reads the three
 *   thread counters on entry and adds the differences to the socket on
 *   return (XSOCK__WINDOW_BEGIN / XSOCK__WINDOW_END).  One socket is used by
 *   one thread at a time, so everything the thread did in between was done
 *   for that socket.
 * - A socket being made: xsock__reserve (taken before the first OS call on
 *   the way to any socket) marks the counters; xsock__track gives the new
 *   socket what happened since; a connecting socket keeps counting until
 *   it is connected (xsock__set_kind), and a proxied one until its
 *   handshake is done (xsock__set_via).  While a happy-eyeballs dial races
 *   several attempts on its thread, the race's calls after an attempt was
 *   made count for that attempt too.
 */
#ifndef XSOCK_SOCKET_STATS_H
#define XSOCK_SOCKET_STATS_H

#include "internal.h"

typedef struct xsock__window {
    uint64_t calls, waits, wait_ns;
} xsock__window;

static inline xsock__window xsock__window_now(void)
{
    xsock__window w = {xsock__thread_os_calls, xsock__thread_waits, xsock__thread_wait_ns};
    return w;
}

#define XSOCK__RELAXED_ADD(field, v)                                                         \
    atomic_store_explicit(&(field),                                                          \
                          atomic_load_explicit(&(field), memory_order_relaxed) + (v),        \
                          memory_order_relaxed)

/* Add what the thread did since `w` to the socket (one owner thread, so a
   load and a store, no read-modify-write instruction). */
static inline void xsock__window_end(const xsock *cs, const xsock__window *w)
{
    xsock *s = (xsock *)(uintptr_t)cs; /* the counters are the library's, even for a const socket */
    XSOCK__RELAXED_ADD(s->ctr.os_calls, xsock__thread_os_calls - w->calls);
    if (XSOCK__UNLIKELY(xsock__thread_waits != w->waits)) {
        XSOCK__RELAXED_ADD(s->ctr.waits, xsock__thread_waits - w->waits);
        XSOCK__RELAXED_ADD(s->ctr.wait_ns, xsock__thread_wait_ns - w->wait_ns);
    }
}

#define XSOCK__WINDOW_BEGIN() xsock__window win_ = xsock__window_now()
#define XSOCK__WINDOW_END(s) xsock__window_end((s), &win_)

static inline void xsock__count_sent(xsock *s, ptrdiff_t n)
{
    if (n > 0) XSOCK__RELAXED_ADD(s->ctr.sent, (uint64_t)n);
}

static inline void xsock__count_received(xsock *s, ptrdiff_t n)
{
    if (n > 0) XSOCK__RELAXED_ADD(s->ctr.received, (uint64_t)n);
}

/* account.c's hooks */
void xsock__stats_reserve_mark(void);                      /* in xsock__reserve */
void xsock__stats_born(xsock *s, enum xsock__kind kind);    /* in xsock__track, before publishing */
void xsock__stats_connected(xsock *s);                     /* in xsock__set_kind(CONNECTED) */
void xsock__stats_handshake_done(xsock *s);                /* in xsock__set_via */
/* listen.c: an accepted socket's construction is the listener's work (the
   accept call and its waits); the new socket starts at zero and names it. */
void xsock__stats_accepted(xsock *s, const xsock *listener);

/* The counters and the kernel's figures of one socket, as the public struct
   (kernel fields -1 unless `ask_kernel`). */
void xsock__stats_fill(xsock_native h, const xsock__counters *c, int ask_kernel,
                       struct xsock_socket_stats *out);
/* " calls=5 sent=64 ..." for a report line. */
void xsock__stats_format(const xsock_info *info, int ask_kernel, char *buf, size_t len);

#endif
