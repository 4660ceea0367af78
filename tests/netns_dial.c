/* SPDX-License-Identifier: MIT */
/* Dialing names end to end through the real resolver, inside a network
   namespace the test made itself (tests/netns/run.sh): dual.test is ::1
   then 127.0.0.1 in the namespace's own hosts file, and any other name goes to a DNS server on 127.0.0.1:53 that
   never answers. */
#include <stdlib.h>
#include <string.h>

#include "dial/dial.h"
#include "xtest.h"

/* A working listener on 127.0.0.1:P and a hanging one on [::1]:P. */
static xsock *working_v4_and_hanging_v6(xt_hang *h)
{
    xsock *ok = xt_listener("127.0.0.1", 8);
    xt_hang_open_at(h, "::1", xt_port(ok));
    return ok;
}

static void hanging_v6_then_working_v4(void **state)
{
    (void)state;
    xt_hang h;
    xsock *ok = working_v4_and_hanging_v6(&h), *c = NULL;
    xt_counts before = xt_counts_now();
    xsock_dialer *d = xsock_dialer_new();
    xsock_dialer_set_timeout(d, 5000);
    xsock_dialer_set_happy_eyeballs(d, 250);
    double t0 = xt_now_ms();
    assert_int_equal(xsock_dial(d, &c, "dual.test", h.port), XSOCK_OK);
    double took = xt_now_ms() - t0;
    print_message("dual.test, [::1] hangs, 127.0.0.1 works, timeout 5000, delay 250: %.1f ms\n", took);
    assert_true(took >= 250.0 && took < 450.0);
    char peer[64];
    xsock_peer_addr(c, peer, sizeof peer);
    assert_non_null(strstr(peer, "127.0.0.1:"));
    assert_int_equal(xt_counts_now().live, before.live + 1);
    xsock_close(c);
    xsock_dialer_free(d);
    xt_wait_for_resolver_threads(1000);
    xt_hang_close(&h);
    xsock_close(ok);
}

static void every_address_refuses(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 1), *c = (xsock *)&c;
    uint16_t port = xt_port(l);
    xsock_close(l);
    double t0 = xt_now_ms();
    assert_int_equal(xsock_connect(&c, "dual.test", port, 5000), XSOCK_ECONNREFUSED);
    assert_true(xt_now_ms() - t0 < 100.0);
    const char *detail = xsock_last_error_detail();
    print_message("detail: %s\n", detail);
    assert_non_null(strstr(detail, "[::1]:"));
    assert_non_null(strstr(detail, "127.0.0.1:"));
    xt_wait_for_resolver_threads(1000);
}

static void stalled_dns_ends_at_the_deadline(void **state)
{
    (void)state;
    xsock *c = (xsock *)&c;
    xt_counts before = xt_counts_now();
    double t0 = xt_now_ms();
    assert_int_equal(xsock_connect(&c, "nowhere.test", 80, 1000), XSOCK_ETIMEDOUT);
    double took = xt_now_ms() - t0;
    print_message("stalled DNS server, timeout 1000: %.1f ms\n", took);
    assert_true(took >= 1000.0 && took <= 1030.0);
    assert_null(c);
    assert_int_equal(xt_counts_now().live, before.live);
    /* the abandoned getaddrinfo gives up on its own (timeout:3, well after
       the dial's deadline, so the two never race) and is
       freed; its resolver socket is gone with it */
    xt_wait_for_resolver_threads(15000);
    xt_assert_counts(before);
}

static void timeout_is_not_multiplied_by_addresses(void **state)
{
    (void)state;
    xt_hang h4, h6;
    xt_hang_open_at(&h4, "127.0.0.1", 0);
    xt_hang_open_at(&h6, "::1", h4.port);
    xsock_dialer *d = xsock_dialer_new();
    xsock_dialer_set_timeout(d, 600);
    for (int delay = 0; delay <= 250; delay += 250) {
        xsock *c = (xsock *)&c;
        xsock_dialer_set_happy_eyeballs(d, delay);
        double t0 = xt_now_ms();
        assert_int_equal(xsock_dial(d, &c, "dual.test", h4.port), XSOCK_ETIMEDOUT);
        double took = xt_now_ms() - t0;
        print_message("dual.test, both hang, delay %d, timeout 600: %.1f ms\n", delay, took);
        assert_true(took >= 600.0 && took < 700.0);
    }
    xsock_dialer_free(d);
    xt_wait_for_resolver_threads(1000);
    xt_hang_close(&h6);
    xt_hang_close(&h4);
}

static void family_restriction_picks_the_address(void **state)
{
    (void)state;
    xsock *l4 = xt_listener("127.0.0.1", 8), *c = NULL;
    xsock_dialer *d = xsock_dialer_new();
    xsock_dialer_set_timeout(d, 2000);
    xsock_dialer_set_family(d, XSOCK_AF_INET);
    assert_int_equal(xsock_dial(d, &c, "dual.test", xt_port(l4)), XSOCK_OK);
    xsock_close(c);
    /* IPv6 only: [::1] refuses (nothing listens there), 127.0.0.1 is never tried */
    xsock_dialer_set_family(d, XSOCK_AF_INET6);
    assert_int_equal(xsock_dial(d, &c, "dual.test", xt_port(l4)), XSOCK_ECONNREFUSED);
    assert_non_null(strstr(xsock_last_error_detail(), "[::1]:"));
    assert_null(strstr(xsock_last_error_detail(), "127.0.0.1"));
    xsock_dialer_free(d);
    xt_wait_for_resolver_threads(3000);
    xsock_close(l4);
}

int main(void)
{
    xt_crash_guard();
    if (!getenv("XTEST_NETNS")) xt_skip("needs tests/netns/run.sh (its own network namespace)");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hanging_v6_then_working_v4),
        cmocka_unit_test(every_address_refuses),
        cmocka_unit_test(stalled_dns_ends_at_the_deadline),
        cmocka_unit_test(timeout_is_not_multiplied_by_addresses),
        cmocka_unit_test(family_restriction_picks_the_address),
    };
    return XT_RUN(tests);
}
