/* SPDX-License-Identifier: MIT */
/* Against OpenSSH's dynamic forwarding (ssh -D, through an `sshd -i` with
   throw-away keys) started by tests/proxies/run.sh on 127.0.0.1 and ::1
   (XT_SSH_PORT): SOCKS4a with the name "localhost", SOCKS4, SOCKS5 and
   socks5h with echo; and its way of failing: it closes the connection
   without a reply, which must be XSOCK_EPROXYPROTO.  Native only (Linux
   processes); the handshakes also run under Wine. */
#include <string.h>

#include "proxies/real_common.h"

static uint16_t g_port;

static char *ssh(char *buf, size_t len, const char *scheme, const char *host)
{
    return pr_url(buf, len, scheme, NULL, NULL, host, g_port);
}

static void socks4a_with_a_name(void **state)
{
    (void)state;
    char u[128];
    pr_expect_echo(ssh(u, sizeof u, "socks4a", "127.0.0.1"), "127.0.0.1", "localhost");
    /* a USERID is sent and ignored */
    pr_expect_echo(pr_url(u, sizeof u, "socks4a", "xsock", NULL, "::1", g_port), "127.0.0.1", "localhost");
}

static void socks4_echo(void **state)
{
    (void)state;
    char u[128];
    pr_expect_echo(ssh(u, sizeof u, "socks4", "127.0.0.1"), "127.0.0.1", NULL);
    pr_expect_echo(ssh(u, sizeof u, "socks4", "::1"), "127.0.0.1", "localhost");
}

static void socks5_echo(void **state)
{
    (void)state;
    char u[160];
    pr_expect_echo(ssh(u, sizeof u, "socks5", "127.0.0.1"), "127.0.0.1", NULL);
    pr_expect_echo(ssh(u, sizeof u, "socks5", "::1"), "::1", NULL);
    pr_expect_echo(ssh(u, sizeof u, "socks5h", "127.0.0.1"), "127.0.0.1", "localhost");
    /* offering user/password too: ssh picks "no auth" from 00 and 02 */
    pr_expect_echo(pr_url(u, sizeof u, "socks5", "xsock", "unused:pw", "127.0.0.1", g_port), "127.0.0.1",
                   NULL);
}

static void failure_is_a_close_without_reply(void **state)
{
    (void)state;
    char u[128];
    /* ssh -D reports a failed channel open by closing the SOCKS connection */
    pr_expect_fail(ssh(u, sizeof u, "socks5", "127.0.0.1"), "127.0.0.1", pr_closed_port("127.0.0.1"),
                   XSOCK_EPROXYPROTO, "socks5://127.0.0.1:");
    pr_expect_fail(ssh(u, sizeof u, "socks5h", "::1"), "localhost", pr_closed_port("127.0.0.1"),
                   XSOCK_EPROXYPROTO, NULL);
    pr_expect_fail(ssh(u, sizeof u, "socks4", "127.0.0.1"), "127.0.0.1", pr_closed_port("127.0.0.1"),
                   XSOCK_EPROXYPROTO, NULL);
    pr_expect_fail(ssh(u, sizeof u, "socks4a", "127.0.0.1"), "localhost", pr_closed_port("127.0.0.1"),
                   XSOCK_EPROXYPROTO, NULL);
}

int main(void)
{
    xt_crash_guard();
    g_port = pr_env_port("XT_SSH_PORT");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(socks4a_with_a_name),
        cmocka_unit_test(socks4_echo),
        cmocka_unit_test(socks5_echo),
        cmocka_unit_test(failure_is_a_close_without_reply),
    };
    return XT_RUN(tests);
}
