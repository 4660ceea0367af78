/* SPDX-License-Identifier: MIT */
/* The no_proxy matcher (src/no_proxy.c): names on label boundaries, '*',
   IPv4/IPv6 literals, CIDR blocks, ports, separators, case. */
#include <string.h>

#include "xtest.h"

#include "proxy/no_proxy.h"

typedef struct np_case {
    const char *list;
    const char *host;
    int port;
    int want;
} np_case;

static void run(const np_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int got = xsock__no_proxy_match(c[i].list, c[i].host, (uint16_t)c[i].port);
        if (got != c[i].want)
            fail_msg("no_proxy \"%s\", target %s:%d: got %d, wanted %d", c[i].list, c[i].host,
                     c[i].port, got, c[i].want);
    }
}

static void names(void **state)
{
    (void)state;
    const np_case cases[] = {
        {"example.com", "example.com", 80, 1},
        {"example.com", "a.example.com", 80, 1},
        {"example.com", "a.b.example.com", 80, 1},
        {"example.com", "badexample.com", 80, 0},
        {"example.com", "example.com.evil", 80, 0},
        {"example.com", "xample.com", 80, 0},
        {"example.com", "com", 80, 0},
        {".example.com", "a.example.com", 80, 1},
        {".example.com", "example.com", 80, 1},
        {".example.com", "badexample.com", 80, 0},
        {"*.example.com", "a.example.com", 80, 1},
        {"*.example.com", "example.com", 80, 1},
        {"*.example.com", "badexample.com", 80, 0},
        {"EXAMPLE.com", "a.Example.COM", 80, 1},
        {"example.com.", "a.example.com", 80, 1},
        {"example.com", "a.example.com.", 80, 1},
        {"localhost", "localhost", 80, 1},
        {"localhost", "127.0.0.1", 80, 0}, /* no resolution */
        {"com", "example.com", 80, 1},
        {"", "example.com", 80, 0},
        {".", "example.com", 80, 0},
        {"*.", "example.com", 80, 0},
        {"a*b", "a*b", 80, 1},
        {"a*b", "axb", 80, 0},
    };
    run(cases, sizeof cases / sizeof cases[0]);
}

static void star_and_separators(void **state)
{
    (void)state;
    const np_case cases[] = {
        {"*", "anything.at.all", 1, 1},
        {"*", "::1", 1, 1},
        {"*", "10.0.0.1", 1, 1},
        {"foo, *", "x", 1, 1},
        {"foo,bar,example.com", "www.example.com", 1, 1},
        {"foo bar example.com", "www.example.com", 1, 1},
        {"  foo ,\t bar ,, example.com ,", "www.example.com", 1, 1},
        {"foo,bar", "www.example.com", 1, 0},
        {",,, ,", "x", 1, 0},
        {"**", "x", 1, 0},
        {"*x", "x", 1, 0},
    };
    run(cases, sizeof cases / sizeof cases[0]);
    assert_int_equal(xsock__no_proxy_match(NULL, "x", 1), 0);
    assert_int_equal(xsock__no_proxy_match("*", NULL, 1), 0);
    assert_int_equal(xsock__no_proxy_match("*", "", 1), 0);
}

static void addresses_and_cidr(void **state)
{
    (void)state;
    const np_case cases[] = {
        {"127.0.0.1", "127.0.0.1", 80, 1},
        {"127.0.0.1", "127.0.0.2", 80, 0},
        {"127.0.0.0/8", "127.255.1.2", 80, 1},
        {"127.0.0.0/8", "128.0.0.1", 80, 0},
        {"10.1.2.3/8", "10.200.0.1", 80, 1}, /* host bits in the entry are ignored */
        {"192.168.0.0/16", "192.168.255.255", 80, 1},
        {"192.168.0.0/17", "192.168.128.1", 80, 0},
        {"192.168.0.0/17", "192.168.127.1", 80, 1},
        {"0.0.0.0/0", "8.8.8.8", 80, 1},
        {"0.0.0.0/0", "::1", 80, 0},
        {"10.0.0.1/32", "10.0.0.1", 80, 1},
        {"10.0.0.1/33", "10.0.0.1", 80, 0},   /* invalid: ignored */
        {"10.0.0.1/", "10.0.0.1", 80, 0},
        {"10.0.0.1/x", "10.0.0.1", 80, 0},
        {"10.0.0.0/8", "example.com", 80, 0}, /* names never match addresses */
        {"example.com/8", "example.com", 80, 0},
        {"::1", "::1", 80, 1},
        {"::1", "[::1]", 80, 1},
        {"[::1]", "::1", 80, 1},
        {"::1", "::2", 80, 0},
        {"0:0:0:0:0:0:0:1", "::1", 80, 1},
        {"fd00::/8", "fd12:3456::1", 80, 1},
        {"fd00::/8", "fe80::1", 80, 0},
        {"[fd00::]/8", "fd12::1", 80, 1},
        {"[fd00::/8]", "fd12::1", 80, 1},
        {"2001:db8::/32", "2001:db8:ffff::1", 80, 1},
        {"2001:db8::/33", "2001:db8:8000::1", 80, 0},
        {"::/0", "2001:db8::1", 80, 1},
        {"::/0", "10.0.0.1", 80, 0},
        {"fe80::/129", "fe80::1", 80, 0},
        {"fe80::/10", "fe80::1%2", 80, 1},
        {"10.0.0.0/8", "::ffff:10.1.2.3", 80, 1}, /* IPv4-mapped */
        {"::ffff:10.0.0.0/104", "10.1.2.3", 80, 1},
        {"[1.2.3.4]", "1.2.3.4", 80, 0},          /* brackets are for IPv6 */
        {"127.0.0.1", "127.1", 80, 0},
    };
    run(cases, sizeof cases / sizeof cases[0]);
}

static void ports(void **state)
{
    (void)state;
    const np_case cases[] = {
        {"example.com:8080", "example.com", 8080, 1},
        {"example.com:8080", "a.example.com", 8080, 1},
        {"example.com:8080", "example.com", 80, 0},
        {".example.com:443", "www.example.com", 443, 1},
        {"10.0.0.1:443", "10.0.0.1", 443, 1},
        {"10.0.0.1:443", "10.0.0.1", 80, 0},
        {"10.0.0.0/8:22", "10.9.9.9", 22, 1},
        {"10.0.0.0/8:22", "10.9.9.9", 23, 0},
        {"[::1]:80", "::1", 80, 1},
        {"[::1]:80", "::1", 81, 0},
        {"[fd00::]/8:80", "fd00::1", 80, 1},
        {"[fd00::]/8:80", "fd00::1", 8080, 0},
        {"::1", "::1", 443, 1}, /* unbracketed: no port */
        {"example.com:", "example.com", 80, 0},
        {"example.com:0", "example.com", 0, 0},
        {"example.com:65536", "example.com", 0, 0},
        {"example.com:http", "example.com", 80, 0},
        {"example.com:08080", "example.com", 8080, 1},
        {"*:80", "x", 80, 0},
    };
    run(cases, sizeof cases / sizeof cases[0]);
}

static void long_entries_are_ignored(void **state)
{
    (void)state;
    static char list[2048];
    memset(list, 'a', 1000);
    memcpy(list + 1000, ",example.com", 13);
    assert_int_equal(xsock__no_proxy_match(list, "www.example.com", 1), 1);
    list[1000] = '\0';
    assert_int_equal(xsock__no_proxy_match(list, list, 1), 0);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),
        cmocka_unit_test(star_and_separators),
        cmocka_unit_test(addresses_and_cidr),
        cmocka_unit_test(ports),
        cmocka_unit_test(long_entries_are_ignored),
    };
    return XT_RUN(tests);
}
