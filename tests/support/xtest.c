/* SPDX-License-Identifier: MIT */
/* Test support: fixtures over the public API only. */
#include "xtest.h"

#include "dial/dial.h"

#include <stdlib.h>
#include <string.h>

double xt_now_ms(void)
{
    return (double)xsock_os_monotonic_ns() / 1e6;
}

int xt_run(const char *name, const struct CMUnitTest *tests, size_t n)
{
    int failed = _cmocka_run_group_tests(name, tests, n, NULL, NULL);
    printf("xtest: %s: %zu tests, %d failed\n", name, n, failed);
    fflush(stdout);
    return failed ? 1 : 0;
}

void xt_skip(const char *why)
{
    printf("SKIP: %s\n", why);
    fprintf(stderr, "SKIP: %s\n", why);
    fflush(stdout);
    exit(77);
}

int xt_is_win32(void)
{
    return strcmp(xsock_os_backend_name(), "win32") == 0;
}

xsock *xt_listener(const char *host, int backlog)
{
    xsock *l = NULL;
    int rc = xsock_listen(&l, host, 0, backlog);
    if (rc != XSOCK_OK) fail_msg("listen on %s: %s", host, xsock_last_error_detail());
    return l;
}

uint16_t xt_port(const xsock *s)
{
    int p = xsock_local_port(s);
    assert_true(p > 0);
    return (uint16_t)p;
}

void xt_hang_open_at(xt_hang *h, const char *host, uint16_t port)
{
    memset(h, 0, sizeof *h);
    int rc = xsock_listen(&h->listener, host, port, 1);
    if (rc != XSOCK_OK) fail_msg("listen on %s:%u: %s", host, (unsigned)port, xsock_last_error_detail());
    h->port = xt_port(h->listener);
    /* backlog 1 lets two connections complete; the third must hang */
    for (int i = 0; i < 2; i++) {
        rc = xsock_connect(&h->fill[i], host, h->port, 2000);
        if (rc != XSOCK_OK) fail_msg("filling the backlog: %s", xsock_last_error_detail());
        h->nfill++;
    }
    xsock *probe = NULL;
    rc = xsock_connect(&probe, host, h->port, 150);
    if (rc != XSOCK_ETIMEDOUT) {
        xsock_close(probe);
        xt_hang_close(h);
        xt_skip("a full listen queue does not make connects hang on this OS");
    }
}

void xt_hang_open(xt_hang *h)
{
    xt_hang_open_at(h, "127.0.0.1", 0);
}

void xt_hang_close(xt_hang *h)
{
    for (int i = 0; i < h->nfill; i++) xsock_close(h->fill[i]);
    xsock_close(h->listener);
    memset(h, 0, sizeof *h);
}

void xt_pair(xsock **client, xsock **server)
{
    xsock *l = xt_listener("127.0.0.1", 4);
    int rc = xsock_connect(client, "127.0.0.1", xt_port(l), 2000);
    if (rc != XSOCK_OK) fail_msg("connect: %s", xsock_last_error_detail());
    rc = xsock_accept(l, server, 2000);
    if (rc != XSOCK_OK) fail_msg("accept: %s", xsock_last_error_detail());
    xsock_close(l);
}

static void record(void *user, const xsock_trace_event *ev)
{
    xt_trace *t = user;
    if (t->n < XT_TRACE_MAX) {
        t->calls[t->n] = ev->call;
        t->results[t->n] = ev->result;
        t->errors[t->n] = ev->os_error;
        t->handles[t->n] = ev->handle;
        t->n++;
    }
}

void xt_trace_start(xt_trace *t)
{
    memset(t, 0, sizeof *t);
    xsock_set_trace(record, t);
}

void xt_trace_stop(void)
{
    xsock_set_trace(NULL, NULL);
}

void xt_trace_join(const xt_trace *t, char *buf, size_t len)
{
    size_t pos = 0;
    buf[0] = '\0';
    for (int i = 0; i < t->n && pos < len; i++)
        pos += (size_t)snprintf(buf + pos, len - pos, "%s%s", i ? "," : "", t->calls[i]);
}

typedef struct live_search {
    xsock_native want;
    int seen;
    xt_live *out;
} live_search;

static void copy_live(void *user, const xsock_info *info)
{
    live_search *ls = user;
    if (info->handle != ls->want) return;
    ls->seen = 1;
    xt_live *o = ls->out;
    o->info = *info;
    snprintf(o->kind, sizeof o->kind, "%s", info->kind);
    snprintf(o->local, sizeof o->local, "%s", info->local);
    snprintf(o->peer, sizeof o->peer, "%s", info->peer);
    snprintf(o->site, sizeof o->site, "%s", info->site);
    o->info.kind = o->info.local = o->info.peer = o->info.site = NULL; /* only valid in the call */
}

xt_live xt_live_info(const xsock *s)
{
    xt_live out;
    live_search ls = {xsock_native_handle(s), 0, &out};
    memset(&out, 0, sizeof out);
    xsock_foreach_live(copy_live, &ls);
    assert_true(ls.seen);
    return out;
}

xt_counts xt_counts_now(void)
{
    xt_counts c;
    xsock_stats st;
    xsock_get_stats(&st);
    c.live = st.live;
    c.os = xsock_os_handle_count();
    return c;
}

void xt_assert_counts(xt_counts before)
{
    xt_counts now = xt_counts_now();
    assert_int_equal(now.live, before.live);
    if (before.os >= 0 && now.os >= 0) assert_int_equal(now.os, before.os);
}

int xt_trace_count(const xt_trace *t, const char *call)
{
    int n = 0;
    for (int i = 0; i < t->n; i++) n += strcmp(t->calls[i], call) == 0;
    return n;
}

void xt_wait_for_resolver_threads(int max_ms)
{
    for (int i = 0; i < max_ms / 10 && xsock__resolver_threads() > 0; i++) xt_sleep_ms(10);
    assert_int_equal(xsock__resolver_threads(), 0);
}

void xt_clear_proxy_env(void)
{
    static const char *const names[] = {"SOCKS_PROXY", "socks_proxy", "ALL_PROXY",
                                        "all_proxy", "NO_PROXY", "no_proxy"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) xt_setenv(names[i], NULL);
}
