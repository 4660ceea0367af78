/* SPDX-License-Identifier: MIT */
/* Per-socket counters (socket_stats.c): how they are kept.
 *
 * Exact by construction, with no lock, no extra OS call and nothing in the
 * backends but the count of their calls (os_hooks.h):
 *
 * - The backends already count every OS call of the calling thread
 *   (xsock__thread_os_calls); the core's one wait function
 *   (xsock__poll_timed) counts the thread's waits and the nanoseconds
 *   spent in them.
 * - A public call given one socket brackets itself: it reads the three
 *   thread counters on entry and adds the differences to the socket on
 *   return (XSOCK__WINDOW_BEGIN / XSOCK__WINDOW_END).  One socket is used by
 *   one thread at a time, so everything the thread did in between was done
 *   for that socket.
 * - A socket being made: xsock__reserve (taken before the first OS call on
 *   the way to any socket) marks the counters; xsock__track gives the new
 *   socket what happened since; a connecting socket keeps counting until
 *   it is connected (xsock__set_connected, here in socket_stats.c), and a
 *   proxied one until its handshake is done (xsock__set_via).  While a happy-eyeballs dial races
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

/* The thread's counters when it last took a slot for a new socket
   (xsock__reserve), and when its last socket connected (the handshake
   starts there). */
extern _Thread_local xsock__window xsock__tl_reserved XSOCK__TLS_HOT;

/* account.c's hooks */
static inline void xsock__stats_reserve_mark(void) /* in xsock__reserve */
{
    xsock__tl_reserved = xsock__window_now();
}

/* In xsock__track, before publishing (plain stores: no one else sees the
   record yet).  A connecting socket keeps counting until it connects: the
   counters hold minus the thread's marks meanwhile (reports show 0 for it),
   and the connect adds the thread's counters then. */
static inline void xsock__stats_born(xsock *s, enum xsock__kind kind)
{
    xsock__window r = xsock__tl_reserved;
    if (kind == XSOCK__KIND_CONNECTING) {
        atomic_init(&s->ctr.os_calls, 0 - r.calls);
        atomic_init(&s->ctr.waits, 0 - r.waits);
        atomic_init(&s->ctr.wait_ns, 0 - r.wait_ns);
    } else {
        atomic_init(&s->ctr.os_calls, xsock__thread_os_calls - r.calls);
        atomic_init(&s->ctr.waits, xsock__thread_waits - r.waits);
        atomic_init(&s->ctr.wait_ns, xsock__thread_wait_ns - r.wait_ns);
    }
    atomic_init(&s->ctr.sent, 0);
    atomic_init(&s->ctr.received, 0);
    atomic_init(&s->ctr.connect_ns, 0);
}

void xsock__stats_handshake_done(xsock *s, xsock__cold *c); /* in xsock__set_via; c may be NULL */
/* listen.c: an accepted socket's construction is the listener's work (the
   accept call and its waits); the new socket starts at zero and names it. */
void xsock__stats_accepted(xsock *s, const xsock *listener);

/* The counters and the kernel's figures of one socket, as the public struct
   (kernel fields -1 unless `ask_kernel`). */
void xsock__stats_fill(const xsock *s, enum xsock__kind kind, int ask_kernel,
                       struct xsock_socket_stats *out);
/* " calls=5 sent=64 ..." for a report line. */
void xsock__stats_format(const xsock_info *info, int ask_kernel, char *buf, size_t len);

#endif
