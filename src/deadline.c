/* SPDX-License-Identifier: MIT */
/* One deadline per call, on the monotonic clock, and the wait that
   honours it across interruptions. */
#include "internal.h"


void xsock__deadline_start(xsock__deadline *d, int timeout_ms)
{
    /* no deadline: no clock reading either (a transfer without one makes none) */
    d->start_ns = timeout_ms < 0 ? 0 : xsock_os_monotonic_ns();
    d->end_ns = timeout_ms < 0 ? 0 : d->start_ns + (uint64_t)timeout_ms * XSOCK__NS_PER_MS;
    /* a deadline that lands exactly on 0 would read as "none" */
    if (timeout_ms >= 0 && d->end_ns == 0) d->end_ns = 1;
}

int xsock__deadline_left_ms(const xsock__deadline *d)
{
    return d->end_ns == 0 ? -1 : xsock__deadline_left_ms_at(d, xsock_os_monotonic_ns());
}

int xsock__deadline_left_ms_at(const xsock__deadline *d, uint64_t now)
{
    if (d->end_ns == 0) return -1;
    if (now >= d->end_ns) return 0;
    uint64_t left = (d->end_ns - now + XSOCK__NS_PER_MS - 1) / XSOCK__NS_PER_MS;
    return left > INT32_MAX ? INT32_MAX : (int)left;
}

int xsock__deadline_expired(const xsock__deadline *d)
{
    return d->end_ns != 0 && xsock_os_monotonic_ns() >= d->end_ns;
}

int xsock__timeout_invalid(int timeout_ms)
{
    return xsock__fail_msg(XSOCK_EINVAL, "timeout %d ms (must be >= -1)", timeout_ms);
}

int xsock__sleep_until(const xsock__deadline *d)
{
    /* the contract has no sleep call: a wait on an event nobody sets */
    xsock_os_event *never = xsock_os_event_new();
    if (!never) return XSOCK_ENOMEM;
    while (!xsock_os_event_wait(never, xsock__deadline_left_ms(d)) && !xsock__deadline_expired(d))
        ;
    xsock_os_event_free(never);
    return XSOCK_OK;
}

int xsock__sleep_ms(int ms)
{
    xsock__deadline d;
    xsock__deadline_start(&d, ms);
    return xsock__sleep_until(&d);
}

int xsock__poll_timed(xsock_os_pollent *ents, size_t n, int timeout_ms, uint64_t now_ns,
                      uint64_t *after_ns)
{
    uint64_t calls = xsock__thread_os_calls;
    int rc = xsock_os_poll(ents, n, timeout_ms);
    uint64_t after = xsock_os_monotonic_ns();
    if (XSOCK__LIKELY(xsock__thread_os_calls != calls)) { /* a wait is a call made */
        xsock__thread_waits++;
        xsock__thread_wait_ns += after - now_ns;
    }
    *after_ns = after;
    return rc;
}

/* After an interruption the time left is recomputed, and a deadline that
   passed meanwhile ends the wait: signals never stretch a call. */
int xsock__wait(xsock_native h, short events, const xsock__deadline *d, int zero_timeout,
                short *revents)
{
    uint64_t after;
    return xsock__wait_clocked(h, events, d, zero_timeout, revents, &after);
}

int xsock__wait_clocked(xsock_native h, short events, const xsock__deadline *d, int zero_timeout,
                        short *revents, uint64_t *after_ns)
{
    xsock_os_pollent e;
    uint64_t now = xsock_os_monotonic_ns();
    for (;;) {
        int left = zero_timeout ? 0 : xsock__deadline_left_ms_at(d, now);
        e.handle = h;
        e.events = events;
        e.revents = 0;
        int rc = xsock__poll_timed(&e, 1, left, now, &now);
        *after_ns = now;
        if (rc > 0) {
            if (revents) *revents = e.revents;
            return XSOCK_OK;
        }
        if (rc < 0 && rc != XSOCK__EINTR) return rc;
        if (zero_timeout) return XSOCK_EAGAIN;
        /* the OS may wake a little early; the deadline, not poll, decides */
        if (xsock__deadline_passed_at(d, now)) return XSOCK_ETIMEDOUT;
    }
}

int xsock__wait_again(xsock_native h, short events, const xsock__deadline *d, int zero_timeout,
                      int *waited)
{
    if (*waited) {
        if (zero_timeout) return XSOCK_EAGAIN; /* its one try is spent */
        if (xsock__deadline_expired(d)) return XSOCK_ETIMEDOUT;
    }
    *waited = 1;
    return xsock__wait(h, events, d, zero_timeout, NULL);
}
