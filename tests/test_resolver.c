/* SPDX-License-Identifier: MIT */
/* Name resolution inside the dial's deadline: a stalled resolver ends the
   dial at the deadline, the abandoned lookup is freed when it returns,
   resolver errors stay distinct, and numeric hosts never resolve. */
#include <stdatomic.h>
#include <string.h>

#include "dial/dial.h"
#include "xtest.h"

static int teardown(void **state)
{
    (void)state;
    xsock__clear_faults();
    return 0;
}

static void stalled_resolver_ends_at_the_deadline(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 4), *c = (xsock *)&c;
    xt_counts before = xt_counts_now();
    assert_int_equal(xsock__inject_delay("resolve", 2000, 0, 1), XSOCK_OK);
    double t0 = xt_now_ms();
    assert_int_equal(xsock_connect(&c, "localhost", xt_port(l), 1000), XSOCK_ETIMEDOUT);
    double took = xt_now_ms() - t0;
    print_message("stalled resolver, timeout 1000: %.1f ms\n", took);
    assert_true(took >= 1000.0 && took <= 1030.0);
    assert_null(c);
    assert_non_null(strstr(xsock_last_error_detail(), "resolve localhost"));
    xt_assert_counts(before);
    /* the abandoned lookup finishes later and frees itself */
    assert_int_equal(xsock__resolver_threads(), 1);
    xt_wait_for_resolver_threads(6000);
    xsock_close(l);
}

static void resolver_errors_cross_the_thread(void **state)
{
    (void)state;
    xsock *c = (xsock *)&c;
    assert_int_equal(xsock__inject_fault("resolve", XSOCK_ENOTFOUND, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_connect(&c, "localhost", 80, 1000), XSOCK_ENOTFOUND);
    assert_int_equal(xsock__inject_fault("resolve", XSOCK_EDNSTEMP, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_connect(&c, "localhost", 80, 1000), XSOCK_EDNSTEMP);
    assert_non_null(strstr(xsock_last_error_detail(), "temporary"));
    assert_null(c);
    xt_wait_for_resolver_threads(6000);
}

static void names_resolve_with_and_without_deadline(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 8), *c = NULL;
    assert_int_equal(xsock_connect(&c, "localhost", xt_port(l), 2000), XSOCK_OK);
    xsock_close(c);
    assert_int_equal(xsock_connect(&c, "localhost", xt_port(l), XSOCK_INFINITE), XSOCK_OK);
    xsock_close(c);
    /* timeout 0: resolved, then one try (loopback completes at once) */
    int rc = xsock_connect(&c, "localhost", xt_port(l), 0);
    assert_true(rc == XSOCK_OK || rc == XSOCK_EAGAIN);
    xsock_close(c);
    xt_wait_for_resolver_threads(6000);
    xsock_close(l);
}

/* A dial to an IP literal costs exactly the plain timed connect. */
static void numeric_dial_needs_no_resolver(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 8), *c = NULL;
    xsock_dialer *d = xsock_dialer_new();
    xsock_dialer_set_timeout(d, 1000);
    xsock_stats s0, s1, s2;
    xsock_get_stats(&s0);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 1000), XSOCK_OK);
    xsock_close(c);
    xsock_get_stats(&s1);
    assert_int_equal(xsock_dial(d, &c, "127.0.0.1", xt_port(l)), XSOCK_OK);
    xsock_close(c);
    xsock_get_stats(&s2);
    print_message("OS calls: timed connect+close %llu, dial+close %llu\n",
                  (unsigned long long)(s1.os_calls - s0.os_calls),
                  (unsigned long long)(s2.os_calls - s1.os_calls));
    assert_int_equal(s2.os_calls - s1.os_calls, s1.os_calls - s0.os_calls);
    assert_int_equal(xsock__resolver_threads(), 0);
    xsock_dialer_free(d);
    xsock_close(l);
}

/* Timeout 0 does not wait for a resolver that has to ask the network. */
static void zero_timeout_does_not_wait_for_the_resolver(void **state)
{
    (void)state;
    xsock *c = (xsock *)&c;
    assert_int_equal(xsock__inject_delay("resolve", 1500, 0, 1), XSOCK_OK);
    double t0 = xt_now_ms();
    assert_int_equal(xsock_connect(&c, "localhost", 80, 0), XSOCK_EAGAIN);
    double took = xt_now_ms() - t0;
    print_message("stalled resolver, timeout 0: %.1f ms\n", took);
    assert_true(took < 100.0);
    assert_null(c);
    xt_wait_for_resolver_threads(6000);
}


static atomic_int g_events_after_cleanup;
static atomic_int g_cleaned_up;
static void count_late(void *user, const xsock_trace_event *ev)
{
    (void)user;
    (void)ev;
    if (atomic_load(&g_cleaned_up)) atomic_fetch_add(&g_events_after_cleanup, 1);
}

/* After the last xsock_cleanup no application callback runs: a resolver
   thread that a dial left behind finishes silently.  Before: its
   getaddrinfo event reached the trace hook ~1 s after cleanup returned. */
static void no_callback_after_the_last_cleanup(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 4), *c = (xsock *)&c;
    uint16_t port = xt_port(l);
    xsock_close(l);
    assert_int_equal(xsock_init(), XSOCK_OK);
    atomic_store(&g_cleaned_up, 0);
    atomic_store(&g_events_after_cleanup, 0);
    xsock_set_trace(count_late, NULL);
    assert_int_equal(xsock__inject_delay("resolve", 1000, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_connect(&c, "localhost", port, 200), XSOCK_ETIMEDOUT);
    assert_int_equal(xsock_cleanup(), 0);
    atomic_store(&g_cleaned_up, 1);
    xt_wait_for_resolver_threads(6000);
    xt_sleep_ms(100);
    print_message("trace events after the last cleanup: %d\n", atomic_load(&g_events_after_cleanup));
    assert_int_equal(atomic_load(&g_events_after_cleanup), 0);
    xsock_set_trace(NULL, NULL);
    /* a new dial after cleanup is the application's own: traced again */
    xt_trace t;
    xt_trace_start(&t);
    assert_int_equal(xsock_connect(&c, "localhost", port, 1000), XSOCK_ECONNREFUSED);
    xt_trace_stop();
    assert_true(t.n > 0);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(stalled_resolver_ends_at_the_deadline, teardown),
        cmocka_unit_test_teardown(resolver_errors_cross_the_thread, teardown),
        cmocka_unit_test_teardown(names_resolve_with_and_without_deadline, teardown),
        cmocka_unit_test_teardown(numeric_dial_needs_no_resolver, teardown),
        cmocka_unit_test_teardown(zero_timeout_does_not_wait_for_the_resolver, teardown),
        cmocka_unit_test_teardown(no_callback_after_the_last_cleanup, teardown),
    };
    return XT_RUN(tests);
}
