/* SPDX-License-Identifier: MIT */
/* Against a real microsocks started by tests/proxies/run.sh on 127.0.0.1
   (XT_MICROSOCKS_PORT) with RFC 1929 user/password XT_PROXY_USER and
   XT_PROXY_PASS (the password has ':', '@' and '%', so the URL must carry it
   percent-encoded): success with echo, a wrong password, no credentials, a
   refused target (0x05) and socks5h with the name "localhost".  Native only
   (a Linux process); the handshakes also run under Wine. */
#include <string.h>

#include "proxies/real_common.h"

static uint16_t g_port;
static const char *g_user, *g_pass;

static void user_password_echo(void **state)
{
    (void)state;
    char u[256];
    pr_url(u, sizeof u, "socks5", g_user, g_pass, "127.0.0.1", g_port);
    assert_non_null(strstr(u, "%3A")); /* really percent-encoded */
    pr_expect_echo(u, "127.0.0.1", NULL);
    /* microsocks also tunnels to IPv6 targets */
    pr_expect_echo(u, "::1", NULL);
}

static void wrong_password(void **state)
{
    (void)state;
    char u[256], wrong[64];
    /* microsocks answers 01 02 to RFC 1929 and closes */
    snprintf(wrong, sizeof wrong, "%sX", g_pass);
    pr_url(u, sizeof u, "socks5", g_user, wrong, "127.0.0.1", g_port);
    pr_expect_fail(u, "127.0.0.1", 80, XSOCK_EPROXYAUTH, "socks5://127.0.0.1:");
    assert_null(strstr(xsock_last_error_detail(), wrong));
    pr_url(u, sizeof u, "socks5", "nobody-here", g_pass, "127.0.0.1", g_port);
    pr_expect_fail(u, "127.0.0.1", 80, XSOCK_EPROXYAUTH, NULL);
}

static void no_credentials(void **state)
{
    (void)state;
    char u[128];
    /* only "no auth" offered: microsocks answers 05 ff */
    pr_url(u, sizeof u, "socks5", NULL, NULL, "127.0.0.1", g_port);
    pr_expect_fail(u, "127.0.0.1", 80, XSOCK_EPROXYAUTH, "0xff");
}

static void refused_target(void **state)
{
    (void)state;
    char u[256];
    pr_url(u, sizeof u, "socks5", g_user, g_pass, "127.0.0.1", g_port);
    pr_expect_fail(u, "127.0.0.1", pr_closed_port("127.0.0.1"), XSOCK_EPROXY_CONNREFUSED, "0x05");
    pr_expect_fail(u, "::1", pr_closed_port("::1"), XSOCK_EPROXY_CONNREFUSED, "0x05");
}

static void socks5h_localhost(void **state)
{
    (void)state;
    char u[256];
    /* microsocks resolves the name ("localhost" is 127.0.0.1 in /etc/hosts) */
    pr_url(u, sizeof u, "socks5h", g_user, g_pass, "127.0.0.1", g_port);
    pr_expect_echo(u, "127.0.0.1", "localhost");
    pr_expect_fail(u, "localhost", pr_closed_port("127.0.0.1"), XSOCK_EPROXY_CONNREFUSED, "0x05");
}

int main(void)
{
    xt_crash_guard();
    g_port = pr_env_port("XT_MICROSOCKS_PORT");
    g_user = pr_env("XT_PROXY_USER");
    g_pass = pr_env("XT_PROXY_PASS");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(user_password_echo),
        cmocka_unit_test(wrong_password),
        cmocka_unit_test(no_credentials),
        cmocka_unit_test(refused_target),
        cmocka_unit_test(socks5h_localhost),
    };
    return XT_RUN(tests);
}
