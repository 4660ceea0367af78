/* SPDX-License-Identifier: MIT */
/* Switches in the environment, for a program that was not written for
   them: read once, at the first xsock_init or constructor.
 *
 *   XSOCK_REPORT=exit         at exit, the live-socket report on stderr
 *   XSOCK_REPORT=exit:FILE    the same, written to FILE
 *   XSOCK_TRACE=stderr        every OS call, one line each, on stderr
 *   XSOCK_TRACE=FILE          the same, to FILE (truncated first)
 *
 * The report runs from atexit, which in a DLL the C runtime runs at
 * DLL_PROCESS_DETACH (and in a shared object at its unload), so it covers
 * static and shared builds alike.  A hook set later with xsock_set_trace
 * replaces the environment's. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "socket_stats.h"

/* the once-flag: a relaxed load on every init and constructor */
static atomic_int g_env_read;

static char *g_report_path; /* NULL: stderr */
static int g_report_at_exit;
static FILE *g_trace_out;

static void trace_line(void *user, const xsock_trace_event *ev)
{
    FILE *f = user;
    fprintf(f, "xsock-trace: %s handle=%" PRIu64 " result=%ld err=%d %.3fus\n", ev->call,
            ev->handle == XSOCK_INVALID_NATIVE ? (uint64_t)0 - 1 : (uint64_t)ev->handle,
            ev->result, ev->os_error, (double)ev->duration_ns / 1e3);
    fflush(f);
}

static void report_at_exit(void)
{
    /* the report's own OS calls are no part of the program's trace, and
       an application hook may be gone by now */
    xsock_set_trace(NULL, NULL);
    int late = xsock_os_process_exiting();
    FILE *f = g_report_path ? fopen(g_report_path, "w") : stderr;
    if (!f) {
        fprintf(stderr, "xsock: XSOCK_REPORT: cannot write %s\n", g_report_path);
        return;
    }
    xsock_stats st;
    xsock_get_stats(&st);
    fprintf(f,
            "xsock: at exit: %" PRIu64 " socket%s open (opened %" PRIu64 ", closed %" PRIu64
            ", peak %" PRIu64 ", OS calls %" PRIu64 ")\n",
            st.live, st.live == 1 ? "" : "s", st.opened, st.closed, st.peak, st.os_calls);
    if (late && st.live) fprintf(f, "xsock: (process detach: no OS figures)\n");
    if (late)
        xsock__report_live_offline(f); /* no OS calls: only what the library holds */
    else
        xsock_report_live(f);
    fflush(f);
    if (f != stderr) fclose(f);
}

static void read_report(const char *v)
{
    if (!v || !*v) return;
    if (strcmp(v, "exit") == 0) {
        g_report_at_exit = 1;
    } else if (strncmp(v, "exit:", 5) == 0 && v[5]) {
        g_report_path = xsock__strdup(v + 5);
        g_report_at_exit = g_report_path != NULL;
    } else {
        fprintf(stderr, "xsock: XSOCK_REPORT=%s not understood (exit, or exit:FILE)\n", v);
    }
    if (g_report_at_exit && atexit(report_at_exit) != 0) {
        fprintf(stderr, "xsock: XSOCK_REPORT: atexit failed, no report at exit\n");
        g_report_at_exit = 0;
    }
}

static void read_trace(const char *v)
{
    if (!v || !*v) return;
    g_trace_out = strcmp(v, "stderr") == 0 ? stderr : fopen(v, "w");
    if (!g_trace_out) {
        fprintf(stderr, "xsock: XSOCK_TRACE: cannot write %s\n", v);
        return;
    }
    xsock_set_trace(trace_line, g_trace_out);
}

void xsock__env_once(void)
{
    if (XSOCK__LIKELY(atomic_load_explicit(&g_env_read, memory_order_acquire))) return;
    xsock_os_lock(XSOCK_OS_LOCK_INIT);
    if (!atomic_load_explicit(&g_env_read, memory_order_relaxed)) {
        read_report(getenv("XSOCK_REPORT"));
        read_trace(getenv("XSOCK_TRACE"));
        atomic_store_explicit(&g_env_read, 1, memory_order_release);
    }
    xsock_os_unlock(XSOCK_OS_LOCK_INIT);
}
