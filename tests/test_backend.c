/* SPDX-License-Identifier: MIT */
/* Below the API: what the backend does with the OS, checked wherever the
   OS lets a test see it.  No socket is inheritable by a child process;
   a refused loopback connect fails at once; and on Windows a connect is
   waited on with select and an except set (WSAPoll misses failed connects
   before Windows 10 2004), while every other wait is a WSAPoll whose
   events Windows accepts (Wine accepts anything, so only this catches it). */
#include "xbackend.h"

static void sockets_are_not_inheritable(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 4), *c = NULL, *a = NULL;
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 2000), XSOCK_OK);
    assert_int_equal(xsock_accept(l, &a, 2000), XSOCK_OK);
    /* accept() does not copy the listener's flag on Windows: the backend
       clears it on every accepted socket */
    assert_int_equal(xt_native_inheritable(xsock_native_handle(l)), 0);
    assert_int_equal(xt_native_inheritable(xsock_native_handle(c)), 0);
    assert_int_equal(xt_native_inheritable(xsock_native_handle(a)), 0);
    xsock_close(a);
    xsock_close(c);
    xsock_close(l);
    xsock *l6 = NULL;
    if (xsock_listen(&l6, "::1", 0, 4) != XSOCK_OK) return; /* no IPv6 here */
    assert_int_equal(xsock_connect(&c, "::1", xt_port(l6), 2000), XSOCK_OK);
    assert_int_equal(xt_native_inheritable(xsock_native_handle(c)), 0);
    xsock_close(c);
    xsock_close(l6);
}

/* Windows retransmits the SYN after a loopback RST (about 2 s) unless the
   socket says otherwise (SIO_TCP_INITIAL_RTO); Linux and Wine refuse at
   once.  A refusal must never cost seconds. */
static void refused_loopback_connect_is_fast(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 1), *c = NULL;
    uint16_t port = xt_port(l);
    xsock_close(l);
    double t0 = xt_now_ms();
    assert_int_equal(xsock_connect(&c, "127.0.0.1", port, 5000), XSOCK_ECONNREFUSED);
    double took = xt_now_ms() - t0;
    print_message("refused loopback connect: %.1f ms\n", took);
    assert_true(took < 1000.0);
}

static void connects_wait_in_select_with_an_except_set(void **state)
{
    (void)state;
    if (!xt_waits_watch()) skip(); /* POSIX: poll(2) reports a failed connect */
    xsock *l = xt_listener("127.0.0.1", 4), *c = NULL;
    uint16_t port = xt_port(l);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", port, 2000), XSOCK_OK);
    xsock_close(c);
    xsock_close(l);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", port, 2000), XSOCK_ECONNREFUSED);
    xt_waits w = xt_waits_stop();
    print_message("connect waits: %d select (%d with except set), %d WSAPoll\n", w.selects,
                  w.selects_with_except, w.polls);
    assert_int_equal(w.polls, 0);
    assert_true(w.selects >= 2);
    assert_int_equal(w.selects_with_except, w.selects);
}

static void other_waits_use_valid_wsapoll_events(void **state)
{
    (void)state;
    static char block[65536];
    char buf[8];
    if (!xt_waits_watch()) skip(); /* POSIX: poll(2) takes any events */
    xsock *l = xt_listener("127.0.0.1", 4), *c = NULL, *a = NULL, *none = (xsock *)&none;
    assert_int_equal(xsock_accept(l, &none, 20), XSOCK_ETIMEDOUT); /* waits for IN */
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 2000), XSOCK_OK);
    assert_int_equal(xsock_accept(l, &a, 2000), XSOCK_OK);
    assert_int_equal(xsock_recv(c, buf, sizeof buf, 20), XSOCK_ETIMEDOUT);
    ptrdiff_t n;
    while ((n = xsock_send(c, block, sizeof block, 0)) > 0) {
    }
    assert_int_equal(n, XSOCK_EAGAIN);
    assert_int_equal(xsock_send(c, block, sizeof block, 20), XSOCK_ETIMEDOUT); /* OUT */
    xsock_pollfd p[2] = {{a, XSOCK_POLLIN | XSOCK_POLLOUT | XSOCK_POLLERR | XSOCK_POLLHUP, 0},
                         {c, XSOCK_POLLIN | XSOCK_POLLOUT, 0}};
    assert_true(xsock_poll(p, 2, 100) >= 1);
    assert_true(p[0].revents & XSOCK_POLLIN);
    xt_waits w = xt_waits_stop();
    print_message("waits: %d WSAPoll (bad events 0x%x), %d select\n", w.polls, w.bad_poll_events,
                  w.selects);
    assert_true(w.polls >= 4);
    assert_int_equal(w.bad_poll_events, 0);
    xsock_close(a);
    xsock_close(c);
    xsock_close(l);
}

/* A peer's FIN: POSIX poll reports POLLIN, Windows POLLHUP without
   POLLRDNORM; the backend reports POLLIN on both, and recv gives 0. */
static void peer_close_polls_readable(void **state)
{
    (void)state;
    xsock *c, *a;
    char buf[4];
    xt_pair(&c, &a);
    assert_int_equal(xsock_shutdown(a, XSOCK_SHUT_WR), XSOCK_OK);
    xsock_pollfd p = {c, XSOCK_POLLIN, 0};
    assert_int_equal(xsock_poll(&p, 1, 2000), 1);
    assert_true(p.revents & XSOCK_POLLIN);
    assert_int_equal(xsock_recv(c, buf, sizeof buf, 0), 0);
    xsock_close(c);
    xsock_close(a);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sockets_are_not_inheritable),
        cmocka_unit_test(refused_loopback_connect_is_fast),
        cmocka_unit_test(connects_wait_in_select_with_an_except_set),
        cmocka_unit_test(other_waits_use_valid_wsapoll_events),
        cmocka_unit_test(peer_close_polls_readable),
    };
    return XT_RUN(tests);
}
