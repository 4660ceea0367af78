/* SPDX-License-Identifier: MIT */
/* Against a real dante (danted) started by tests/proxies/run.sh on
   127.0.0.1 and ::1 (XT_DANTE_PORT): SOCKS5 and SOCKS4 tunnels with echo,
   the reply codes dante sends for a refused target (SOCKS5 0x05, SOCKS4 91)
   and for SOCKS4a (91: dante has no 4a), a selector failing over from dead
   proxies to dante, and the OS calls of one SOCKS5 connect.  Native only
   (Linux processes); the handshakes and tests/test_proxy_fake.c also run
   under Wine. */
#include <string.h>

#include "internal.h"
#include "proxies/real_common.h"

static uint16_t g_port;

static char *dante(char *buf, size_t len, const char *scheme, const char *host)
{
    return pr_url(buf, len, scheme, NULL, NULL, host, g_port);
}

static void socks5_echo(void **state)
{
    (void)state;
    char u[128];
    pr_expect_echo(dante(u, sizeof u, "socks5", "127.0.0.1"), "127.0.0.1", NULL);
    /* IPv6 to the proxy and to the target (ATYP 4) */
    pr_expect_echo(dante(u, sizeof u, "socks5", "::1"), "::1", NULL);
    /* socks5h: dante resolves the name (ATYP 3) */
    pr_expect_echo(dante(u, sizeof u, "socks5h", "127.0.0.1"), "127.0.0.1", "localhost");
    /* socks5: the client resolves it and sends 127.0.0.1 */
    pr_expect_echo(dante(u, sizeof u, "socks5", "127.0.0.1"), "127.0.0.1", "localhost");
}

static void socks4_echo(void **state)
{
    (void)state;
    char u[128];
    pr_expect_echo(dante(u, sizeof u, "socks4", "127.0.0.1"), "127.0.0.1", NULL);
    /* with a USERID (dante runs without authentication and ignores it) */
    pr_expect_echo(pr_url(u, sizeof u, "socks4", "xsock", NULL, "127.0.0.1", g_port), "127.0.0.1", NULL);
    /* socks4a with an IPv4 literal sends plain SOCKS4, which dante serves */
    pr_expect_echo(dante(u, sizeof u, "socks4a", "127.0.0.1"), "127.0.0.1", NULL);
}

static void socks5_refused_target(void **state)
{
    (void)state;
    char u[128];
    uint16_t closed = pr_closed_port("127.0.0.1");
    pr_expect_fail(dante(u, sizeof u, "socks5", "127.0.0.1"), "127.0.0.1", closed, XSOCK_EPROXY_CONNREFUSED,
                   "0x05");
    closed = pr_closed_port("::1");
    pr_expect_fail(dante(u, sizeof u, "socks5", "::1"), "::1", closed, XSOCK_EPROXY_CONNREFUSED, "0x05");
    pr_expect_fail(dante(u, sizeof u, "socks5h", "127.0.0.1"), "localhost", pr_closed_port("127.0.0.1"),
                   XSOCK_EPROXY_CONNREFUSED, "0x05");
}

static void socks4_failure_is_91(void **state)
{
    (void)state;
    char u[128];
    pr_expect_fail(dante(u, sizeof u, "socks4", "127.0.0.1"), "127.0.0.1", pr_closed_port("127.0.0.1"),
                   XSOCK_EPROXY_GENERAL, "91");
}

static void socks4a_name_is_refused_with_91(void **state)
{
    (void)state;
    char u[128];
    /* dante takes the 0.0.0.x of SOCKS4a literally and answers 91 */
    pr_target *t = pr_target_start("127.0.0.1");
    pr_expect_fail(dante(u, sizeof u, "socks4a", "127.0.0.1"), "localhost", t->port, XSOCK_EPROXY_GENERAL,
                   "91");
    assert_int_equal(pr_target_stop(t, NULL, 0), 0);
}

/* ---- A selector that fails over to dante --------------------------------- */

#define MAX_FAILED 4
typedef struct failover {
    char urls[4][160];
    int n;
    char uri[160];
    int failed;
    char failed_url[MAX_FAILED][160];
    int failed_err[MAX_FAILED];
} failover;

static int fo_select(void *user, const char *uri, xsock_proxy_list *out)
{
    failover *f = user;
    snprintf(f->uri, sizeof f->uri, "%s", uri);
    for (int i = 0; i < f->n; i++)
        if (xsock_proxy_list_add(out, f->urls[i]) != XSOCK_OK) return XSOCK_EINVAL;
    return 0;
}

static void fo_failed(void *user, const char *uri, const char *proxy_url, int err)
{
    failover *f = user;
    (void)uri;
    if (f->failed < MAX_FAILED) {
        snprintf(f->failed_url[f->failed], sizeof f->failed_url[0], "%s", proxy_url);
        f->failed_err[f->failed] = err;
    }
    f->failed++;
}

static void selector_fails_over_to_dante(void **state)
{
    (void)state;
    xt_counts before = xt_counts_now();
    pr_target *t = pr_target_start("127.0.0.1");
    uint16_t tport = t->port, dead = pr_closed_port("127.0.0.1");
    failover f;
    memset(&f, 0, sizeof f);
    /* 1: nothing listens there; 2: dante refuses SOCKS4a (91); 3: dante */
    pr_url(f.urls[0], sizeof f.urls[0], "socks5", "carol", "hunter2", "127.0.0.1", dead);
    pr_url(f.urls[1], sizeof f.urls[1], "socks4a", "dave", NULL, "127.0.0.1", g_port);
    dante(f.urls[2], sizeof f.urls[2], "socks5", "127.0.0.1");
    f.n = 3;
    xsock_proxy_selector sel = {&f, fo_select, fo_failed};
    xsock_dialer *d = xsock_dialer_new();
    xsock_dialer_set_timeout(d, 5000);
    xsock_dialer_set_proxy_selector(d, &sel);
    xsock *s = NULL;
    int rc = xsock_dial(d, &s, "localhost", tport);
    if (rc != XSOCK_OK) fail_msg("dial: %s: %s", xsock_errname(rc), xsock_last_error_detail());
    pr_echo(s, "after two failed proxies");
    xsock_close(s);
    xsock_dialer_free(d);
    assert_int_equal(pr_target_stop(t, NULL, 0), 1);

    char want_uri[64], want0[64], want1[64];
    snprintf(want_uri, sizeof want_uri, "socket://localhost:%u", (unsigned)tport);
    assert_string_equal(f.uri, want_uri);
    assert_int_equal(f.failed, 2);
    /* the URLs as given, minus the userinfo: no user, no password */
    snprintf(want0, sizeof want0, "socks5://127.0.0.1:%u", (unsigned)dead);
    snprintf(want1, sizeof want1, "socks4a://127.0.0.1:%u", (unsigned)g_port);
    assert_string_equal(f.failed_url[0], want0);
    assert_int_equal(f.failed_err[0], XSOCK_EPROXYCONNECT);
    assert_string_equal(f.failed_url[1], want1);
    assert_int_equal(f.failed_err[1], XSOCK_EPROXY_GENERAL);
    for (int i = 0; i < 2; i++) print_message("connect_failed(%s, %s, %s)\n", f.uri, f.failed_url[i],
                                              xsock_errname(f.failed_err[i]));
    xt_assert_counts(before);
}

static void selector_uri_and_all_failing(void **state)
{
    (void)state;
    xt_counts before = xt_counts_now();
    uint16_t dead = pr_closed_port("127.0.0.1"), refused = pr_closed_port("127.0.0.1");
    failover f;
    memset(&f, 0, sizeof f);
    pr_url(f.urls[0], sizeof f.urls[0], "socks5", "carol", "hunter2", "127.0.0.1", dead);
    dante(f.urls[1], sizeof f.urls[1], "socks5", "::1");
    f.n = 2;
    xsock_proxy_selector sel = {&f, fo_select, fo_failed};
    xsock_dialer *d = xsock_dialer_new();
    xsock_dialer_set_timeout(d, 5000);
    xsock_dialer_set_proxy_selector(d, &sel);
    xsock *s = (xsock *)&s;
    /* every entry fails: the error of the last one */
    assert_int_equal(xsock_dial(d, &s, "127.0.0.1", refused), XSOCK_EPROXY_CONNREFUSED);
    assert_null(s);
    assert_null(strstr(xsock_last_error_detail(), "hunter2"));
    char want[64];
    snprintf(want, sizeof want, "socket://127.0.0.1:%u", (unsigned)refused);
    assert_string_equal(f.uri, want);
    assert_int_equal(f.failed, 2);
    assert_int_equal(f.failed_err[0], XSOCK_EPROXYCONNECT);
    assert_int_equal(f.failed_err[1], XSOCK_EPROXY_CONNREFUSED);
    snprintf(want, sizeof want, "socks5://[::1]:%u", (unsigned)g_port);
    assert_string_equal(f.failed_url[1], want);
    xsock_dialer_free(d);
    xt_assert_counts(before);
}

/* ---- OS calls ------------------------------------------------------------ */

/* The trace hook runs on the calling thread: keep this thread's calls only. */
static _Thread_local int tl_tracing;
static char g_calls[1024];
static void trace_mine(void *user, const xsock_trace_event *ev)
{
    (void)user;
    if (!tl_tracing) return;
    size_t n = strlen(g_calls);
    snprintf(g_calls + n, sizeof g_calls - n, "%s%s", n ? "," : "", ev->call);
}

static void os_calls_of_one_socks5_connect(void **state)
{
    (void)state;
    pr_target *t = pr_target_start("127.0.0.1");
    char u[128];
    dante(u, sizeof u, "socks5", "127.0.0.1");
    xsock_dialer *d = xsock_dialer_new();
    xsock_dialer_set_timeout(d, 5000);
    assert_int_equal(xsock_dialer_set_proxy(d, u), XSOCK_OK);
    xsock *s = NULL;
    g_calls[0] = 0;
    tl_tracing = 1;
    xsock_set_trace(trace_mine, NULL);
    /* this thread's calls only: the echo target makes calls of its own */
    uint64_t c0 = xsock__thread_os_calls;
    int rc = xsock_dial(d, &s, "127.0.0.1", t->port);
    uint64_t c1 = xsock__thread_os_calls;
    if (rc == XSOCK_OK) xsock_close(s);
    uint64_t c2 = xsock__thread_os_calls;
    xsock_set_trace(NULL, NULL);
    tl_tracing = 0;
    assert_int_equal(rc, XSOCK_OK);
    print_message("OS calls of one SOCKS5 no-auth connect through dante: %llu (+ close = %llu)\n",
                  (unsigned long long)(c1 - c0), (unsigned long long)(c2 - c0));
    print_message("calls: %s\n", g_calls);
    /* what a hand-written client with a deadline makes: socket, connect,
       poll, getsockopt; send the greeting, poll, recv the method; send the
       request, poll, recv the reply; close.  No extra round trip.  Winsock
       adds two: ioctlsocket (FIONBIO: WSASocketW cannot create a
       nonblocking socket) and, to a loopback proxy, WSAIoctl
       (SIO_TCP_INITIAL_RTO: no 2 s SYN retry after a refusal). */
    assert_true(c2 - c0 <= (xt_is_win32() ? 13u : 11u));
    xsock_dialer_free(d);
    assert_int_equal(pr_target_stop(t, NULL, 0), 1);
}

int main(void)
{
    xt_crash_guard();
    g_port = pr_env_port("XT_DANTE_PORT");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(socks5_echo),
        cmocka_unit_test(socks4_echo),
        cmocka_unit_test(socks5_refused_target),
        cmocka_unit_test(socks4_failure_is_91),
        cmocka_unit_test(socks4a_name_is_refused_with_91),
        cmocka_unit_test(selector_fails_over_to_dante),
        cmocka_unit_test(selector_uri_and_all_failing),
        cmocka_unit_test(os_calls_of_one_socks5_connect),
    };
    return XT_RUN(tests);
}
