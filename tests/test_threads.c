/* SPDX-License-Identifier: MIT */
/* Concurrency: 8 threads connecting and closing while one accepts; the
   counts stay exact and nothing is left open. */
#include <stdatomic.h>
#include <string.h>

#include "xtest.h"

enum { THREADS = 8, ROUNDS = 150 };

static xsock *g_listener;
static uint16_t g_port;
static atomic_int g_stop;

static void *connector(void *arg)
{
    intptr_t failures = 0;
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        xsock *c = NULL;
        if (xsock_connect(&c, "127.0.0.1", g_port, 5000) != XSOCK_OK) {
            failures++;
            continue;
        }
        if (xsock_send_all(c, "x", 1, 5000) != XSOCK_OK) failures++;
        xsock_close(c);
    }
    return (void *)failures;
}

static void *acceptor(void *arg)
{
    intptr_t accepted = 0;
    (void)arg;
    for (;;) {
        xsock *a = NULL;
        int rc = xsock_accept(g_listener, &a, 20);
        if (rc != XSOCK_OK) {
            if (atomic_load(&g_stop)) break;
            continue;
        }
        char b;
        xsock_recv(a, &b, 1, 2000);
        xsock_close(a);
        accepted++;
    }
    return (void *)accepted;
}

static void count_info(void *user, const xsock_info *info)
{
    (*(size_t *)user) += info->local[0] != 0 || info->peer[0] != 0;
}

/* Reports run while sockets come and go: the records are complete before
   they are published (TSan saw addresses written after). */
static void *reporter(void *arg)
{
    size_t seen = 0;
    (void)arg;
    /* a pause between reports: a busy loop starves the other threads
       under valgrind, which runs one thread at a time */
    while (!atomic_load(&g_stop)) {
        xsock_foreach_live(count_info, &seen);
        xt_sleep_ms(1);
    }
    return NULL;
}

static void eight_threads_keep_counts_exact(void **state)
{
    (void)state;
    xt_counts before = xt_counts_now();
    xsock_stats s0;
    xsock_get_stats(&s0);
    g_listener = xt_listener("127.0.0.1", 1024);
    g_port = xt_port(g_listener);
    atomic_store(&g_stop, 0);
    xt_thread *acc = xt_thread_start(acceptor, NULL);
    xt_thread *rep = xt_thread_start(reporter, NULL);
    xt_thread *t[THREADS];
    for (int i = 0; i < THREADS; i++) t[i] = xt_thread_start(connector, NULL);
    intptr_t failures = 0;
    for (int i = 0; i < THREADS; i++) failures += (intptr_t)xt_thread_join(t[i]);
    atomic_store(&g_stop, 1);
    xt_thread_join(rep);
    intptr_t accepted = (intptr_t)xt_thread_join(acc);
    xsock_close(g_listener);

    assert_int_equal(failures, 0);
    assert_int_equal(accepted, THREADS * ROUNDS);
    xsock_stats s1;
    xsock_get_stats(&s1);
    assert_int_equal(s1.opened - s0.opened, 1 + 2 * THREADS * ROUNDS);
    assert_int_equal(s1.closed - s0.closed, 1 + 2 * THREADS * ROUNDS);
    assert_int_equal(s1.opened - s1.closed, s1.live);
    assert_true(s1.peak >= 2);
    xt_assert_counts(before);
}

/* The limit holds under contention: never more live than allowed. */
static uint64_t g_limit;
static void *limited_connector(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        xsock *c = NULL;
        int rc = xsock_connect(&c, "127.0.0.1", g_port, 5000);
        if (rc == XSOCK_OK) {
            xsock_stats st;
            xsock_get_stats(&st);
            xsock_close(c);
            if (st.live > g_limit) return (void *)1;
        } else if (rc != XSOCK_ELIMIT) {
            return (void *)1;
        }
    }
    return NULL;
}

static void limit_holds_under_contention(void **state)
{
    (void)state;
    xt_counts before = xt_counts_now();
    g_listener = xt_listener("127.0.0.1", 1024);
    g_port = xt_port(g_listener);
    xsock_stats s0;
    xsock_get_stats(&s0);
    g_limit = s0.live + 3;
    xsock_set_limit(g_limit);
    atomic_store(&g_stop, 0);
    xt_thread *acc = xt_thread_start(acceptor, NULL);
    xt_thread *t[THREADS];
    for (int i = 0; i < THREADS; i++) t[i] = xt_thread_start(limited_connector, NULL);
    intptr_t bad = 0;
    for (int i = 0; i < THREADS; i++) bad += (intptr_t)xt_thread_join(t[i]);
    atomic_store(&g_stop, 1);
    xt_thread_join(acc);
    xsock_set_limit(0);
    xsock_close(g_listener);
    assert_int_equal(bad, 0);
    xt_assert_counts(before);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eight_threads_keep_counts_exact),
        cmocka_unit_test(limit_holds_under_contention),
    };
    return XT_RUN(tests);
}
