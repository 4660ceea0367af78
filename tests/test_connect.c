/* SPDX-License-Identifier: MIT */
/* xsock_connect: success, refusal, timeouts and the OS calls it makes. */
#include <string.h>

#include "xtest.h"

static void connect_succeeds(void **state)
{
    (void)state;
    xt_counts before = xt_counts_now();
    xsock *l = xt_listener("127.0.0.1", 8), *c = NULL;
    char peer[64];
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 2000), XSOCK_OK);
    assert_non_null(c);
    assert_int_equal(xsock_peer_addr(c, peer, sizeof peer), XSOCK_OK);
    char want[64];
    snprintf(want, sizeof want, "127.0.0.1:%u", (unsigned)xt_port(l));
    assert_string_equal(peer, want);
    assert_int_equal(xsock_close(c), XSOCK_OK);
    assert_int_equal(xsock_close(l), XSOCK_OK);
    xt_assert_counts(before);
}

static void refused_port(void **state)
{
    (void)state;
    xt_counts before = xt_counts_now();
    xsock *l = xt_listener("127.0.0.1", 1);
    uint16_t port = xt_port(l);
    xsock_close(l); /* nothing listens there now */
    xsock *c = (xsock *)&c;
    assert_int_equal(xsock_connect(&c, "127.0.0.1", port, 3000), XSOCK_ECONNREFUSED);
    assert_null(c);
    char want[64];
    snprintf(want, sizeof want, "connect 127.0.0.1:%u: connection refused (os ", (unsigned)port);
    assert_non_null(strstr(xsock_last_error_detail(), want));
    assert_int_not_equal(xsock_last_os_error(), 0);
    xt_assert_counts(before);
}

static void times_out_on_a_full_backlog(void **state)
{
    (void)state;
    xt_hang h;
    xt_hang_open(&h);
    xt_counts before = xt_counts_now();
    xsock *c = NULL;
    double t0 = xt_now_ms();
    assert_int_equal(xsock_connect(&c, "127.0.0.1", h.port, 300), XSOCK_ETIMEDOUT);
    double took = xt_now_ms() - t0;
    assert_null(c);
    assert_true(took >= 300.0); /* never early */
    xt_assert_counts(before);
    xt_hang_close(&h);
}

static void timeout_zero_is_eagain_when_pending(void **state)
{
    (void)state;
    xt_hang h;
    xt_hang_open(&h);
    xt_counts before = xt_counts_now();
    xsock *c = NULL;
    assert_int_equal(xsock_connect(&c, "127.0.0.1", h.port, 0), XSOCK_EAGAIN);
    assert_null(c);
    xt_assert_counts(before);
    xt_hang_close(&h);
}

static void timed_connect_makes_five_os_calls(void **state)
{
    (void)state;
    if (xt_is_win32()) skip(); /* the Windows sequence is asserted in test_trace */
    xsock *l = xt_listener("127.0.0.1", 8), *c = NULL;
    xt_trace t;
    char calls[512];
    xsock_stats s0, s1;
    xsock_get_stats(&s0);
    xt_trace_start(&t);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 1000), XSOCK_OK);
    xsock_close(c);
    xt_trace_stop();
    xsock_get_stats(&s1);
    xt_trace_join(&t, calls, sizeof calls);
    assert_string_equal(calls, "socket,connect,poll,getsockopt,close");
    assert_int_equal(s1.os_calls - s0.os_calls, 5);
    xsock_close(l);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(connect_succeeds),
        cmocka_unit_test(refused_port),
        cmocka_unit_test(times_out_on_a_full_backlog),
        cmocka_unit_test(timeout_zero_is_eagain_when_pending),
        cmocka_unit_test(timed_connect_makes_five_os_calls),
    };
    return XT_RUN(tests);
}
