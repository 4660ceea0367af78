/* SPDX-License-Identifier: MIT */
/* The trace hook and the count of OS calls.  Backends call
   xsock__trace_emit from their syscall wrappers only while tracing is on. */
#include "internal.h"

atomic_uint_fast64_t xsock__os_calls;
_Thread_local uint64_t xsock__thread_os_calls;
atomic_int xsock__tracing;

typedef void (*trace_fn)(void *user, const xsock_trace_event *ev);

/* The hook and its user pointer change together under the config lock;
   emit reads them under it too, so a hook is never called with another
   hook's user pointer. */
static trace_fn g_trace_cb;
static void *g_trace_user;

void xsock_set_trace(void (*cb)(void *user, const xsock_trace_event *ev), void *user)
{
    xsock_os_lock(XSOCK_LOCK_CONFIG);
    g_trace_cb = cb;
    g_trace_user = user;
    atomic_store(&xsock__tracing, cb != NULL);
    xsock_os_unlock(XSOCK_LOCK_CONFIG);
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

    xsock_os_lock(XSOCK_LOCK_CONFIG);
    trace_fn cb = g_trace_cb;
    void *user = g_trace_user;
    xsock_os_unlock(XSOCK_LOCK_CONFIG);
    if (cb) cb(user, &ev);
}
