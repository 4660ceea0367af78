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
    if (!limit) {
        atomic_fetch_add(&g_slots, 1); /* no limit: nothing to compare */
    } else {
        uint_fast64_t cur = atomic_load(&g_slots);
        do {
            if (cur >= limit) return limit_reached(cur, limit);
        } while (!atomic_compare_exchange_weak(&g_slots, &cur, cur + 1));
    }
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

/* A record from the spares (its fields as the last socket left them), or
   NULL; under the registry lock. */
static xsock *take_spare_locked(void)
{
    xsock *s = g_spare;
    if (s) {
        g_spare = s->next;
        g_spare_count--;
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

xsock__cold *xsock__cold_get(xsock *s)
{
    xsock__cold *c = atomic_load_explicit(&s->cold, memory_order_relaxed);
    if (c) return c;
    if (!(c = calloc(1, sizeof *c))) return NULL;
    /* release: a report that sees the pointer sees the zeroed fields */
    atomic_store_explicit(&s->cold, c, memory_order_release);
    return c;
}

void xsock__cold_free(xsock__cold *c)
{
    free(c->via);
    free(c->tunnel);
    free(c);
}

/* The peer in the record itself when it has no scope (the usual case),
   else in the cold part; XSOCK__F_* */
static unsigned peer_flags(const xsock__addr *peer)
{
    if (peer->scope_id == 0 && peer->family == XSOCK_AF_INET) return XSOCK__F_PEER;
    if (peer->scope_id == 0 && peer->family == XSOCK_AF_INET6) return XSOCK__F_PEER | XSOCK__F_PEER6;
    return XSOCK__F_PEER_COLD;
}

int xsock__track(xsock_native h, enum xsock__kind kind, xsock__site site, uint64_t born_ns,
                 const xsock__addr *local, const xsock__addr *peer, xsock **out)
{
    uint64_t created_ns = born_ns ? born_ns : xsock_os_monotonic_ns();
    unsigned flags = (local ? XSOCK__F_LOCAL : 0) | (peer ? peer_flags(peer) : 0);
    /* what few sockets have, allocated before the lock */
    xsock__cold *cold = NULL;
    if (XSOCK__UNLIKELY(flags & (XSOCK__F_LOCAL | XSOCK__F_PEER_COLD))) {
        if (!(cold = calloc(1, sizeof *cold))) goto no_memory;
        if (local) cold->local = *local;
        if (flags & XSOCK__F_PEER_COLD) cold->peer = *peer;
    }
    /* one lock round trip: the record is taken, filled and published under
       it (filling is plain stores, no OS call); only without a spare does
       the allocation happen outside it, and a second trip follow */
    xsock_os_lock(XSOCK_OS_LOCK_REGISTRY);
    xsock *s = take_spare_locked();
    if (XSOCK__UNLIKELY(!s)) {
        xsock_os_unlock(XSOCK_OS_LOCK_REGISTRY);
        s = malloc(sizeof *s);
        if (!s) {
            free(cold);
            goto no_memory;
        }
        xsock_os_lock(XSOCK_OS_LOCK_REGISTRY);
    }
    /* every field, none left from a spare's last socket */
    s->handle = h;
    s->prev = NULL;
    s->created_ns = created_ns;
    xsock__stats_born(s, kind);
    if (site.file_line) {
        s->site = site.file_line;
    } else {
        s->site = site.pc;
        flags |= XSOCK__F_SITE_PC;
    }
    atomic_init(&s->cold, cold);
    if (flags & XSOCK__F_PEER) {
        memcpy(s->peer_ip, peer->ip, sizeof s->peer_ip);
        s->peer_port = peer->port;
    }
    atomic_init(&s->state, (unsigned char)kind);
    s->flags = (uint8_t)flags;
    s->dead_os = 0;
    s->next = g_head;
    if (g_head) g_head->prev = s;
    g_head = s;
    g_opened++;
    g_live++;
    if (g_live > g_peak) g_peak = g_live;
    xsock_os_unlock(XSOCK_OS_LOCK_REGISTRY);
    *out = s;
    return XSOCK_OK;

no_memory:
    xsock_os_close(h);
    xsock__unreserve();
    return xsock__fail_msg(XSOCK_ENOMEM, "allocating a socket record");
}

void xsock__untrack(xsock *s)
{
    /* the cold part (via, tunnel bytes) is read by reports under the lock:
       freed after it */
    xsock__cold *cold = atomic_load_explicit(&s->cold, memory_order_relaxed);
    xsock_os_lock(XSOCK_OS_LOCK_REGISTRY);
    if (s->prev)
        s->prev->next = s->next;
    else
        g_head = s->next;
    if (s->next) s->next->prev = s->prev;
    g_closed++;
    g_live--;
    int kept = g_spare_count < SPARE_RECORDS_MAX;
    if (kept) {
        s->next = g_spare;
        g_spare = s;
        g_spare_count++;
    }
    xsock_os_unlock(XSOCK_OS_LOCK_REGISTRY);
    xsock__unreserve();
    if (XSOCK__UNLIKELY(cold != NULL)) xsock__cold_free(cold);
    if (!kept) free(s);
}

void xsock__set_via(xsock *s, char *via)
{
    /* no memory for the cold part: no "via" in reports, no handshake_ns */
    xsock__cold *c = xsock__cold_get(s);
    char *old = via;
    if (c) {
        xsock_os_lock(XSOCK_OS_LOCK_REGISTRY);
        old = c->via;
        c->via = via;
        xsock_os_unlock(XSOCK_OS_LOCK_REGISTRY);
    }
    free(old);
    xsock__stats_handshake_done(s, c);
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
    xsock__cold *c = xsock__cold_of(s);
    const xsock__addr *local = xsock__local_of(s);
    t->handle = s->handle;
    t->kind = xsock__kind_of(s);
    t->has_local = local != NULL;
    if (local) t->local = *local;
    t->has_peer = xsock__peer_of(s, &t->peer);
    t->site = s->flags & XSOCK__F_SITE_PC ? NULL : (const char *)s->site;
    t->site_pc = s->flags & XSOCK__F_SITE_PC ? s->site : NULL;
    t->created_ns = s->created_ns;
    t->via = c && c->via ? xsock__strdup(c->via) : NULL;
    xsock__stats_fill(s, t->kind, 0, &t->ctr);
    if (t->kind == XSOCK__KIND_CONNECTING) /* still counting: see socket_stats.h */
        t->ctr.os_calls = t->ctr.waits = t->ctr.wait_ns = 0;
    uint64_t l = t->kind == XSOCK__KIND_ACCEPTED
                     ? atomic_load_explicit(&((xsock *)(uintptr_t)s)->ctr.listener, memory_order_relaxed)
                     : 0;
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
