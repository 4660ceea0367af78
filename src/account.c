/* The record of every live socket: an intrusive list under one lock
   (O(1) insert and remove), the counters, the limit, and the reports. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static xsock *g_head; /* newest first */
static uint64_t g_opened, g_closed, g_live, g_peak;

/* Live sockets plus those being created: what the limit applies to. */
static atomic_uint_fast64_t g_slots;
static atomic_uint_fast64_t g_limit;

static const char *const kind_names[] = {"connecting", "connected", "listening", "accepted",
                                         "adopted"};

int xsock__reserve(void)
{
    uint_fast64_t limit = atomic_load(&g_limit);
    uint_fast64_t cur = atomic_load(&g_slots);
    do {
        if (limit && cur >= limit)
            return xsock__fail_msg(XSOCK_ELIMIT, "socket limit %" PRIu64 " reached",
                                   (uint64_t)limit);
    } while (!atomic_compare_exchange_weak(&g_slots, &cur, cur + 1));
    return XSOCK_OK;
}

void xsock__unreserve(void)
{
    atomic_fetch_sub(&g_slots, 1);
}

int xsock__track(xsock_native h, enum xsock_kind kind, xsock_site site, xsock **out)
{
    xsock *s = calloc(1, sizeof *s);
    if (!s) {
        xsock_os_close(h);
        xsock__unreserve();
        return xsock__fail_msg(XSOCK_ENOMEM, "allocating a socket record");
    }
    s->handle = h;
    atomic_init(&s->kind, (int)kind);
    s->site = site.file_line;
    s->site_pc = site.pc;
    s->created_ns = xsock_os_monotonic_ns();

    xsock_os_lock(XSOCK_LOCK_REGISTRY);
    s->next = g_head;
    if (g_head) g_head->prev = s;
    g_head = s;
    g_opened++;
    g_live++;
    if (g_live > g_peak) g_peak = g_live;
    xsock_os_unlock(XSOCK_LOCK_REGISTRY);
    *out = s;
    return XSOCK_OK;
}

void xsock__untrack(xsock *s)
{
    xsock_os_lock(XSOCK_LOCK_REGISTRY);
    if (s->prev)
        s->prev->next = s->next;
    else
        g_head = s->next;
    if (s->next) s->next->prev = s->prev;
    g_closed++;
    g_live--;
    xsock_os_unlock(XSOCK_LOCK_REGISTRY);
    xsock__unreserve();
    free(s->via);
    free(s->pending);
    free(s);
}

void xsock__set_kind(xsock *s, enum xsock_kind kind)
{
    atomic_store_explicit(&s->kind, (int)kind, memory_order_relaxed);
}

void xsock_get_stats(xsock_stats *st)
{
    if (!st) return;
    xsock_os_lock(XSOCK_LOCK_REGISTRY);
    st->opened = g_opened;
    st->closed = g_closed;
    st->live = g_live;
    st->peak = g_peak;
    xsock_os_unlock(XSOCK_LOCK_REGISTRY);
    st->limit = atomic_load(&g_limit);
    st->os_calls = atomic_load(&xsock__os_calls);
}

void xsock_set_limit(uint64_t max_live)
{
    atomic_store(&g_limit, max_live);
}

struct info_text {
    char local[XSOCK_ADDRSTRLEN];
    char peer[XSOCK_ADDRSTRLEN];
    char site[512];
};

/* Runs under the registry lock, so `s` cannot be closed meanwhile; the
   local address of a connected socket is asked of the OS only here, not
   on the connect path. */
static void describe(xsock *s, uint64_t now, xsock_info *info, struct info_text *t)
{
    xsock_addr a;
    enum xsock_kind kind = (enum xsock_kind)atomic_load(&s->kind);
    t->local[0] = t->peer[0] = '\0';
    if (s->has_local)
        xsock_addr_format(&s->local, t->local, sizeof t->local);
    else if (kind != XSOCK_KIND_CONNECTING && xsock_os_local_addr(s->handle, &a) == XSOCK_OK)
        xsock_addr_format(&a, t->local, sizeof t->local);
    if (s->has_peer) xsock_addr_format(&s->peer, t->peer, sizeof t->peer);
    if (s->site_pc)
        xsock_os_describe_code(s->site_pc, t->site, sizeof t->site);
    else
        snprintf(t->site, sizeof t->site, "unknown");

    info->handle = s->handle;
    info->kind = kind_names[kind];
    info->local = t->local;
    info->peer = s->via ? s->via : t->peer;
    info->site = s->site ? s->site : t->site;
    info->age_ms = (now - s->created_ns) / 1000000u;
}

size_t xsock_foreach_live(void (*cb)(void *user, const xsock_info *info), void *user)
{
    struct info_text text;
    size_t n = 0;
    uint64_t now = xsock_os_monotonic_ns();
    xsock_os_lock(XSOCK_LOCK_REGISTRY);
    for (xsock *s = g_head; s; s = s->next) {
        n++;
        if (!cb) continue;
        xsock_info info;
        describe(s, now, &info, &text);
        cb(user, &info);
    }
    xsock_os_unlock(XSOCK_LOCK_REGISTRY);
    return n;
}

static void print_line(void *user, const xsock_info *info)
{
    fprintf((FILE *)user, "xsock: live socket %" PRIu64 " %s local=%s peer=%s age=%" PRIu64
                          "ms site=%s\n",
            (uint64_t)info->handle, info->kind, info->local[0] ? info->local : "-",
            info->peer[0] ? info->peer : "-", info->age_ms, info->site);
}

size_t xsock_report_live(FILE *out)
{
    return xsock_foreach_live(out ? print_line : NULL, out);
}
