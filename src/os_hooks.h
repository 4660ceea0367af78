/* SPDX-License-Identifier: MIT */
/* What the core gives the backends, and all they see of it: the thread's
   OS error, the count of OS calls, and the trace hook their syscall
   wrappers report to.  Backends include this, xsock_os.h and syscalls.h. */
#ifndef XSOCK_OS_HOOKS_H
#define XSOCK_OS_HOOKS_H

#include <stdatomic.h>
#include <stdint.h>

#include "xsock.h"
#include "xsock_os.h"

#ifdef __GNUC__
#define XSOCK__LIKELY(x) __builtin_expect(!!(x), 1)
#define XSOCK__UNLIKELY(x) __builtin_expect(!!(x), 0)
#define XSOCK__CALLER() __builtin_return_address(0)
/* out of line and laid out apart: the traced and the retried calls */
#define XSOCK__COLD __attribute__((cold, noinline))
#define XSOCK__NOINLINE __attribute__((noinline))
#if defined(__ELF__) && defined(__GLIBC__)
/* The counters every OS call and every wait touches: reached from the
   thread pointer in one instruction, without the __tls_get_addr call that
   position-independent code otherwise makes.  glibc only: it keeps spare
   static TLS for a dlopen'ed library's few dozen bytes; musl refuses to
   load a dlopen'ed library with initial-exec TLS. */
#define XSOCK__TLS_HOT __attribute__((tls_model("initial-exec")))
#else
#define XSOCK__TLS_HOT
#endif
/* mingw-w64 checks printf formats as msvcrt's unless told its own C99
   stdio is used (__USE_MINGW_ANSI_STDIO, set by the build), which it names */
#if defined(__MINGW_PRINTF_FORMAT)
#define XSOCK__PRINTF(f, a) __attribute__((format(__MINGW_PRINTF_FORMAT, f, a)))
#else
#define XSOCK__PRINTF(f, a) __attribute__((format(printf, f, a)))
#endif
#else
#define XSOCK__LIKELY(x) (x)
#define XSOCK__UNLIKELY(x) (x)
#define XSOCK__CALLER() ((void *)0)
#define XSOCK__COLD
#define XSOCK__NOINLINE
#define XSOCK__TLS_HOT
#define XSOCK__PRINTF(f, a)
#endif

/* The raw OS code of this thread's last failure, for xsock_last_os_error
   (error.c): a backend sets it on every failed call. */
void xsock__set_os_error(int os_error);
int xsock__os_error(void);

/* ---- Counting and tracing OS calls (trace.c) ------------------------------ */

extern atomic_uint_fast64_t xsock__os_calls;
/* Nonzero while a trace hook is set: the wrappers' one branch. */
extern atomic_int xsock__tracing;

void xsock__trace_emit(const char *call, xsock_native h, long result, int os_error,
                       uint64_t start_ns);

/* The same count for the calling thread alone (tests measure one dial
   while a peer in the same process makes calls of its own). */
extern _Thread_local uint64_t xsock__thread_os_calls XSOCK__TLS_HOT;

#define XSOCK__COUNT_OS_CALL()                                                 \
    (xsock__thread_os_calls++,                                                \
     atomic_fetch_add_explicit(&xsock__os_calls, 1, memory_order_relaxed))

/* ---- Waits (socket_stats.c) --------------------------------------------------- */

/* Every wait of the core (xsock__poll_timed in deadline.c) counts for the
   calling thread: waits and nanoseconds, which the core gives to the
   socket the call was for.  The backends' polls are not timed themselves. */
extern _Thread_local uint64_t xsock__thread_waits XSOCK__TLS_HOT;
extern _Thread_local uint64_t xsock__thread_wait_ns XSOCK__TLS_HOT;

#endif
