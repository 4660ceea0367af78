/* SPDX-License-Identifier: MIT */
/* Against a real squid started by tests/proxies/run.sh on 127.0.0.1 and ::1
   (XT_SQUID_PORT) with Basic auth XT_PROXY_USER / XT_PROXY_PASS: HTTP
   CONNECT with Basic credentials and echo, 407 without or with wrong
   credentials (XSOCK_EPROXYAUTH), and a refused target, which squid
   answers with 503 and "X-Squid-Error: ERR_CONNECT_FAIL 111"
   (XSOCK_EPROXY_CONNREFUSED).  Native only (a Linux process); the CONNECT
   machine also runs under Wine. */
#include <string.h>

#include "proxies/real_common.h"

static uint16_t g_port;
static const char *g_user, *g_pass;

static void connect_with_basic_auth(void **state)
{
    (void)state;
    char u[256];
    pr_url(u, sizeof u, "http", g_user, g_pass, "127.0.0.1", g_port);
    pr_expect_echo(u, "127.0.0.1", NULL);
    /* "CONNECT [::1]:port" through squid's IPv6 listener */
    pr_url(u, sizeof u, "http", g_user, g_pass, "::1", g_port);
    pr_expect_echo(u, "::1", NULL);
    /* squid resolves "localhost" from /etc/hosts */
    pr_expect_echo(u, "127.0.0.1", "localhost");
}

static void no_or_wrong_credentials_407(void **state)
{
    (void)state;
    char u[256], wrong[64];
    pr_url(u, sizeof u, "http", NULL, NULL, "127.0.0.1", g_port);
    /* 407 with an HTML body and Connection: keep-alive */
    pr_expect_fail(u, "127.0.0.1", 443, XSOCK_EPROXYAUTH, "407");
    snprintf(wrong, sizeof wrong, "%sX", g_pass);
    pr_url(u, sizeof u, "http", g_user, wrong, "127.0.0.1", g_port);
    pr_expect_fail(u, "127.0.0.1", 443, XSOCK_EPROXYAUTH, "407");
    assert_null(strstr(xsock_last_error_detail(), wrong));
}

static void refused_target_503_111(void **state)
{
    (void)state;
    char u[256];
    /* the detail carries the status line and squid's error header */
    const char *want = "503 Service Unavailable (X-Squid-Error: ERR_CONNECT_FAIL 111)";
    pr_url(u, sizeof u, "http", g_user, g_pass, "127.0.0.1", g_port);
    pr_expect_fail(u, "127.0.0.1", pr_closed_port("127.0.0.1"), XSOCK_EPROXY_CONNREFUSED, want);
    pr_url(u, sizeof u, "http", g_user, g_pass, "::1", g_port);
    pr_expect_fail(u, "::1", pr_closed_port("::1"), XSOCK_EPROXY_CONNREFUSED, want);
}

int main(void)
{
    xt_crash_guard();
    g_port = pr_env_port("XT_SQUID_PORT");
    g_user = pr_env("XT_PROXY_USER");
    g_pass = pr_env("XT_PROXY_PASS");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(connect_with_basic_auth),
        cmocka_unit_test(no_or_wrong_credentials_407),
        cmocka_unit_test(refused_target_503_111),
    };
    return XT_RUN(tests);
}
