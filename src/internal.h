/* SPDX-License-Identifier: MIT */
/* Shared declarations of the portable core; never included by a backend
   (backends see the contract, xsock_os.h, and their hooks, os_hooks.h). */
#ifndef XSOCK_INTERNAL_H
#define XSOCK_INTERNAL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "xsock.h"
#include "os_hooks.h"
#include "xsock_os.h"

/* Marks the internals that tests call: below the API, tests reach only
   what is declared with it (and the backend contract's fault API). */
#define XSOCK_TESTABLE


/* ---- Errors (error.c) ---------------------------------------------------- */

/* The longest error detail kept per thread (longer ones end in "..."). */
#define XSOCK__DETAIL_MAX 512

/* Record the failure of this thread: the detail is "<context>: <text> (os N)"
   where the text is xsock_strerror(code).  Returns `code`, so a failing path
   reads `return xsock__fail(code, os_error, "connect %s", addr);`. */
int xsock__fail(int code, int os_error, const char *fmt, ...) XSOCK__PRINTF(3, 4);
/* Same, for failures of the library itself (no OS error). */
int xsock__fail_msg(int code, const char *fmt, ...) XSOCK__PRINTF(2, 3);
/* Set the detail verbatim (formatted, with nothing appended). */
int xsock__fail_text(int code, int os_error, const char *text);
int xsock__fail_textf(int code, int os_error, const char *fmt, ...) XSOCK__PRINTF(3, 4);
/* Add to the end of the current detail (the code and OS error stay). */
void xsock__detail_append(const char *fmt, ...) XSOCK__PRINTF(1, 2);
/* Put "<prefix>: " before the current detail (the code and OS error stay). */
void xsock__detail_prefix(const char *fmt, ...) XSOCK__PRINTF(1, 2);
/* Changes whenever this thread records a failure: "did that call say why?" */
unsigned xsock__detail_generation(void);

/* strdup is not C11 (error.c). */
char *xsock__strdup(const char *s);

/* ---- Time (deadline.c) --------------------------------------------------- */

#define XSOCK__NS_PER_MS 1000000ull
/* The most addresses one name gives a dial or a listen. */
#define XSOCK__MAX_ADDRS 32

typedef struct xsock__deadline {
    uint64_t start_ns; /* the clock when the call began; 0 with no deadline (not read) */
    uint64_t end_ns;   /* 0: none (infinite) */
} xsock__deadline;

/* timeout_ms >= -1 (checked by the caller). */
XSOCK_TESTABLE void xsock__deadline_start(xsock__deadline *d, int timeout_ms);
/* Milliseconds to wait: -1 infinite, 0 expired, otherwise rounded up so
   that a wait of this length never ends before the deadline. */
int xsock__deadline_left_ms(const xsock__deadline *d);
int xsock__deadline_expired(const xsock__deadline *d);
/* The same, from a clock reading the caller has just taken. */
int xsock__deadline_left_ms_at(const xsock__deadline *d, uint64_t now_ns);
static inline int xsock__deadline_passed_at(const xsock__deadline *d, uint64_t now_ns)
{
    return d->end_ns != 0 && now_ns >= d->end_ns;
}
int xsock__timeout_invalid(int timeout_ms); /* XSOCK_EINVAL with detail */
static inline int xsock__check_timeout(int timeout_ms) /* XSOCK_OK or XSOCK_EINVAL with detail */
{
    return XSOCK__LIKELY(timeout_ms >= XSOCK_INFINITE) ? XSOCK_OK : xsock__timeout_invalid(timeout_ms);
}

/* Sleep until the deadline (none: forever), or for `ms` (>= 0), with no
   socket; XSOCK_ENOMEM (no sleep) when the OS has no event to wait on. */
int xsock__sleep_until(const xsock__deadline *d);
int xsock__sleep_ms(int ms);

/* Every wait of the core goes through here: the backend's poll, counted
   as a wait of the calling thread (socket_stats.h) from `now_ns`, a clock
   reading just taken, to the reading after it, given back in *after_ns
   (the caller's next "now": two readings per wait, none wasted). */
int xsock__poll_timed(xsock_os_pollent *ents, size_t n, int timeout_ms, uint64_t now_ns,
                      uint64_t *after_ns);

/* Wait until `h` is ready for `events` or the deadline passes.  Retries
   after interruptions with the time left.  XSOCK_OK when ready,
   XSOCK_ETIMEDOUT (or XSOCK_EAGAIN for a zero timeout) otherwise. */
int xsock__wait(xsock_native h, short events, const xsock__deadline *d, int zero_timeout,
                short *revents);
/* The same, giving back the clock reading taken when the wait ended. */
int xsock__wait_clocked(xsock_native h, short events, const xsock__deadline *d, int zero_timeout,
                        short *revents, uint64_t *after_ns);
/* The wait of a call that tries an operation, waits when it would block,
   and tries again.  `*waited` starts at 0 for the call.  Once the call has
   waited, a timeout 0 has had its one try and a passed deadline ends it,
   even when the wait keeps reporting readiness that the operation then
   does not find (Wine shows a peer's FIN as POLLHUP to a writer). */
int xsock__wait_again(xsock_native h, short events, const xsock__deadline *d, int zero_timeout,
                      int *waited);

/* ---- Sockets (sock.c) ---------------------------------------------------- */

enum xsock__kind {
    XSOCK__KIND_CONNECTING,
    XSOCK__KIND_CONNECTED,
    XSOCK__KIND_LISTENING,
    XSOCK__KIND_ACCEPTED,
    XSOCK__KIND_ADOPTED
};

/* What one socket cost (socket_stats.c): written by the thread using the
   socket, read by reports without a lock, hence relaxed atomics (plain
   loads and stores on x86-64 and AArch64). */
typedef struct xsock__counters {
    atomic_uint_fast64_t os_calls, waits, wait_ns, sent, received;
    /* A socket is dialed or accepted, never both: one word holds what the
       kind has (the kind is fixed once accepted). */
    union {
        atomic_uint_fast64_t connect_ns; /* not accepted: 0 none (1 ns when measured as 0) */
        atomic_uint_fast64_t listener;   /* XSOCK__KIND_ACCEPTED: listener handle + 1; 0: none */
    };
} xsock__counters;

/* Tunnel bytes (tunnel.c): what a proxy sent together with its reply. */
typedef struct xsock__tunnel {
    size_t off, len;
    unsigned char bytes[];
} xsock__tunnel;

/* What only a few sockets have (proxied, listening, an unusual peer), in
   one allocation made when first needed; freed with the socket's record. */
typedef struct xsock__cold {
    char *via; /* "target via proxy-host:port", or NULL; under XSOCK_OS_LOCK_REGISTRY */
    atomic_uint_fast64_t handshake_ns; /* 0: none (1 ns when measured as 0) */
    xsock__tunnel *tunnel;             /* or NULL; the owning thread's alone */
    xsock__addr local;                 /* XSOCK__F_LOCAL */
    xsock__addr peer;                  /* XSOCK__F_PEER_COLD */
} xsock__cold;

/* struct xsock's flags: set before the record is published, fixed after. */
enum {
    XSOCK__F_PEER = 1u,      /* peer_ip, peer_port hold the peer (scope 0) */
    XSOCK__F_PEER6 = 2u,     /* ... and it is XSOCK_AF_INET6 (else XSOCK_AF_INET) */
    XSOCK__F_PEER_COLD = 4u, /* the peer is cold->peer (a scope id, another family) */
    XSOCK__F_LOCAL = 8u,     /* cold->local is the local address */
    XSOCK__F_SITE_PC = 16u   /* site is the caller's code address (or NULL), not "file.c:LINE" */
};

/* struct xsock's state: the kind, and what the owning thread learns later. */
#define XSOCK__KIND_MASK 7u
#define XSOCK__S_WAS_BLOCKING 64u /* adopted in blocking mode */
#define XSOCK__S_DEAD 128u        /* the OS declared the connection dead (code: dead_os) */

/* One live socket: the hot part in one malloc chunk of 128 bytes (120 on
   64-bit targets, 104 on 32-bit ones; see test_record.c). */
struct xsock {
    xsock_native handle;
    struct xsock *prev, *next; /* registry list, under XSOCK_OS_LOCK_REGISTRY */
    uint64_t created_ns;
    xsock__counters ctr;           /* per-socket counters (socket_stats.c) */
    const void *site;              /* "file.c:LINE", or the caller's address (XSOCK__F_SITE_PC) */
    _Atomic(xsock__cold *) cold;   /* NULL until needed; set by the owning thread */
    uint8_t peer_ip[16];           /* XSOCK__F_PEER: the peer, network byte order */
    uint16_t peer_port;            /* host byte order */
    atomic_uchar state;            /* kind | XSOCK__S_* (the owning thread writes it) */
    uint8_t flags;                 /* XSOCK__F_* */
    int dead_os;                   /* the OS code with XSOCK__S_DEAD */
};

/* The owning thread is the state's one writer: a load and a store, no
   read-modify-write.  `order`: release where a report must see what came
   before (the counters a connect closed), else relaxed. */
static inline void xsock__state_update(xsock *s, unsigned clear, unsigned set, memory_order order)
{
    unsigned st = atomic_load_explicit(&s->state, memory_order_relaxed);
    atomic_store_explicit(&s->state, (unsigned char)((st & ~clear) | set), order);
}

/* The owning thread's own flags (XSOCK__S_*). */
static inline int xsock__state_has(const xsock *s, unsigned bit)
{
    return (atomic_load_explicit(&((xsock *)(uintptr_t)s)->state, memory_order_relaxed) & bit) != 0;
}

static inline enum xsock__kind xsock__kind_of(const xsock *s)
{
    unsigned st = atomic_load_explicit(&((xsock *)(uintptr_t)s)->state, memory_order_acquire);
    return (enum xsock__kind)(st & XSOCK__KIND_MASK);
}

/* The owning thread's view (any thread's under the registry lock). */
static inline xsock__cold *xsock__cold_of(const xsock *s)
{
    return atomic_load_explicit(&((xsock *)(uintptr_t)s)->cold, memory_order_acquire);
}

/* The cold part, made now if there is none (the owning thread only); NULL
   when out of memory. */
xsock__cold *xsock__cold_get(xsock *s);

/* The peer address if known (1), else 0. */
static inline int xsock__peer_of(const xsock *s, xsock__addr *out)
{
    if (s->flags & XSOCK__F_PEER) {
        out->family = s->flags & XSOCK__F_PEER6 ? XSOCK_AF_INET6 : XSOCK_AF_INET;
        out->port = s->peer_port;
        memcpy(out->ip, s->peer_ip, sizeof out->ip);
        out->scope_id = 0;
        return 1;
    }
    if (s->flags & XSOCK__F_PEER_COLD) {
        *out = xsock__cold_of(s)->peer;
        return 1;
    }
    return 0;
}

/* The local address if known without asking the OS, else NULL. */
static inline const xsock__addr *xsock__local_of(const xsock *s)
{
    return s->flags & XSOCK__F_LOCAL ? &xsock__cold_of(s)->local : NULL;
}

/* Close a socket the caller is giving up on (a losing or failed attempt):
   the failure being reported stays as it is, detail and OS code. */
void xsock__discard(xsock *s);

/* ---- Tunnel bytes (tunnel.c) ---------------------------------------------- */

/* Hold what a proxy sent with its reply; XSOCK_ENOMEM with detail. */
int xsock__tunnel_keep(xsock *s, const unsigned char *data, size_t len);
static inline size_t xsock__tunnel_held(const xsock *s)
{
    xsock__cold *c = xsock__cold_of(s);
    return c && c->tunnel ? c->tunnel->len - c->tunnel->off : 0;
}
/* Move up to `len` held bytes to buf; the count (0 when none held). */
size_t xsock__tunnel_take(xsock *s, void *buf, size_t len);
/* Free the cold part (tunnel bytes, via): the record is unlinked. */
void xsock__cold_free(xsock__cold *c);

/* Where a constructor was called from. */
typedef struct xsock__site {
    const char *file_line;
    const void *pc;
} xsock__site;

/* ---- Accounting (account.c) ---------------------------------------------- */

/* Take one slot under the limit before any OS call; XSOCK_ELIMIT if full. */
int xsock__reserve(void);
void xsock__unreserve(void);
/* XSOCK_ELIMIT (with detail) if no slot is free now: checked before work
   that would make OS calls on the way to a socket (the resolver). */
int xsock__check_limit(void);
/* Wrap a new OS handle (the slot is reserved) and record it, with the
   addresses already known (NULL: unknown), born at `born_ns` (a clock
   reading taken just before the handle was made; 0: read it now).  On
   ENOMEM the handle is closed and the slot returned. */
int xsock__track(xsock_native h, enum xsock__kind kind, xsock__site site, uint64_t born_ns,
                 const xsock__addr *local, const xsock__addr *peer, xsock **out);
/* Set "target via proxy" (owned by the record from now on). */
void xsock__set_via(xsock *s, char *via);
/* Remove from the record and free (or keep it as a spare for the next
   xsock__track); the slot is returned. The handle is not touched. */
void xsock__untrack(xsock *s);
/* Free the spare records (the last xsock_cleanup). */
void xsock__drop_spare_records(void);
/* Connected, as the clock read `now_ns` (0: read it now): the kind, the
   connect's latency and the end of its counting (socket_stats.c). */
void xsock__set_connected(xsock *s, uint64_t now_ns);
/* xsock_report_live without any OS call, for a process that is ending
   (the exit report in a DLL's detach); later reports stay so. */
size_t xsock__report_live_offline(FILE *out);

/* ---- Background threads (trace.c) ------------------------------------------ */

/* Threads the library starts for itself (resolvers) run in the epoch
   current when their work was created; the last xsock_cleanup ends it
   (waiting for any callback already running), so afterwards none of them
   calls back into the application. */
unsigned xsock__epoch(void);
void xsock__background_begin(unsigned epoch);
void xsock__silence_background(void);

/* ---- Library state (init.c) ---------------------------------------------- */

/* Make sure the OS layer is up (Windows needs WSAStartup before anything). */
int xsock__ensure_init(void);
/* XSOCK_REPORT / XSOCK_TRACE, read once (env_report.c); init and every
   constructor call it first. */
void xsock__env_once(void);

#endif
