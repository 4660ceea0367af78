/* SPDX-License-Identifier: MIT */
/* Against two real tinyproxy instances started by tests/proxies/run.sh on
   127.0.0.1 and ::1: one open (XT_TINYPROXY_PORT), one with Basic auth
   (XT_TINYPROXY_AUTH_PORT, XT_PROXY_USER / XT_PROXY_PASS).  HTTP CONNECT
   with echo, with and without Basic credentials; 407 without credentials
   and 401 (tinyproxy's answer) with wrong ones, both XSOCK_EPROXYAUTH; and
   tinyproxy's one failure status for a refused target, 500
   (XSOCK_EPROXY_GENERAL).  Native only (a Linux process); the CONNECT
   machine also runs under Wine. */
#include <string.h>

#include "proxies/real_common.h"

static uint16_t g_open, g_auth;
static const char *g_user, *g_pass;

static void connect_echo(void **state)
{
    (void)state;
    char u[128];
    pr_expect_echo(pr_url(u, sizeof u, "http", NULL, NULL, "127.0.0.1", g_open), "127.0.0.1", NULL);
    pr_expect_echo(pr_url(u, sizeof u, "http", NULL, NULL, "::1", g_open), "::1", NULL);
    pr_expect_echo(u, "127.0.0.1", "localhost");
}

static void connect_with_basic_auth(void **state)
{
    (void)state;
    char u[256];
    pr_expect_echo(pr_url(u, sizeof u, "http", g_user, g_pass, "127.0.0.1", g_auth), "127.0.0.1", NULL);
    pr_expect_echo(pr_url(u, sizeof u, "http", g_user, g_pass, "::1", g_auth), "::1", NULL);
}

static void auth_failures(void **state)
{
    (void)state;
    char u[256], wrong[64];
    pr_expect_fail(pr_url(u, sizeof u, "http", NULL, NULL, "127.0.0.1", g_auth), "127.0.0.1", 443,
                   XSOCK_EPROXYAUTH, "407");
    snprintf(wrong, sizeof wrong, "%sX", g_pass);
    pr_expect_fail(pr_url(u, sizeof u, "http", g_user, wrong, "127.0.0.1", g_auth), "127.0.0.1", 443,
                   XSOCK_EPROXYAUTH, "401");
    assert_null(strstr(xsock_last_error_detail(), wrong));
}

static void refused_target_500(void **state)
{
    (void)state;
    char u[256];
    pr_expect_fail(pr_url(u, sizeof u, "http", NULL, NULL, "127.0.0.1", g_open), "127.0.0.1",
                   pr_closed_port("127.0.0.1"), XSOCK_EPROXY_GENERAL, "500");
    pr_expect_fail(pr_url(u, sizeof u, "http", g_user, g_pass, "::1", g_auth), "::1", pr_closed_port("::1"),
                   XSOCK_EPROXY_GENERAL, "500");
}

int main(void)
{
    xt_crash_guard();
    g_open = pr_env_port("XT_TINYPROXY_PORT");
    g_auth = pr_env_port("XT_TINYPROXY_AUTH_PORT");
    g_user = pr_env("XT_PROXY_USER");
    g_pass = pr_env("XT_PROXY_PASS");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(connect_echo),
        cmocka_unit_test(connect_with_basic_auth),
        cmocka_unit_test(auth_failures),
        cmocka_unit_test(refused_target_500),
    };
    return XT_RUN(tests);
}
