/* SPDX-License-Identifier: MIT */
/* The hook the backends call around every wait (poll, WSAPoll, select):
   the calling thread's count of waits and of the nanoseconds spent in
   them, from which the core gives each socket its share (socket_stats.h).
   Two clock reads per wait, which is a system call anyway. */
#ifndef XSOCK_STATS_HOOKS_H
#define XSOCK_STATS_HOOKS_H

#include <stdint.h>

#include "xsock_os.h"

extern _Thread_local uint64_t xsock__thread_waits;
extern _Thread_local uint64_t xsock__thread_wait_ns;

static inline void xsock__note_wait(uint64_t start_ns)
{
    xsock__thread_waits++;
    xsock__thread_wait_ns += xsock_os_monotonic_ns() - start_ns;
}

#endif
