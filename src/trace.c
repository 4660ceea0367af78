/* SPDX-License-Identifier: MIT */
/* The trace hook and the count of OS calls.  Backends call
   xsock__trace_emit from their syscall wrappers only while tracing is on. */
#include "internal.h"

atomic_uint_fast64_t xsock__os_calls;
_Thread_local uint64_t xsock__thread_os_calls XSOCK__TLS_HOT;
atomic_int xsock__tracing;

typedef void (*trace_fn)(void *user, const xsock_trace_event *ev);

/* The hook and its user pointer change together under the config lock;
   emit reads them under it too, so a hook is never called with another
   hook's user pointer. */
static trace_fn g_trace_cb;
static void *g_trace_user;

void xsock_set_trace(void (*cb)(void *user, const xsock_trace_event *ev), void *user)
{
    xsock_os_lock(XSOCK_OS_LOCK_CONFIG);
    g_trace_cb = cb;
    g_trace_user = user;
    atomic_store(&xsock__tracing, cb != NULL);
    xsock_os_unlock(XSOCK_OS_LOCK_CONFIG);
}

/* Background threads (a resolver a dial left behind) belong to an epoch;
   the last xsock_cleanup ends it, and from then on they call nothing of
   the application's.  0: an application thread, always heard. */
static atomic_uint g_epoch = 1;
static atomic_int g_inflight; /* background callbacks running now */
static _Thread_local unsigned tl_epoch;

unsigned xsock__epoch(void)
{
    return atomic_load(&g_epoch);
}

void xsock__background_begin(unsigned epoch)
{
    tl_epoch = epoch;
}

void xsock__silence_background(void)
{
    xsock_os_lock(XSOCK_OS_LOCK_CONFIG);
    atomic_fetch_add(&g_epoch, 1);
    xsock_os_unlock(XSOCK_OS_LOCK_CONFIG);
    /* a callback that began before the epoch ended finishes before we return */
    while (atomic_load(&g_inflight) > 0) xsock__sleep_ms(1);
}

void xsock__trace_emit(const char *call, xsock_native h, long result, int os_error,
                       uint64_t start_ns)
{
    xsock_trace_event ev;
    ev.call = call;
    ev.handle = h;
    ev.result = result;
    ev.os_error = os_error;
    ev.duration_ns = xsock_os_monotonic_ns() - start_ns;

    xsock_os_lock(XSOCK_OS_LOCK_CONFIG);
    if (tl_epoch && tl_epoch != atomic_load(&g_epoch)) {
        xsock_os_unlock(XSOCK_OS_LOCK_CONFIG);
        return;
    }
    trace_fn cb = g_trace_cb;
    void *user = g_trace_user;
    if (cb && tl_epoch) atomic_fetch_add(&g_inflight, 1);
    xsock_os_unlock(XSOCK_OS_LOCK_CONFIG);
    if (!cb) return;
    cb(user, &ev);
    if (tl_epoch) atomic_fetch_sub(&g_inflight, 1);
}
