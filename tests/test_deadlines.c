/* SPDX-License-Identifier: MIT */
/* XSOCK_ETIMEDOUT means the caller's deadline and nothing else: an OS that
   gives up first is retried or reported as what it is, interruptions
   never stretch a call, and no internal code ever reaches the caller.
   Faults the loopback cannot produce on demand (the OS abandoning a SYN,
   a keepalive declaring a connection dead, signals) are injected through
   the syscall table; netns_field.c produces the first two for real. */
#include <string.h>

#include "xtest.h"

static int teardown(void **state)
{
    (void)state;
    xsock__clear_faults();
    return 0;
}

static const char *socket_call(void)
{
    return xt_is_win32() ? "WSASocketW" : "socket";
}

/* The OS gave up on a SYN (SO_ERROR = ETIMEDOUT) twice while the deadline
   had time: the same address is tried again on a new socket, and the third
   try connects.  Before: XSOCK_ETIMEDOUT at once, os 110. */
static void os_give_up_is_retried_while_time_is_left(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 8), *c = NULL;
    xt_counts before = xt_counts_now();
    xt_trace t;
    assert_int_equal(xsock__inject_fault("connect_result", XSOCK_ETIMEDOUT, 0, 2), XSOCK_OK);
    xt_trace_start(&t);
    int rc = xsock_connect(&c, "127.0.0.1", xt_port(l), 5000);
    xt_trace_stop();
    assert_int_equal(rc, XSOCK_OK);
    assert_int_equal(xt_trace_count(&t, socket_call()), 3);
    xsock_close(c);
    xt_assert_counts(before);

    /* the same through a dialer with happy eyeballs off */
    xsock_dialer *d = xsock_dialer_new();
    xsock_dialer_set_timeout(d, 5000);
    xsock_dialer_set_happy_eyeballs(d, 0);
    assert_int_equal(xsock__inject_fault("connect_result", XSOCK_ETIMEDOUT, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_dial(d, &c, "127.0.0.1", xt_port(l)), XSOCK_OK);
    xsock_close(c);
    xsock_dialer_free(d);
    xsock_close(l);
}

/* When the OS gives up exactly as the deadline passes, the call's own
   deadline is what is reported: XSOCK_ETIMEDOUT, never before it. */
static void os_give_up_at_the_deadline_is_a_timeout(void **state)
{
    (void)state;
    xt_hang h;
    xt_hang_open(&h);
    xsock *c = (xsock *)&c;
    double t0 = xt_now_ms();
    assert_int_equal(xsock_connect(&c, "127.0.0.1", h.port, 400), XSOCK_ETIMEDOUT);
    double took = xt_now_ms() - t0;
    assert_null(c);
    assert_true(took >= 400.0);
    assert_int_equal(xsock_last_os_error(), 0);
    xt_hang_close(&h);
}

/* A connection the OS declared dead (keepalive or retransmission timeout:
   ETIMEDOUT from recv/send) is XSOCK_ECONNABORTED with the OS code, and
   stays so: never a harmless-looking timeout, never a later EOF. */
static void dead_connection_is_aborted_and_stays_dead(void **state)
{
    (void)state;
    xsock *c, *a;
    char buf[8];
    xt_pair(&c, &a);
    assert_int_equal(xsock__inject_fault("recv", XSOCK_ETIMEDOUT, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_recv(c, buf, sizeof buf, 2000), XSOCK_ECONNABORTED);
    int os = xsock_last_os_error();
    assert_int_not_equal(os, 0);
    print_message("dead connection: %s\n", xsock_last_error_detail());
    /* the fault is spent, and the peer even sends and closes: still dead */
    assert_int_equal(xsock_send_all(a, "late", 4, 1000), XSOCK_OK);
    xsock_close(a);
    assert_int_equal(xsock_recv(c, buf, sizeof buf, 1000), XSOCK_ECONNABORTED);
    assert_int_equal(xsock_last_os_error(), os);
    assert_int_equal(xsock_send(c, "x", 1, 1000), XSOCK_ECONNABORTED);
    assert_int_equal(xsock_recv_all(c, buf, 1, 1000), XSOCK_ECONNABORTED);
    xsock_close(c);

    /* the same from send, and for an OS that says "aborted" (WSAECONNABORTED) */
    xt_pair(&c, &a);
    assert_int_equal(xsock__inject_fault("send", XSOCK_ECONNABORTED, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_send(c, "x", 1, 1000), XSOCK_ECONNABORTED);
    assert_int_equal(xsock_recv(c, buf, 1, 0), XSOCK_ECONNABORTED);
    xsock_close(c);
    xsock_close(a);
}

/* A wait interrupted without end (a signal storm) still ends at the
   deadline, for every call that waits.  Before: connect, recv, accept and
   poll with 300 ms ran past 5 s. */
static void endless_interruptions_end_at_the_deadline(void **state)
{
    (void)state;
    xt_hang h;
    xt_hang_open(&h);
    xsock *c, *a, *l = xt_listener("127.0.0.1", 4), *x = (xsock *)&x;
    char buf[4];
    xt_pair(&c, &a);
    const unsigned forever = 100000000u;

    assert_int_equal(xsock__inject_fault("wait", XSOCK__EINTR, 0, forever), XSOCK_OK);
    double t0 = xt_now_ms();
    assert_int_equal(xsock_connect(&x, "127.0.0.1", h.port, 300), XSOCK_ETIMEDOUT);
    double t_connect = xt_now_ms() - t0;
    t0 = xt_now_ms();
    assert_int_equal(xsock_recv(c, buf, sizeof buf, 300), XSOCK_ETIMEDOUT);
    double t_recv = xt_now_ms() - t0;
    t0 = xt_now_ms();
    assert_int_equal(xsock_accept(l, &x, 300), XSOCK_ETIMEDOUT);
    double t_accept = xt_now_ms() - t0;
    xsock_pollfd p = {c, XSOCK_POLLIN, 0};
    t0 = xt_now_ms();
    assert_int_equal(xsock_poll(&p, 1, 300), 0);
    double t_poll = xt_now_ms() - t0;
    xsock__clear_faults();
    print_message("300 ms under endless EINTR: connect %.0f, recv %.0f, accept %.0f, poll %.0f ms\n",
                  t_connect, t_recv, t_accept, t_poll);
    double t[4] = {t_connect, t_recv, t_accept, t_poll};
    for (int i = 0; i < 4; i++) {
        assert_true(t[i] >= 300.0);
        assert_true(t[i] < 1500.0);
    }
    xsock_close(c);
    xsock_close(a);
    xsock_close(l);
    xt_hang_close(&h);
}

/* socket, bind, listen, setsockopt and getaddrinfo interrupted: tried
   again, so the call succeeds, and -1002 never comes back.  Before:
   XSOCK__EINTR (-1002) from connect, dial and listen. */
static void interrupted_calls_are_made_again(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 8), *c = NULL, *m = NULL;
    assert_int_equal(xsock__inject_fault("socket", XSOCK__EINTR, 0, 2), XSOCK_OK);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 2000), XSOCK_OK);
    xsock_close(c);

    xsock_dialer *d = xsock_dialer_new();
    xsock_dialer_set_timeout(d, 2000);
    xsock_dialer_set_local(d, "127.0.0.1", 0);
    assert_int_equal(xsock__inject_fault("bind", XSOCK__EINTR, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_dial(d, &c, "127.0.0.1", xt_port(l)), XSOCK_OK);
    xsock_close(c);
    xsock_dialer_free(d);

    assert_int_equal(xsock__inject_fault("listen", XSOCK__EINTR, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_listen(&m, "127.0.0.1", 0, 4), XSOCK_OK);
    xsock_close(m);
    assert_int_equal(xsock__inject_fault("setsockopt", XSOCK__EINTR, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_listen(&m, "127.0.0.1", 0, 4), XSOCK_OK);
    xsock_close(m);

    /* the resolver, on the calling thread (timeout -1) and on its own */
    assert_int_equal(xsock__inject_fault("resolve", XSOCK__EINTR, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_connect(&c, "localhost", xt_port(l), XSOCK_INFINITE), XSOCK_OK);
    xsock_close(c);
    assert_int_equal(xsock__inject_fault("resolve", XSOCK__EINTR, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_connect(&c, "localhost", xt_port(l), 2000), XSOCK_OK);
    xsock_close(c);
    xsock_close(l);
}

/* No internal code, whatever fails: an interrupted wait on a dial of two
   addresses where one times out is ranked as nothing, the timeout wins. */
static void no_internal_code_escapes(void **state)
{
    (void)state;
    xt_hang h;
    xt_hang_open(&h);
    xsock *c = (xsock *)&c;
    assert_int_equal(xsock__inject_fault("wait", XSOCK__EINTR, 0, 5), XSOCK_OK);
    int rc = xsock_connect(&c, "127.0.0.1", h.port, 300);
    assert_int_equal(rc, XSOCK_ETIMEDOUT);
    xsock__clear_faults();
    /* a persisting interrupted connect: in progress, then the real outcome */
    xsock *l = xt_listener("127.0.0.1", 4);
    assert_int_equal(xsock__inject_fault("connect", XSOCK__EINTR, 0, 1), XSOCK_OK);
    rc = xsock_connect(&c, "127.0.0.1", xt_port(l), 2000);
    assert_true(rc > -1000);
    assert_int_equal(rc, XSOCK_OK);
    xsock_close(c);
    xsock_close(l);
    xt_hang_close(&h);
}

/* An interrupted connect was made: the connection is real.  Before: the
   stub never called connect, so the library returned XSOCK_OK for a
   socket that was never connected (its first recv failed). */
static void interrupted_connect_really_connects(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 4), *c = NULL, *a = NULL;
    char buf[5], peer[64], want[64];
    assert_int_equal(xsock__inject_fault("connect", XSOCK__EINTR, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 2000), XSOCK_OK);
    assert_int_equal(xsock_accept(l, &a, 2000), XSOCK_OK);
    assert_int_equal(xsock_send_all(c, "hello", 5, 1000), XSOCK_OK);
    assert_int_equal(xsock_recv_all(a, buf, 5, 1000), XSOCK_OK);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(xsock_peer_addr(c, peer, sizeof peer), XSOCK_OK);
    snprintf(want, sizeof want, "127.0.0.1:%u", (unsigned)xt_port(l));
    assert_string_equal(peer, want);
    xsock_close(a);
    xsock_close(c);
    xsock_close(l);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(os_give_up_is_retried_while_time_is_left, teardown),
        cmocka_unit_test_teardown(os_give_up_at_the_deadline_is_a_timeout, teardown),
        cmocka_unit_test_teardown(dead_connection_is_aborted_and_stays_dead, teardown),
        cmocka_unit_test_teardown(endless_interruptions_end_at_the_deadline, teardown),
        cmocka_unit_test_teardown(interrupted_calls_are_made_again, teardown),
        cmocka_unit_test_teardown(no_internal_code_escapes, teardown),
        cmocka_unit_test_teardown(interrupted_connect_really_connects, teardown),
    };
    return XT_RUN(tests);
}
