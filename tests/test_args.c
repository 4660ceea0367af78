/* SPDX-License-Identifier: MIT */
/* Bad input gets XSOCK_EINVAL and a detail, never a crash, an OS call or
   a leaked handle. */
#include <string.h>

#include "xtest.h"

static uint64_t os_calls(void)
{
    xsock_stats st;
    xsock_get_stats(&st);
    return st.os_calls;
}

/* The detail must name the failure (non-empty). */
static void assert_einval(int rc)
{
    assert_int_equal(rc, XSOCK_EINVAL);
    assert_true(strlen(xsock_last_error_detail()) > 0);
}

static void connect_args(void **state)
{
    (void)state;
    xsock *s = (xsock *)&s;
    uint64_t calls = os_calls();
    assert_einval(xsock_connect(NULL, "127.0.0.1", 80, 100));
    assert_einval(xsock_connect(&s, NULL, 80, 100));
    assert_null(s);
    s = (xsock *)&s;
    assert_einval(xsock_connect(&s, "127.0.0.1", 80, -2));
    assert_null(s);
    assert_einval(xsock_connect(&s, "127.0.0.1", 80, -1000));
    assert_einval(xsock_connect(&s, "", 80, 100));
    assert_int_equal(os_calls(), calls);
}

static void dialer_args(void **state)
{
    (void)state;
    xsock_dialer *d = xsock_dialer_new();
    xsock *s = (xsock *)&s;
    assert_non_null(d);
    assert_einval(xsock_dialer_set_timeout(NULL, 10));
    assert_einval(xsock_dialer_set_timeout(d, -2));
    assert_einval(xsock_dialer_set_family(d, 5));
    assert_einval(xsock_dialer_set_family(NULL, XSOCK_AF_INET));
    assert_einval(xsock_dialer_set_local(d, "not-an-address", 0));
    assert_einval(xsock_dialer_set_local(d, "256.1.1.1", 0));
    assert_einval(xsock_dialer_set_local(NULL, "127.0.0.1", 0));
    assert_einval(xsock_dialer_set_happy_eyeballs(d, -1));
    assert_einval(xsock_dialer_set_happy_eyeballs(NULL, 10));
    assert_einval(xsock_dial(NULL, &s, "127.0.0.1", 80));
    assert_null(s); /* every constructor clears *out on failure */
    s = (xsock *)&s;
    assert_einval(xsock_dial_at(NULL, &s, "127.0.0.1", 80, "here"));
    assert_null(s);
    s = (xsock *)&s;
    assert_einval(xsock_dial(d, NULL, "127.0.0.1", 80));
    assert_einval(xsock_dial(d, &s, NULL, 80));
    assert_null(s);
    assert_int_equal(xsock_dialer_set_local(d, "127.0.0.1", 0), XSOCK_OK);
    assert_int_equal(xsock_dialer_set_local(d, "::1", 0), XSOCK_OK);
    assert_int_equal(xsock_dialer_set_local(d, NULL, 0), XSOCK_OK);
    xsock_dialer_free(d);
    xsock_dialer_free(NULL);
}

static void listen_accept_args(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 4), *s = (xsock *)&s;
    assert_einval(xsock_listen(NULL, "127.0.0.1", 0, 4));
    assert_einval(xsock_listen(&s, "127.0.0.1", 0, -1));
    assert_null(s);
    assert_einval(xsock_listen(&s, "", 0, 4));
    s = (xsock *)&s;
    assert_einval(xsock_accept(NULL, &s, 0));
    assert_null(s);
    assert_einval(xsock_accept(l, NULL, 0));
    assert_einval(xsock_accept(l, &s, -2));
    xsock_close(l);
}

static void io_args(void **state)
{
    (void)state;
    xsock *c, *srv;
    char buf[8];
    xt_pair(&c, &srv);
    assert_einval((int)xsock_send(NULL, "x", 1, 0));
    assert_einval((int)xsock_send(c, NULL, 1, 0));
    assert_einval((int)xsock_send(c, "x", 1, -2));
    assert_einval((int)xsock_recv(NULL, buf, 1, 0));
    assert_einval((int)xsock_recv(c, NULL, 1, 0));
    assert_einval((int)xsock_recv(c, buf, 1, -5));
    assert_einval(xsock_send_all(NULL, "x", 1, 0));
    assert_einval(xsock_send_all(c, NULL, 1, 0));
    assert_einval(xsock_recv_all(NULL, buf, 1, 0));
    assert_einval(xsock_recv_all(c, NULL, 1, 0));
    assert_einval(xsock_recv_all(c, buf, 1, -7));
    assert_einval(xsock_shutdown(NULL, XSOCK_SHUT_WR));
    assert_einval(xsock_shutdown(c, 7));
    assert_einval(xsock_shutdown(c, -1));
    /* zero-length transfers are not errors */
    assert_int_equal(xsock_send(c, NULL, 0, 0), 0);
    assert_int_equal(xsock_recv(c, NULL, 0, 0), 0);
    xsock_close(c);
    xsock_close(srv);
}

static void address_args(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 4);
    char small[4], buf[64];
    assert_einval(xsock_local_addr(NULL, buf, sizeof buf));
    assert_einval(xsock_local_addr(l, NULL, sizeof buf));
    assert_einval(xsock_local_addr(l, buf, 0));
    assert_einval(xsock_local_addr(l, small, sizeof small));
    assert_einval(xsock_peer_addr(NULL, buf, sizeof buf));
    assert_einval(xsock_local_port(NULL));
    assert_einval(xsock_set_nodelay(NULL, 1));
    assert_einval(xsock_set_keepalive(NULL, 1, 10));
    assert_einval(xsock_set_keepalive(l, 1, -1));
    assert_true(xsock_native_handle(NULL) == XSOCK_INVALID_NATIVE);
    xsock_close(l);
}

static void adopt_poll_close_args(void **state)
{
    (void)state;
    xsock *s = (xsock *)&s;
    xsock_pollfd p = {NULL, XSOCK_POLLIN, 0};
    assert_einval(xsock_adopt(NULL, 3));
    assert_einval(xsock_adopt(&s, XSOCK_INVALID_NATIVE));
    assert_null(s);
    assert_true(xsock_release(NULL) == XSOCK_INVALID_NATIVE);
    assert_einval(xsock_poll(NULL, 1, 0));
    /* no sockets, or only NULL entries: poll(2)'s answer, 0 (DESIGN.md) */
    assert_int_equal(xsock_poll(&p, 0, 0), 0);
    assert_int_equal(xsock_poll(&p, 1, 0), 0);
    assert_einval(xsock_poll(&p, 1, -3));
    assert_int_equal(xsock_close(NULL), XSOCK_OK);
}

static void error_names(void **state)
{
    (void)state;
    assert_string_equal(xsock_errname(XSOCK_ETIMEDOUT), "XSOCK_ETIMEDOUT");
    assert_string_equal(xsock_errname(XSOCK_OK), "XSOCK_OK");
    assert_string_equal(xsock_errname(XSOCK_EPROXY_ATYPNOTSUP), "XSOCK_EPROXY_ATYPNOTSUP");
    assert_string_equal(xsock_errname(12345), "XSOCK_E?");
    assert_string_equal(xsock_strerror(XSOCK_ECONNREFUSED), "connection refused");
    assert_string_equal(xsock_strerror(-999), "unknown error");
    /* every code is negative and distinct */
    int codes[] = {
#define XT_CODE_(name, value, text) name,
        XSOCK_ERRNO_MAP(XT_CODE_)
#undef XT_CODE_
    };
    size_t n = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < n; i++) {
        assert_true(codes[i] < 0);
        assert_string_not_equal(xsock_errname(codes[i]), "XSOCK_E?");
        for (size_t j = i + 1; j < n; j++) assert_int_not_equal(codes[i], codes[j]);
    }
}

static void detail_survives_success(void **state)
{
    (void)state;
    xsock *c, *srv;
    assert_einval(xsock_shutdown(NULL, XSOCK_SHUT_WR));
    char before[256];
    snprintf(before, sizeof before, "%s", xsock_last_error_detail());
    xt_pair(&c, &srv);
    assert_string_equal(xsock_last_error_detail(), before);
    xsock_close(c);
    xsock_close(srv);
}


/* Details say each thing once, and poll(2)'s rules for no sockets.
   Before: ": invalid argument: invalid argument" for a bad all_proxy, and
   xsock_poll(n = 0) failed at once instead of waiting. */
static void details_and_empty_polls(void **state)
{
    (void)state;
    xsock_dialer *d = xsock_dialer_new();
    xsock *s = (xsock *)&s;
    xsock_dialer_set_timeout(d, 500);
    xsock_dialer_set_proxy_selector(d, xsock_env_proxy_selector());
    xt_clear_proxy_env();
    xt_setenv("all_proxy", "socks9://x");
    assert_int_equal(xsock_dial(d, &s, "127.0.0.1", 9), XSOCK_EINVAL);
    const char *detail = xsock_last_error_detail();
    print_message("bad all_proxy: %s\n", detail);
    assert_non_null(strstr(detail, "all_proxy"));
    const char *text = strstr(detail, "invalid argument");
    assert_non_null(text);
    assert_null(strstr(text + 1, "invalid argument"));
    xt_setenv("all_proxy", NULL);
    xsock_dialer_free(d);

    /* port 0 is no port to connect to */
    assert_int_equal(xsock_connect(&s, "127.0.0.1", 0, 100), XSOCK_EINVAL);
    assert_null(s);
    assert_non_null(strstr(xsock_last_error_detail(), "port 0"));

    xsock_pollfd p[2] = {{NULL, XSOCK_POLLIN, 0}, {NULL, XSOCK_POLLOUT, 0}};
    double t0 = xt_now_ms();
    assert_int_equal(xsock_poll(p, 0, 200), 0);
    assert_true(xt_now_ms() - t0 >= 200.0);
    t0 = xt_now_ms();
    assert_int_equal(xsock_poll(p, 2, 200), 0);
    assert_true(xt_now_ms() - t0 >= 200.0);
    assert_int_equal(xsock_poll(NULL, 0, 0), 0);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(details_and_empty_polls),
        cmocka_unit_test(connect_args),        cmocka_unit_test(dialer_args),
        cmocka_unit_test(listen_accept_args),  cmocka_unit_test(io_args),
        cmocka_unit_test(address_args),        cmocka_unit_test(adopt_poll_close_args),
        cmocka_unit_test(error_names),         cmocka_unit_test(detail_survives_success),
    };
    return XT_RUN(tests);
}
