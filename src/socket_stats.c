/* SPDX-License-Identifier: MIT */
/* Per-socket counters (how they are kept: socket_stats.h), the kernel's
   figures on demand (xsock_socket_stats), and their part of a report line. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "socket_stats.h"

_Thread_local uint64_t xsock__thread_waits XSOCK__TLS_HOT;
_Thread_local uint64_t xsock__thread_wait_ns XSOCK__TLS_HOT;

_Thread_local xsock__window xsock__tl_reserved XSOCK__TLS_HOT;
/* When the thread's last socket connected: its handshake starts there. */
static _Thread_local xsock__window tl_connected;
static _Thread_local const xsock *tl_connected_sock;

#define LOAD(f) atomic_load_explicit(&(f), memory_order_relaxed)
#define STORE(f, v) atomic_store_explicit(&(f), (v), memory_order_relaxed)

static uint64_t at_least_1(uint64_t ns)
{
    return ns ? ns : 1;
}

/* The connect adds the thread's counters since the socket was born (its
   counters hold minus the marks then: xsock__stats_born). */
static void stats_connected(xsock *s, uint64_t now_ns)
{
    xsock__window now = xsock__window_now();
    XSOCK__RELAXED_ADD(s->ctr.os_calls, now.calls);
    XSOCK__RELAXED_ADD(s->ctr.waits, now.waits);
    XSOCK__RELAXED_ADD(s->ctr.wait_ns, now.wait_ns);
    STORE(s->ctr.connect_ns, at_least_1((now_ns ? now_ns : xsock_os_monotonic_ns()) - s->created_ns));
    tl_connected = now;
    tl_connected_sock = s;
}

void xsock__set_connected(xsock *s, uint64_t now_ns)
{
    stats_connected(s, now_ns);
    /* release: a report that sees the kind sees the counters it closed */
    xsock__state_update(s, XSOCK__KIND_MASK, XSOCK__KIND_CONNECTED, memory_order_release);
}

void xsock__stats_handshake_done(xsock *s, xsock__cold *c)
{
    uint64_t connect_ns = LOAD(s->ctr.connect_ns);
    if (tl_connected_sock != s || !connect_ns) return;
    xsock__window_end(s, &tl_connected);
    tl_connected_sock = NULL;
    uint64_t ready = xsock_os_monotonic_ns() - s->created_ns;
    if (c) STORE(c->handshake_ns, at_least_1(ready > connect_ns ? ready - connect_ns : 0));
}

void xsock__stats_accepted(xsock *s, const xsock *listener)
{
    STORE(s->ctr.os_calls, 0);
    STORE(s->ctr.waits, 0);
    STORE(s->ctr.wait_ns, 0);
    STORE(s->ctr.listener, (uint64_t)listener->handle + 1);
}

static int64_t dur(uint64_t ns)
{
    return ns ? (int64_t)ns : -1;
}

void xsock__stats_fill(const xsock *s, enum xsock__kind kind, int ask_kernel,
                       struct xsock_socket_stats *out)
{
    xsock__counters *m = (xsock__counters *)(uintptr_t)&s->ctr; /* atomics are read through non-const */
    xsock__cold *c = xsock__cold_of(s);
    memset(out, 0, sizeof *out);
    out->size = sizeof *out;
    out->os_calls = LOAD(m->os_calls);
    out->bytes_sent = LOAD(m->sent);
    out->bytes_received = LOAD(m->received);
    out->waits = LOAD(m->waits);
    out->wait_ns = LOAD(m->wait_ns);
    out->connect_ns = kind == XSOCK__KIND_ACCEPTED ? -1 : dur(LOAD(m->connect_ns));
    out->handshake_ns = c ? dur(LOAD(c->handshake_ns)) : -1;
    xsock_os_kstats k = {-1, -1, -1, -1, NULL, -1, -1, -1, -1, -1};
    if (ask_kernel) xsock_os_socket_stats(s->handle, &k);
    out->sndbuf = k.sndbuf;
    out->rcvbuf = k.rcvbuf;
    out->unsent = k.unsent;
    out->unread = k.unread;
    out->tcp_state = k.state ? k.state : "unknown";
    out->rtt_us = k.rtt_us;
    out->rttvar_us = k.rttvar_us;
    out->retransmits = k.retransmits;
    out->cwnd_bytes = k.cwnd_bytes;
    out->mss = k.mss;
}

/* The first version of the struct is the one this library has: any
   caller's struct is at least that big. */
#define STATS_V1_SIZE sizeof(struct xsock_socket_stats)

int xsock_socket_stats(const xsock *s, struct xsock_socket_stats *out)
{
    if (!s || !out) return xsock__fail_msg(XSOCK_EINVAL, "socket_stats: NULL argument");
    if (out->size < STATS_V1_SIZE)
        return xsock__fail_msg(XSOCK_EINVAL, "socket_stats: size %zu (set it to sizeof, %zu or more)",
                               out->size, STATS_V1_SIZE);
    XSOCK__WINDOW_BEGIN();
    struct xsock_socket_stats full; /* the counters as they were before this call's own */
    xsock__stats_fill(s, xsock__kind_of(s), 1, &full);
    XSOCK__WINDOW_END(s);
    size_t n = out->size < sizeof full ? out->size : sizeof full;
    full.size = n;
    memcpy(out, &full, n);
    return XSOCK_OK;
}

/* ---- Report lines ------------------------------------------------------------ */

static void put(char *buf, size_t len, size_t *at, const char *fmt, ...) XSOCK__PRINTF(4, 5);

static void put(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
    if (*at >= len) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *at, len - *at, fmt, ap);
    va_end(ap);
    if (n > 0) *at += (size_t)n;
    if (*at >= len) *at = len - 1;
}

static void put_ms(char *buf, size_t len, size_t *at, const char *name, int64_t ns)
{
    if (ns >= 0) put(buf, len, at, " %s=%.3fms", name, (double)ns / 1e6);
}

static void put_k(char *buf, size_t len, size_t *at, const char *name, int64_t v, const char *unit)
{
    if (v >= 0)
        put(buf, len, at, " %s=%" PRId64 "%s", name, v, unit);
    else
        put(buf, len, at, " %s=?", name);
}

void xsock__stats_format(const xsock_info *info, int ask_kernel, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    put(buf, len, &at, " calls=%" PRIu64 " sent=%" PRIu64 " recv=%" PRIu64 " waits=%" PRIu64 "/%.3fms",
        info->os_calls, info->bytes_sent, info->bytes_received, info->waits,
        (double)info->wait_ns / 1e6);
    put_ms(buf, len, &at, "connect", info->connect_ns);
    put_ms(buf, len, &at, "handshake", info->handshake_ns);
    if (info->listener != XSOCK_INVALID_NATIVE)
        put(buf, len, &at, " from=listener:%" PRIu64, (uint64_t)info->listener);
    if (!ask_kernel) return;
    xsock_os_kstats k = {-1, -1, -1, -1, NULL, -1, -1, -1, -1, -1};
    xsock_os_socket_stats(info->handle, &k);
    put_k(buf, len, &at, "sndbuf", k.sndbuf, "");
    put_k(buf, len, &at, "rcvbuf", k.rcvbuf, "");
    put_k(buf, len, &at, "unsent", k.unsent, "");
    put_k(buf, len, &at, "unread", k.unread, "");
    put(buf, len, &at, " state=%s", k.state ? k.state : "?");
    put_k(buf, len, &at, "rtt", k.rtt_us, "us");
    put_k(buf, len, &at, "rttvar", k.rttvar_us, "us");
    put_k(buf, len, &at, "retrans", k.retransmits, "");
    put_k(buf, len, &at, "cwnd", k.cwnd_bytes, "");
}
