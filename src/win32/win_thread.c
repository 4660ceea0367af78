/* SPDX-License-Identifier: MIT */
/* Detached threads and one-shot events (Windows: SRW lock + condition
   variable; deadlines on the monotonic clock, so the wall clock cannot
   move them). */
#include <winsock2.h>
#include <windows.h>

#include <process.h>
#include <stdlib.h>

#include "../os_hooks.h"
#include "../xsock_os.h"

struct xsock_os_event {
    SRWLOCK lock;
    CONDITION_VARIABLE cv;
    int set;
    uint64_t set_ns; /* when it was set (monotonic clock) */
};

xsock_os_event *xsock_os_event_new(void)
{
    xsock_os_event *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    InitializeSRWLock(&e->lock);
    InitializeConditionVariable(&e->cv);
    return e;
}

void xsock_os_event_free(xsock_os_event *e)
{
    free(e);
}

void xsock_os_event_set(xsock_os_event *e)
{
    AcquireSRWLockExclusive(&e->lock);
    if (!e->set) e->set_ns = xsock_os_monotonic_ns();
    e->set = 1;
    ReleaseSRWLockExclusive(&e->lock);
    WakeAllConditionVariable(&e->cv);
}

#define NS_PER_MS 1000000ull

/* A timed wait may wake before its time or well after it (timer ticks of
   15.6 ms on Windows, a busy wineserver under Wine).  Early: wait again for
   what is left.  Late: an event set after the timeout still lost the race
   (the resolver's own failure arriving just after the dial's deadline), so
   the answer follows the monotonic clock of the deadline, not the order in
   which this thread happened to wake. */
int xsock_os_event_wait(xsock_os_event *e, int timeout_ms)
{
    uint64_t end = timeout_ms < 0 ? 0 : xsock_os_monotonic_ns() + (uint64_t)timeout_ms * NS_PER_MS;
    AcquireSRWLockExclusive(&e->lock);
    while (!e->set) {
        DWORD wait = INFINITE;
        if (timeout_ms >= 0) {
            uint64_t now = xsock_os_monotonic_ns();
            if (now >= end) break;
            wait = (DWORD)((end - now + NS_PER_MS - 1) / NS_PER_MS);
        }
        if (!SleepConditionVariableSRW(&e->cv, &e->lock, wait, 0) &&
            GetLastError() != ERROR_TIMEOUT)
            break;
    }
    int set = e->set && (timeout_ms < 0 || e->set_ns <= end);
    ReleaseSRWLockExclusive(&e->lock);
    return set;
}

struct start {
    void (*fn)(void *);
    void *arg;
};

static unsigned __stdcall trampoline(void *p)
{
    struct start st = *(struct start *)p;
    free(p);
    st.fn(st.arg);
    return 0;
}

int xsock_os_thread_start(void (*fn)(void *), void *arg)
{
    struct start *st = malloc(sizeof *st);
    if (!st) return XSOCK_ENOMEM;
    st->fn = fn;
    st->arg = arg;
    uintptr_t h = _beginthreadex(NULL, 0, trampoline, st, 0, NULL);
    if (h == 0) {
        xsock__set_os_error((int)GetLastError());
        free(st);
        return XSOCK_ENOMEM;
    }
    CloseHandle((HANDLE)h); /* detached */
    return XSOCK_OK;
}
