/* SPDX-License-Identifier: MIT */
/* The record of every live socket: an intrusive list under one lock
   (O(1) insert and remove), the counters, the limit, and the reports. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "socket_stats.h"

static xsock *g_head; /* newest first */
static uint64_t g_opened, g_closed, g_live, g_peak;

/* Live sockets plus those being created: what the limit applies to. */
static atomic_uint_fast64_t g_slots;
static atomic_uint_fast64_t g_limit;

static const char *const kind_names[] = {"connecting", "connected", "listening", "accepted",
                                         "adopted"};

static int limit_reached(uint_fast64_t in_use, uint_fast64_t limit)
{
    return xsock__fail_msg(XSOCK_ELIMIT, "no new socket, %" PRIu64 " in use of %" PRIu64,
                           (uint64_t)in_use, (uint64_t)limit);
}

int xsock__reserve(void)
{
    uint_fast64_t limit = atomic_load(&g_limit);
    uint_fast64_t cur = atomic_load(&g_slots);
    do {
        if (limit && cur >= limit) return limit_reached(cur, limit);
    } while (!atomic_compare_exchange_weak(&g_slots, &cur, cur + 1));
    xsock__stats_reserve_mark();
    return XSOCK_OK;
}

int xsock__check_limit(void)
{
    uint_fast64_t limit = atomic_load(&g_limit), in_use = atomic_load(&g_slots);
    return limit && in_use >= limit ? limit_reached(in_use, limit) : XSOCK_OK;
}

void xsock__unreserve(void)
{
    atomic_fetch_sub(&g_slots, 1);
}

/* Records of closed sockets, kept for the next open so that a connect +
   close costs no malloc and no free: a singly linked list through `next`,
   under XSOCK_OS_LOCK_REGISTRY like the live list, bounded, and emptied by
   the last xsock_cleanup (xsock__drop_spare_records). */
#define SPARE_RECORDS_MAX 64
static xsock *g_spare;
static size_t g_spare_count;

/* A zeroed record from the spares, or NULL; under the registry lock. */
static xsock *take_spare_locked(void)
{
    xsock *s = g_spare;
    if (s) {
        g_spare = s->next;
        g_spare_count--;
        memset(s, 0, sizeof *s);
    }
    return s;
}

void xsock__drop_spare_records(void)
{
    xsock_os_lock(XSOCK_OS_LOCK_REGISTRY);
    xsock *s = g_spare;
    g_spare = NULL;
    g_spare_count = 0;
    xsock_os_unlock(XSOCK_OS_LOCK_REGISTRY);
    while (s) {
        xsock *next = s->next;
        free(s);
        s = next;
    }
}

int xsock__track(xsock_native h, enum xsock__kind kind, xsock__site site, const xsock__addr *local,
                 const xsock__addr *peer, xsock **out)
{
    uint64_t created_ns = xsock_os_monotonic_ns();
    /* one lock round trip: the record is taken, filled and published under
       it (filling is plain stores, no OS call); only without a spare does
       the allocation happen outside it, and a second trip follow */
    xsock_os_lock(XSOCK_OS_LOCK_REGISTRY);
    xsock *s = take_spare_locked();
    if (!s) {
        xsock_os_unlock(XSOCK_OS_LOCK_REGISTRY);
        s = calloc(1, sizeof *s);
        if (!s) {
            xsock_os_close(h);
            xsock__unreserve();
            return xsock__fail_msg(XSOCK_ENOMEM, "allocating a socket record");
        }
        xsock_os_lock(XSOCK_OS_LOCK_REGISTRY);
    }
    s->handle = h;
    atomic_init(&s->kind, (int)kind);
    s->site = site.file_line;
    s->site_pc = site.pc;
    s->created_ns = created_ns;
    xsock__stats_born(s, kind);
    if (local) {
        s->local = *local;
        s->has_local = 1;
    }
    if (peer) {
        s->peer = *peer;
        s->has_peer = 1;
    }
    s->next = g_head;
    if (g_head) g_head->prev = s;
    g_head = s;
    g_opened++;
    g_live++;
    if (g_live > g_peak) g_peak = g_live;
    xsock_os_unlock(XSOCK_OS_LOCK_REGISTRY);
    *out = s;
    return XSOCK_OK;
}

void xsock__untrack(xsock *s)
{
    /* the tunnel bytes are the owning thread's alone: reports never read them */
    xsock__tunnel_free(s);
    xsock_os_lock(XSOCK_OS_LOCK_REGISTRY);
    if (s->prev)
        s->prev->next = s->next;
    else
        g_head = s->next;
    if (s->next) s->next->prev = s->prev;
    g_closed++;
    g_live--;
    char *via = s->via; /* reports read it under the lock: freed after */
    int kept = g_spare_count < SPARE_RECORDS_MAX;
    if (kept) {
        s->next = g_spare;
        g_spare = s;
        g_spare_count++;
    }
    xsock_os_unlock(XSOCK_OS_LOCK_REGISTRY);
    xsock__unreserve();
    free(via);
    if (!kept) free(s);
}

void xsock__set_via(xsock *s, char *via)
{
    xsock_os_lock(XSOCK_OS_LOCK_REGISTRY);
    free(s->via);
    s->via = via;
    xsock_os_unlock(XSOCK_OS_LOCK_REGISTRY);
    xsock__stats_handshake_done(s);
}

void xsock__set_kind(xsock *s, enum xsock__kind kind)
{
    if (kind == XSOCK__KIND_CONNECTED) xsock__stats_connected(s);
    /* release: a report that sees the kind sees the counters it closed */
    atomic_store_explicit(&s->kind, (int)kind, memory_order_release);
}

void xsock_get_stats(xsock_stats *st)
{
    if (!st) return;
    xsock_os_lock(XSOCK_OS_LOCK_REGISTRY);
    st->opened = g_opened;
    st->closed = g_closed;
    st->live = g_live;
    st->peak = g_peak;
    xsock_os_unlock(XSOCK_OS_LOCK_REGISTRY);
    st->limit = atomic_load(&g_limit);
    st->os_calls = atomic_load(&xsock__os_calls);
}

void xsock_set_limit(uint64_t max_live)
{
    atomic_store(&g_limit, max_live);
}

/* What a report needs of one socket, copied under the lock so that the
   callbacks and any OS call run without it. */
typedef struct snapshot {
    xsock_native handle;
    enum xsock__kind kind;
    int has_local, has_peer;
    xsock__addr local, peer;
    const char *site;
    const void *site_pc;
    uint64_t created_ns;
    char *via; /* a copy, whatever its length; NULL: none (or no memory) */
    struct xsock_socket_stats ctr; /* the counters (no kernel figures) */
    xsock_native listener;
} snapshot;

static void take(const xsock *s, snapshot *t)
{
    t->handle = s->handle;
    t->kind = (enum xsock__kind)atomic_load(&s->kind);
    t->has_local = s->has_local;
    t->has_peer = s->has_peer;
    t->local = s->local;
    t->peer = s->peer;
    t->site = s->site;
    t->site_pc = s->site_pc;
    t->created_ns = s->created_ns;
    t->via = s->via ? xsock__strdup(s->via) : NULL;
    xsock__stats_fill(s->handle, &s->ctr, 0, &t->ctr);
    if (t->kind == XSOCK__KIND_CONNECTING) /* still counting: see socket_stats.h */
        t->ctr.os_calls = t->ctr.waits = t->ctr.wait_ns = 0;
    uint64_t l = atomic_load_explicit(&((xsock *)(uintptr_t)s)->ctr.listener, memory_order_relaxed);
    t->listener = l ? (xsock_native)(l - 1) : XSOCK_INVALID_NATIVE;
}

/* `ask_os`: the local address of a connected socket is asked of the OS
   here, not on the connect path (it would cost every connect a call).  The
   handle may have been closed since the snapshot; the report then shows
   no local address (or, if the number was reused at once, another's). */
static void emit(const snapshot *t, uint64_t now, int ask_os,
                 void (*cb)(void *user, const xsock_info *info), void *user)
{
    char local[XSOCK__ADDRSTRLEN] = "", peer[XSOCK__ADDRSTRLEN] = "", site[512];
    xsock__addr a;
    if (t->has_local)
        xsock__addr_format(&t->local, local, sizeof local);
    else if (ask_os && t->kind != XSOCK__KIND_CONNECTING && xsock_os_local_addr(t->handle, &a) == XSOCK_OK)
        xsock__addr_format(&a, local, sizeof local);
    if (t->has_peer) xsock__addr_format(&t->peer, peer, sizeof peer);
    if (t->site_pc)
        xsock_os_describe_code(t->site_pc, site, sizeof site);
    else
        snprintf(site, sizeof site, "unknown");

    xsock_info info;
    info.handle = t->handle;
    info.kind = kind_names[t->kind];
    info.local = local;
    info.peer = t->via ? t->via : peer;
    info.site = t->site ? t->site : site;
    info.age_ms = (now - t->created_ns) / 1000000u;
    info.os_calls = t->ctr.os_calls;
    info.bytes_sent = t->ctr.bytes_sent;
    info.bytes_received = t->ctr.bytes_received;
    info.waits = t->ctr.waits;
    info.wait_ns = t->ctr.wait_ns;
    info.connect_ns = t->ctr.connect_ns;
    info.handshake_ns = t->ctr.handshake_ns;
    info.listener = t->listener;
    cb(user, &info);
}

/* 0 while the process is past the point where OS calls are safe (a DLL's
   detach at process exit): reports then show what the library holds. */
static int g_ask_os = 1;

size_t xsock_foreach_live(void (*cb)(void *user, const xsock_info *info), void *user)
{
    uint64_t now = xsock_os_monotonic_ns();
    xsock_os_lock(XSOCK_OS_LOCK_REGISTRY);
    size_t n = (size_t)g_live;
    snapshot *snaps = cb && n ? malloc(n * sizeof *snaps) : NULL;
    if (cb && n && !snaps) {
        /* no memory for a copy: report under the lock, without OS calls */
        snapshot one;
        for (xsock *s = g_head; s; s = s->next) {
            take(s, &one);
            emit(&one, now, 0, cb, user);
            free(one.via);
        }
        xsock_os_unlock(XSOCK_OS_LOCK_REGISTRY);
        return n;
    }
    size_t i = 0;
    for (xsock *s = g_head; s && snaps; s = s->next) take(s, &snaps[i++]);
    xsock_os_unlock(XSOCK_OS_LOCK_REGISTRY);
    for (size_t k = 0; k < i; k++) {
        emit(&snaps[k], now, g_ask_os, cb, user);
        free(snaps[k].via);
    }
    free(snaps);
    return n;
}

static void print_line(void *user, const xsock_info *info)
{
    char figures[512];
    /* the kernel is asked only when the OS has the socket as connected */
    xsock__stats_format(info, g_ask_os && strcmp(info->kind, "connecting") != 0, figures,
                        sizeof figures);
    fprintf((FILE *)user, "xsock: live socket %" PRIu64 " %s local=%s peer=%s age=%" PRIu64
                          "ms site=%s%s\n",
            (uint64_t)info->handle, info->kind, info->local[0] ? info->local : "-",
            info->peer[0] ? info->peer : "-", info->age_ms, info->site, figures);
}

size_t xsock_report_live(FILE *out)
{
    return xsock_foreach_live(out ? print_line : NULL, out);
}

size_t xsock__report_live_offline(FILE *out)
{
    g_ask_os = 0; /* the process is ending: it stays so */
    return xsock_report_live(out);
}
