/* SPDX-License-Identifier: MIT */
/* Test support shared by every test: CMocka, loopback fixtures, a trace
   recorder and the OS handle cross-check.  Portable: no OS headers. */
#ifndef XTEST_H
#define XTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
/* cmocka.h must come after the headers above */
#include <cmocka.h>

#include "xsock.h"
#include "syscalls.h"
#include "xsock_os.h"

/* Call first in every test main: makes a crash fail the run on every OS
   (Wine may report a crashed process as exit 0; platform_*.c). */
void xt_crash_guard(void);

/* Run the group and print a final tally line. */
int xt_run(const char *name, const struct CMUnitTest *tests, size_t n);
#define XT_RUN(tests) xt_run(__FILE__, tests, sizeof(tests) / sizeof(tests[0]))

/* Print why and exit 77 (ctest SKIP), loudly. */
void xt_skip(const char *why);

/* Monotonic milliseconds. */
double xt_now_ms(void);

/* A loopback listener on an ephemeral port. */
xsock *xt_listener(const char *host, int backlog);
uint16_t xt_port(const xsock *s);

/* A loopback port whose connects hang: a listener with backlog 1 whose
   queue is filled and never accepted.  Skips the test (77) if the OS
   does not drop SYNs to a full queue. */
typedef struct xt_hang {
    xsock *listener;
    xsock *fill[4];
    int nfill;
    uint16_t port;
} xt_hang;
void xt_hang_open(xt_hang *h);
/* The same on a given address and port (0: ephemeral). */
void xt_hang_open_at(xt_hang *h, const char *host, uint16_t port);
void xt_hang_close(xt_hang *h);

/* A connected pair over loopback: *client from connect, *server accepted. */
void xt_pair(xsock **client, xsock **server);

/* Records the names of traced OS calls. */
#define XT_TRACE_MAX 256
typedef struct xt_trace {
    int n;
    const char *calls[XT_TRACE_MAX];
    long results[XT_TRACE_MAX];
    int errors[XT_TRACE_MAX];
    xsock_native handles[XT_TRACE_MAX];
} xt_trace;
void xt_trace_start(xt_trace *t);
void xt_trace_stop(void);
/* "socket,connect,poll,getsockopt,close" */
void xt_trace_join(const xt_trace *t, char *buf, size_t len);

/* How many of the recorded calls were `call`. */
int xt_trace_count(const xt_trace *t, const char *call);

/* Wait up to max_ms for the resolver threads that dials left behind to
   finish (they free themselves), and assert none is left. */
void xt_wait_for_resolver_threads(int max_ms);

/* Snapshot of live sockets (library) and socket handles (OS). */
typedef struct xt_counts {
    uint64_t live;
    long os;
} xt_counts;
xt_counts xt_counts_now(void);
/* Asserts both are unchanged since `before` (OS count where known). */
void xt_assert_counts(xt_counts before);

int xt_is_win32(void);

/* One live socket as xsock_foreach_live reports it (asserted to be there),
   its strings copied: info.kind/local/peer/site are NULL, read the copies. */
typedef struct xt_live {
    xsock_info info;
    char kind[16], local[128], peer[512], site[512];
} xt_live;
xt_live xt_live_info(const xsock *s);

/* Threads and sleeping, for concurrency tests (platform_*.c). */
typedef struct xt_thread xt_thread;
xt_thread *xt_thread_start(void *(*fn)(void *), void *arg);
void *xt_thread_join(xt_thread *t);
void xt_sleep_ms(int ms);
/* Set (value non-NULL) or remove an environment variable. */
void xt_setenv(const char *name, const char *value);
/* Remove every variable the environment proxy selector reads.  Each
   uppercase name goes before its lowercase twin: on Windows the two are
   one variable. */
void xt_clear_proxy_env(void);

/* Run `exe` (one optional argument `arg`, NULL: none) with the extra
   environment `env` ("NAME=VALUE" strings, NULL-terminated, may be NULL)
   and its stderr written to the file `stderr_path`; its stdout is ours.
   Returns its exit status, or -1 if it could not be run (platform_*.c). */
int xt_run_child(const char *exe, const char *arg, const char *const *env, const char *stderr_path);
/* `name` in the directory of `argv0` (a program next to the test's). */
void xt_sibling_path(const char *argv0, const char *name, char *buf, size_t len);

#endif
