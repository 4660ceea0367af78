/* SPDX-License-Identifier: MIT */
/* Below the API: what the backend does with the OS, checked wherever the
   OS lets a test see it.  No socket is inheritable by a child process;
   a refused loopback connect fails at once; and on Windows a connect is
   waited on with select and an except set (WSAPoll misses failed connects
   before Windows 10 2004), while every other wait is a WSAPoll whose
   events Windows accepts (Wine accepts anything, so only this catches it). */
#include <string.h>

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

static int count_calls(const xt_trace *t, const char *name)
{
    int n = 0;
    for (int i = 0; i < t->n; i++) n += strcmp(t->calls[i], name) == 0;
    return n;
}

/* Windows 8+ takes SIO_TCP_INITIAL_RTO (no SYN retransmissions for a
   loopback target); older Windows and Wine refuse it (Wine: WSAEOPNOTSUPP,
   10045).  A refusal is remembered for the process: a later loopback
   connect + close is 6 OS calls (WSASocketW, ioctlsocket, connect, select,
   getsockopt, closesocket), as raw Winsock's, not 7. */
static void refused_initial_rto_is_asked_once(void **state)
{
    (void)state;
    if (!xt_is_win32()) skip(); /* POSIX: no such call */
    xsock *l = xt_listener("127.0.0.1", 8), *c = NULL;
    xt_trace t[2];
    char calls[1024];
    for (int i = 0; i < 2; i++) {
        xt_trace_start(&t[i]);
        assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 2000), XSOCK_OK);
        xsock_close(c);
        xt_trace_stop();
        xt_trace_join(&t[i], calls, sizeof calls);
        print_message("connect + close #%d: %d calls: %s\n", i + 1, t[i].n, calls);
    }
    int ioctl_refused = 0;
    for (int i = 0; i < t[0].n; i++)
        if (strcmp(t[0].calls[i], "WSAIoctl") == 0 && t[0].results[i] != 0) {
            print_message("SIO_TCP_INITIAL_RTO refused: os %d\n", t[0].errors[i]);
            ioctl_refused = 1;
        }
    if (ioctl_refused || count_calls(&t[0], "WSAIoctl") == 0) {
        /* refused now or by an earlier connect of this process: never again */
        assert_int_equal(count_calls(&t[1], "WSAIoctl"), 0);
        assert_int_equal(t[1].n, 6);
    } else {
        /* accepted (Windows 8+): asked on every loopback connect */
        assert_int_equal(count_calls(&t[1], "WSAIoctl"), 1);
        assert_int_equal(t[1].n, 7);
    }
    xsock_close(l);
}

/* WSAEACCES outside bind is a refusal by permission (a firewall, a
   broadcast address), not "address in use": XSOCK_EOS with the OS code. */
static void access_denied_is_no_address_in_use(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 8), *c = NULL;
    if (!xt_os_fail("connect", 10013 /* WSAEACCES */, -1)) {
        xsock_close(l);
        skip();
    }
    int rc = xsock_connect(&c, "127.0.0.1", xt_port(l), 2000);
    xt_os_fail_stop();
    print_message("connect refused with WSAEACCES: %s (os %d): %s\n", xsock_errname(rc),
                  xsock_last_os_error(), xsock_last_error_detail());
    assert_int_equal(rc, XSOCK_EOS);
    assert_int_equal(xsock_last_os_error(), 10013);
    assert_null(c);
    xsock_close(l);
}

/* A port someone holds is XSOCK_EADDRINUSE, whatever code the OS uses for
   it (Windows refuses some exclusive-use conflicts with WSAEACCES). */
static void busy_port_is_address_in_use(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 8), *l2 = NULL, *any = NULL;
    uint16_t port = xt_port(l);
    int rc = xsock_listen(&l2, "127.0.0.1", port, 8);
    print_message("listen on a listening port: %s (os %d)\n", xsock_errname(rc),
                  xsock_last_os_error());
    assert_int_equal(rc, XSOCK_EADDRINUSE);
    assert_null(l2);
    xsock_close(l);
    /* all interfaces first, then one address of the same port */
    if (xsock_listen(&any, "0.0.0.0", 0, 8) == XSOCK_OK) {
        port = xt_port(any);
        rc = xsock_listen(&l2, "127.0.0.1", port, 8);
        print_message("listen 127.0.0.1 on a port held on 0.0.0.0: %s (os %d)\n",
                      xsock_errname(rc), xsock_last_os_error());
        if (xt_is_win32()) assert_int_equal(rc, XSOCK_EADDRINUSE); /* Linux: EADDRINUSE too, */
        else assert_true(rc == XSOCK_EADDRINUSE || rc == XSOCK_OK); /* or OK with reuse */
        xsock_close(l2);
        xsock_close(any);
    }
}

/* The codes of a dead established connection (the core makes them a
   sticky XSOCK_ECONNABORTED on send/recv), and "a blocking call is in
   progress", which is no internal in-progress code on send/recv. */
static void dead_connection_and_busy_codes(void **state)
{
    (void)state;
    if (!xt_is_win32()) skip();
    assert_int_equal(xsock_os_map_error(10060 /* WSAETIMEDOUT */), XSOCK_ETIMEDOUT);
    assert_int_equal(xsock_os_map_error(10053 /* WSAECONNABORTED */), XSOCK_ECONNABORTED);
    assert_int_equal(xsock_os_map_error(10036 /* WSAEINPROGRESS */), XSOCK_EAGAIN);

    xsock *c, *a;
    char buf[4];
    xt_pair(&c, &a);
    ptrdiff_t n;
    /* recv that keeps failing with WSAEINPROGRESS: not ready */
    assert_true(xt_os_fail("recv", 10036, -1));
    n = xsock_recv(c, buf, sizeof buf, 0);
    print_message("recv with WSAEINPROGRESS, timeout 0: %s\n", xsock_errname((int)n));
    assert_int_equal(n, XSOCK_EAGAIN);
    n = xsock_recv(c, buf, sizeof buf, 50);
    print_message("recv with WSAEINPROGRESS, timeout 50: %s\n", xsock_errname((int)n));
    assert_int_equal(n, XSOCK_ETIMEDOUT);
    xt_os_fail_stop();
    /* a send that meets it once waits for writable and sends (a send that
       kept failing on a writable socket would spin: the core retries while
       the wait says ready) */
    assert_true(xt_os_fail("send", 10036, 1));
    n = xsock_send(c, "x", 1, 0);
    print_message("send with WSAEINPROGRESS once, timeout 0: %d\n", (int)n);
    assert_int_equal(n, 1);
    xt_os_fail_stop();
    /* an established connection that the OS declared dead */
    assert_true(xt_os_fail("recv", 10060, -1));
    n = xsock_recv(c, buf, sizeof buf, 1000);
    xt_os_fail_stop();
    print_message("recv with WSAETIMEDOUT: %s (os %d)\n", xsock_errname((int)n),
                  xsock_last_os_error());
    /* XSOCK_ECONNABORTED with the OS code (DESIGN.md), sticky */
    assert_int_equal(n, XSOCK_ECONNABORTED);
    assert_int_equal(xsock_last_os_error(), 10060);
    assert_int_equal(xsock_recv(c, buf, sizeof buf, 0), XSOCK_ECONNABORTED);
    xsock_close(c);
    xsock_close(a);
    xt_pair(&c, &a);
    assert_true(xt_os_fail("send", 10053, -1));
    n = xsock_send(c, "x", 1, 1000);
    xt_os_fail_stop();
    print_message("send with WSAECONNABORTED: %s (os %d)\n", xsock_errname((int)n),
                  xsock_last_os_error());
    assert_int_equal(n, XSOCK_ECONNABORTED);
    assert_int_equal(xsock_last_os_error(), 10053);
    xsock_close(c);
    xsock_close(a);
}

/* An event loop lends its nonblocking socket and must get it back so.
   POSIX can read the mode at adopt; Winsock cannot, so there xsock_release
   gives an adopted socket back blocking, and xsock_release_ex names the
   mode on every OS. */
static void release_gives_the_mode_back(void **state)
{
    (void)state;
    xsock *c, *a, *s = NULL;
    xt_pair(&c, &a);
    xsock_native h = xsock_release(c); /* made by the library: nonblocking */
    assert_true(h != XSOCK_INVALID_NATIVE);
    assert_int_equal(xt_native_nonblocking(h), 1);

    assert_int_equal(xsock_adopt(&s, h), XSOCK_OK);
    assert_true(xsock_release_ex(s, 1) == h);
    assert_int_equal(xt_native_nonblocking(h), 1);

    assert_int_equal(xsock_adopt(&s, h), XSOCK_OK);
    assert_true(xsock_release(s) == h);
    int mode = xt_native_nonblocking(h);
    print_message("adopted nonblocking, xsock_release: %s\n", mode ? "nonblocking" : "blocking");
    assert_int_equal(mode, xt_is_win32() ? 0 : 1); /* Windows cannot tell */

    xt_native_set_nonblocking(h, 0);
    assert_int_equal(xsock_adopt(&s, h), XSOCK_OK);
    assert_true(xsock_release(s) == h);
    assert_int_equal(xt_native_nonblocking(h), 0);
    assert_int_equal(xsock_adopt(&s, h), XSOCK_OK);
    assert_true(xsock_release_ex(s, 0) == h);
    assert_int_equal(xt_native_nonblocking(h), 0);
    assert_int_equal(xsock_adopt(&s, h), XSOCK_OK);
    assert_true(xsock_release_ex(s, 1) == h);
    assert_int_equal(xt_native_nonblocking(h), 1);

    assert_true(xsock_release_ex(NULL, 1) == XSOCK_INVALID_NATIVE);
    assert_int_equal(xsock_adopt(&s, h), XSOCK_OK);
    xsock_close(s);
    xsock_close(a);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        /* first: the process's first loopback connect asks, under Wine */
        cmocka_unit_test(refused_initial_rto_is_asked_once),
        cmocka_unit_test(sockets_are_not_inheritable),
        cmocka_unit_test(refused_loopback_connect_is_fast),
        cmocka_unit_test(connects_wait_in_select_with_an_except_set),
        cmocka_unit_test(other_waits_use_valid_wsapoll_events),
        cmocka_unit_test(peer_close_polls_readable),
        cmocka_unit_test(access_denied_is_no_address_in_use),
        cmocka_unit_test(busy_port_is_address_in_use),
        cmocka_unit_test(dead_connection_and_busy_codes),
        cmocka_unit_test(release_gives_the_mode_back),
    };
    return XT_RUN(tests);
}
