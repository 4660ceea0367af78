/* SPDX-License-Identifier: MIT */
/* The dialer's options: timeout, family, local address, happy eyeballs. */
#include <string.h>

#include "xtest.h"

static void dial_with_timeout(void **state)
{
    (void)state;
    xt_hang h;
    xt_hang_open(&h);
    xsock_dialer *d = xsock_dialer_new();
    xsock *c = (xsock *)&c;
    assert_int_equal(xsock_dialer_set_timeout(d, 250), XSOCK_OK);
    double t0 = xt_now_ms();
    assert_int_equal(xsock_dial(d, &c, "127.0.0.1", h.port), XSOCK_ETIMEDOUT);
    double took = xt_now_ms() - t0;
    assert_null(c);
    assert_true(took >= 250.0 && took < 750.0);
    assert_int_equal(xsock_dialer_set_timeout(d, 0), XSOCK_OK);
    assert_int_equal(xsock_dial(d, &c, "127.0.0.1", h.port), XSOCK_EAGAIN);
    xsock_dialer_free(d);
    xt_hang_close(&h);
}

static void family_restricts_addresses(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 4), *c = (xsock *)&c;
    xsock_dialer *d = xsock_dialer_new();
    xt_counts before = xt_counts_now();
    assert_int_equal(xsock_dialer_set_family(d, XSOCK_AF_INET6), XSOCK_OK);
    assert_int_equal(xsock_dial(d, &c, "127.0.0.1", xt_port(l)), XSOCK_EAFNOSUPPORT);
    assert_null(c);
    xt_assert_counts(before);
    assert_int_equal(xsock_dialer_set_family(d, XSOCK_AF_INET), XSOCK_OK);
    assert_int_equal(xsock_dial(d, &c, "127.0.0.1", xt_port(l)), XSOCK_OK);
    xsock_close(c);
    assert_int_equal(xsock_dial(d, &c, "localhost", xt_port(l)), XSOCK_OK);
    xsock_close(c);
    xsock_dialer_free(d);
    xsock_close(l);
}

static void local_address_is_bound(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 4), *c = NULL, *c2 = (xsock *)&c2;
    xsock *spare = xt_listener("127.0.0.1", 1);
    uint16_t local_port = xt_port(spare);
    xsock_close(spare); /* a port that is free now */
    xsock_dialer *d = xsock_dialer_new();
    assert_int_equal(xsock_dialer_set_local(d, "127.0.0.1", local_port), XSOCK_OK);
    assert_int_equal(xsock_dial(d, &c, "127.0.0.1", xt_port(l)), XSOCK_OK);
    char addr[64], want[64];
    assert_int_equal(xsock_local_addr(c, addr, sizeof addr), XSOCK_OK);
    snprintf(want, sizeof want, "127.0.0.1:%u", (unsigned)local_port);
    assert_string_equal(addr, want);
    /* the same local port again, while the first connection holds it */
    xt_counts before = xt_counts_now();
    assert_int_equal(xsock_dial(d, &c2, "127.0.0.1", xt_port(l)), XSOCK_EADDRINUSE);
    assert_null(c2);
    xt_assert_counts(before);
    xsock_close(c);
    xsock_dialer_free(d);
    xsock_close(l);
}

static void local_port_only_and_family_mismatch(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 4), *c = NULL;
    xsock_dialer *d = xsock_dialer_new();
    assert_int_equal(xsock_dialer_set_local(d, NULL, 0), XSOCK_OK);
    assert_int_equal(xsock_dial(d, &c, "127.0.0.1", xt_port(l)), XSOCK_OK);
    xsock_close(c);
    /* an IPv6 local address cannot reach an IPv4 target: skipped, no OS call */
    assert_int_equal(xsock_dialer_set_local(d, "::1", 0), XSOCK_OK);
    xsock_stats s0, s1;
    xsock_get_stats(&s0);
    c = (xsock *)&c;
    assert_int_equal(xsock_dial(d, &c, "127.0.0.1", xt_port(l)), XSOCK_EAFNOSUPPORT);
    xsock_get_stats(&s1);
    assert_null(c);
    assert_int_equal(s1.os_calls, s0.os_calls);
    xsock_dialer_free(d);
    xsock_close(l);
}

static void local_address_not_available(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 4), *c = (xsock *)&c;
    xsock_dialer *d = xsock_dialer_new();
    /* TEST-NET-1: never an address of this machine; bind fails locally,
       nothing is sent anywhere */
    assert_int_equal(xsock_dialer_set_local(d, "192.0.2.1", 0), XSOCK_OK);
    xt_counts before = xt_counts_now();
    assert_int_equal(xsock_dial(d, &c, "127.0.0.1", xt_port(l)), XSOCK_EADDRNOTAVAIL);
    assert_null(c);
    xt_assert_counts(before);
    xsock_dialer_free(d);
    xsock_close(l);
}

static void dialer_is_reusable(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 16), *c[4];
    xsock_dialer *d = xsock_dialer_new();
    xsock_dialer_set_timeout(d, 2000);
    for (int i = 0; i < 4; i++) assert_int_equal(xsock_dial(d, &c[i], "127.0.0.1", xt_port(l)), XSOCK_OK);
    for (int i = 0; i < 4; i++) xsock_close(c[i]);
    xsock_dialer_free(d);
    xsock_close(l);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dial_with_timeout),
        cmocka_unit_test(family_restricts_addresses),
        cmocka_unit_test(local_address_is_bound),
        cmocka_unit_test(local_port_only_and_family_mismatch),
        cmocka_unit_test(local_address_not_available),
        cmocka_unit_test(dialer_is_reusable),
    };
    return XT_RUN(tests);
}
