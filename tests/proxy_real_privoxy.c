/* SPDX-License-Identifier: MIT */
/* Against a real privoxy started by tests/proxies/run.sh on 127.0.0.1 and
   ::1 (XT_PRIVOXY_PORT), allowed to CONNECT to every port: CONNECT with
   echo, and a refused target, which privoxy answers with
   "503 Connect failed" and a 6 KB page, XSOCK_EPROXY_GENERAL (no squid
   error header says "refused").  Native only (a Linux process); the
   CONNECT machine also runs under Wine. */
#include <string.h>

#include "proxies/real_common.h"

static uint16_t g_port;

static void connect_echo(void **state)
{
    (void)state;
    char u[128];
    pr_expect_echo(pr_url(u, sizeof u, "http", NULL, NULL, "127.0.0.1", g_port), "127.0.0.1", NULL);
    pr_expect_echo(pr_url(u, sizeof u, "http", NULL, NULL, "::1", g_port), "::1", NULL);
    pr_expect_echo(u, "127.0.0.1", "localhost");
}

static void refused_target_503(void **state)
{
    (void)state;
    char u[128];
    pr_url(u, sizeof u, "http", NULL, NULL, "127.0.0.1", g_port);
    pr_expect_fail(u, "127.0.0.1", pr_closed_port("127.0.0.1"), XSOCK_EPROXY_GENERAL, "503");
    pr_url(u, sizeof u, "http", NULL, NULL, "::1", g_port);
    pr_expect_fail(u, "::1", pr_closed_port("::1"), XSOCK_EPROXY_GENERAL, "503");
}

int main(void)
{
    xt_crash_guard();
    g_port = pr_env_port("XT_PRIVOXY_PORT");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(connect_echo),
        cmocka_unit_test(refused_target_503),
    };
    return XT_RUN(tests);
}
