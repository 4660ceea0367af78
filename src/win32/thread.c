/* Detached threads and one-shot events (Windows: SRW lock + condition
   variable; the wait is relative, so the wall clock cannot move it). */
#include <winsock2.h>
#include <windows.h>

#include <process.h>
#include <stdlib.h>

#include "../internal.h"

struct xsock_os_event {
    SRWLOCK lock;
    CONDITION_VARIABLE cv;
    int set;
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
    e->set = 1;
    ReleaseSRWLockExclusive(&e->lock);
    WakeAllConditionVariable(&e->cv);
}

int xsock_os_event_wait(xsock_os_event *e, int timeout_ms)
{
    ULONGLONG end = timeout_ms < 0 ? 0 : GetTickCount64() + (ULONGLONG)timeout_ms;
    AcquireSRWLockExclusive(&e->lock);
    while (!e->set) {
        DWORD wait = INFINITE;
        if (timeout_ms >= 0) {
            ULONGLONG now = GetTickCount64();
            if (now >= end) break;
            wait = (DWORD)(end - now);
        }
        if (!SleepConditionVariableSRW(&e->cv, &e->lock, wait, 0) &&
            GetLastError() != ERROR_TIMEOUT)
            break;
    }
    int set = e->set;
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
