/* SPDX-License-Identifier: MIT */
/* IP literal parsing and formatting, done by the core without the OS. */
#include <string.h>

#include "addr.h"
#include "xtest.h"

static void roundtrip(const char *in, const char *want_ip, int family)
{
    xsock__addr a;
    char buf[XSOCK__ADDRSTRLEN];
    if (xsock__addr_parse(in, 80, &a) != XSOCK_OK) fail_msg("did not parse: %s", in);
    assert_int_equal(a.family, family);
    assert_int_equal(xsock__addr_format_ip(&a, buf, sizeof buf), XSOCK_OK);
    if (strcmp(buf, want_ip) != 0) fail_msg("%s formatted as %s, wanted %s", in, buf, want_ip);
}

static void rejects(const char *in)
{
    xsock__addr a;
    if (xsock__addr_parse(in, 80, &a) == XSOCK_OK) fail_msg("parsed but should not: \"%s\"", in);
}

static void ipv4(void **state)
{
    (void)state;
    roundtrip("127.0.0.1", "127.0.0.1", XSOCK_AF_INET);
    roundtrip("0.0.0.0", "0.0.0.0", XSOCK_AF_INET);
    roundtrip("255.255.255.255", "255.255.255.255", XSOCK_AF_INET);
    rejects("256.0.0.1");
    rejects("1.2.3");
    rejects("1.2.3.4.5");
    rejects("01.2.3.4"); /* octal in inet_aton */
    rejects("1.2.3.4 ");
    rejects("1..3.4");
    rejects("0x7f.0.0.1");
    rejects("127.1");
    rejects("");
    rejects("localhost");
}

static void ipv6(void **state)
{
    (void)state;
    roundtrip("::1", "::1", XSOCK_AF_INET6);
    roundtrip("[::1]", "::1", XSOCK_AF_INET6);
    roundtrip("::", "::", XSOCK_AF_INET6);
    roundtrip("2001:db8::1", "2001:db8::1", XSOCK_AF_INET6);
    roundtrip("2001:DB8:0:0:0:0:0:1", "2001:db8::1", XSOCK_AF_INET6);
    roundtrip("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", XSOCK_AF_INET6); /* one zero: no :: */
    roundtrip("2001:0:0:1:0:0:0:1", "2001:0:0:1::1", XSOCK_AF_INET6);          /* longest run */
    roundtrip("1:0:0:2:0:0:3:4", "1::2:0:0:3:4", XSOCK_AF_INET6);              /* first on ties */
    roundtrip("1::", "1::", XSOCK_AF_INET6);
    roundtrip("::ffff:1.2.3.4", "::ffff:1.2.3.4", XSOCK_AF_INET6);
    roundtrip("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304", XSOCK_AF_INET6);
    roundtrip("fe80::1%3", "fe80::1%3", XSOCK_AF_INET6);
    rejects(":::");
    rejects("1:2:3:4:5:6:7:8:9");
    rejects("1::2::3");
    rejects("12345::");
    rejects(":1::");
    rejects("1:");
    rejects("[::1");
    rejects("::1]");
    rejects("fe80::1%");
    rejects("fe80::1%eth0"); /* named scopes go to the resolver */
    rejects("::g");
    rejects("1:2:3:4:5:6:7:1.2.3.4");
}

static void with_port(void **state)
{
    (void)state;
    xsock__addr a;
    char buf[XSOCK__ADDRSTRLEN];
    assert_int_equal(xsock__addr_parse("::1", 8080, &a), XSOCK_OK);
    assert_int_equal(xsock__addr_format(&a, buf, sizeof buf), XSOCK_OK);
    assert_string_equal(buf, "[::1]:8080");
    assert_int_equal(xsock__addr_parse("10.0.0.1", 65535, &a), XSOCK_OK);
    assert_int_equal(xsock__addr_format(&a, buf, sizeof buf), XSOCK_OK);
    assert_string_equal(buf, "10.0.0.1:65535");
    /* an IPv4 peer of a dual-stack socket prints as IPv4 */
    assert_int_equal(xsock__addr_parse("::ffff:127.0.0.1", 80, &a), XSOCK_OK);
    assert_int_equal(xsock__addr_format(&a, buf, sizeof buf), XSOCK_OK);
    assert_string_equal(buf, "127.0.0.1:80");
    assert_int_equal(xsock__addr_parse("::fffe:127.0.0.1", 80, &a), XSOCK_OK);
    assert_int_equal(xsock__addr_format(&a, buf, sizeof buf), XSOCK_OK);
    assert_string_equal(buf, "[::fffe:7f00:1]:80");
    assert_int_equal(xsock__addr_parse("10.0.0.1", 65535, &a), XSOCK_OK);
    assert_int_equal(xsock__addr_format(&a, buf, 14), XSOCK_EINVAL); /* one byte short */
    assert_int_equal(xsock__addr_format(&a, buf, 15), XSOCK_OK);
    assert_true(xsock__addr_is_loopback(&a) == 0);
    xsock__addr_parse("127.9.9.9", 1, &a);
    assert_true(xsock__addr_is_loopback(&a));
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ipv4),
        cmocka_unit_test(ipv6),
        cmocka_unit_test(with_port),
    };
    return XT_RUN(tests);
}
