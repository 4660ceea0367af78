/* SPDX-License-Identifier: MIT */
/* SOCKS4 / SOCKS4a handshake state machine (src/socks4.c) on byte arrays:
   request bytes, every reply code, wrong versions, truncation, partial
   input, leftover.  Replies are those of dante, ssh -D, v2ray and
   microsocks (shared/peers/README.md §3). */
#include <string.h>

#include "xtest.h"

#include "hs_sim.h"
#include "proxy/proxy_url.h"
#include "proxy/socks4.h"

#define B(...) ((const uint8_t[]){__VA_ARGS__})

static xsock__hs hs;
static hs_sim sim;

/* dante: 90 with its port and 127.0.0.1; ssh -D and v2ray: zeros */
static const uint8_t ok_dante[] = {0x00, 0x5a, 0xd4, 0x31, 127, 0, 0, 1};
static const uint8_t ok_zero[] = {0x00, 0x5a, 0, 0, 0, 0, 0, 0};

static void request_ipv4(void **state)
{
    (void)state;
    size_t n;
    assert_int_equal(xsock__socks4_start(&hs, 0, NULL, "127.0.0.1", 80), XSOCK_OK);
    const uint8_t *o = xsock__hs_output(&hs, &n);
    static const uint8_t want[] = {0x04, 0x01, 0x00, 0x50, 127, 0, 0, 1, 0x00};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(o, want, sizeof want);
    assert_int_equal(hs.proto, XSOCK__HS_SOCKS4);

    assert_int_equal(xsock__socks4_start(&hs, 0, "alice", "10.20.30.40", 443), XSOCK_OK);
    o = xsock__hs_output(&hs, &n);
    static const uint8_t want2[] = {0x04, 0x01, 0x01, 0xbb, 10, 20, 30, 40,
                                    'a',  'l',  'i',  'c',  'e', 0x00};
    assert_int_equal(n, sizeof want2);
    assert_memory_equal(o, want2, sizeof want2);
}

static void request_socks4a_name(void **state)
{
    (void)state;
    size_t n;
    assert_int_equal(xsock__socks4_start(&hs, 1, "bob", "example.com", 8080), XSOCK_OK);
    const uint8_t *o = xsock__hs_output(&hs, &n);
    static const uint8_t want[] = {0x04, 0x01, 0x1f, 0x90, 0, 0, 0, 1, 'b', 'o', 'b', 0x00,
                                   'e',  'x',  'a',  'm',  'p', 'l', 'e', '.', 'c', 'o', 'm', 0x00};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(o, want, sizeof want);
    assert_int_equal(hs.proto, XSOCK__HS_SOCKS4A);
    /* empty user id */
    assert_int_equal(xsock__socks4_start(&hs, 1, "", "h", 1), XSOCK_OK);
    o = xsock__hs_output(&hs, &n);
    static const uint8_t want2[] = {0x04, 0x01, 0x00, 0x01, 0, 0, 0, 1, 0x00, 'h', 0x00};
    assert_int_equal(n, sizeof want2);
    assert_memory_equal(o, want2, sizeof want2);
}

static void socks4a_with_ipv4_literal_is_plain_socks4(void **state)
{
    (void)state;
    size_t n;
    assert_int_equal(xsock__socks4_start(&hs, 1, "u", "192.0.2.7", 80), XSOCK_OK);
    const uint8_t *o = xsock__hs_output(&hs, &n);
    static const uint8_t want[] = {0x04, 0x01, 0x00, 0x50, 192, 0, 2, 7, 'u', 0x00};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(o, want, sizeof want);
    assert_int_equal(hs.proto, XSOCK__HS_SOCKS4);
}

static void ipv6_targets_are_eafnosupport(void **state)
{
    (void)state;
    const char *hosts[] = {"::1", "[::1]", "2001:db8::1", "::ffff:1.2.3.4"};
    for (int a = 0; a < 2; a++)
        for (size_t i = 0; i < 4; i++) {
            assert_int_equal(xsock__socks4_start(&hs, a, NULL, hosts[i], 80), XSOCK_EAFNOSUPPORT);
            assert_non_null(strstr(xsock__hs_detail(&hs), "IPv6"));
            size_t n;
            xsock__hs_output(&hs, &n);
            assert_int_equal(n, 0);
        }
}

static void bad_arguments(void **state)
{
    (void)state;
    char big[300];
    memset(big, 'x', sizeof big);
    big[299] = '\0';
    assert_int_equal(xsock__socks4_start(&hs, 0, NULL, "example.com", 80), XSOCK_EINVAL);
    assert_non_null(strstr(xsock__hs_detail(&hs), "resolve"));
    assert_int_equal(xsock__socks4_start(&hs, 1, NULL, big, 80), XSOCK_EINVAL);
    big[255] = '\0';
    assert_int_equal(xsock__socks4_start(&hs, 1, NULL, big, 80), XSOCK_OK);
    assert_int_equal(xsock__socks4_start(&hs, 1, big, big, 80), XSOCK_OK);
    big[255] = 'x';
    assert_int_equal(xsock__socks4_start(&hs, 1, big, "h", 80), XSOCK_EINVAL);
    assert_int_equal(xsock__socks4_start(&hs, 1, "a\nb", "h", 80), XSOCK_EINVAL);
    assert_int_equal(xsock__socks4_start(&hs, 1, NULL, "", 80), XSOCK_EINVAL);
    assert_int_equal(xsock__socks4_start(&hs, 1, NULL, NULL, 80), XSOCK_EINVAL);
    assert_int_equal(xsock__socks4_start(&hs, 1, NULL, "h", 0), XSOCK_EINVAL);
}

static void success_replies(void **state)
{
    (void)state;
    assert_int_equal(xsock__socks4_start(&hs, 0, NULL, "127.0.0.1", 80), XSOCK_OK);
    assert_int_equal(hs_sim_whole(&hs, ok_dante, sizeof ok_dante, &sim), XSOCK_OK);
    assert_int_equal(sim.sends, 1);
    assert_int_equal(sim.recvs, 1);
    assert_int_equal(sim.leftover_len, 0);
    const xsock__hs_bound *b = xsock__hs_bound_addr(&hs);
    assert_non_null(b);
    char txt[XSOCK__ADDRSTRLEN];
    xsock__addr_format(&b->addr, txt, sizeof txt);
    assert_string_equal(txt, "127.0.0.1:54321");
    assert_string_equal(xsock__hs_detail(&hs), "");

    assert_int_equal(xsock__socks4_start(&hs, 1, NULL, "localhost", 80), XSOCK_OK);
    assert_int_equal(hs_sim_whole(&hs, ok_zero, sizeof ok_zero, &sim), XSOCK_OK);
    assert_int_equal(xsock__hs_bound_addr(&hs)->port, 0);
}

static void every_reply_code(void **state)
{
    (void)state;
    for (int cd = 0; cd <= 0xff; cd++) {
        uint8_t r[8] = {0x00, (uint8_t)cd, 0, 80, 127, 0, 0, 1};
        int want = cd == 90   ? XSOCK_OK
                   : cd == 91 ? XSOCK_EPROXY_GENERAL
                   : cd == 92 ? XSOCK_EPROXYAUTH
                   : cd == 93 ? XSOCK_EPROXYAUTH
                              : XSOCK_EPROXYPROTO;
        assert_int_equal(xsock__socks4_start(&hs, 1, "u", "h", 80), XSOCK_OK);
        assert_int_equal(hs_sim_whole(&hs, r, sizeof r, &sim), want);
        if (cd != 90) {
            char code[8];
            snprintf(code, sizeof code, "%d", cd);
            assert_non_null(strstr(xsock__hs_detail(&hs), code));
        }
    }
    /* dante's refusal, as bytes */
    assert_int_equal(xsock__socks4_start(&hs, 0, NULL, "127.0.0.1", 9), XSOCK_OK);
    assert_int_equal(hs_sim_whole(&hs, B(0x00, 0x5b, 0, 9, 127, 0, 0, 1), 8, &sim),
                     XSOCK_EPROXY_GENERAL);
    assert_string_equal(xsock__hs_detail(&hs), "SOCKS4 reply 91 (0x5b: request rejected or failed)");
}

static void wrong_version(void **state)
{
    (void)state;
    /* microsocks answers a SOCKS4 request with "05 ff" and closes */
    assert_int_equal(xsock__socks4_start(&hs, 0, NULL, "127.0.0.1", 80), XSOCK_OK);
    assert_int_equal(hs_sim_whole(&hs, B(0x05, 0xff), 2, &sim), XSOCK_EPROXYPROTO);
    assert_non_null(strstr(xsock__hs_detail(&hs), "0x05"));
    assert_non_null(strstr(xsock__hs_detail(&hs), "SOCKS5"));
    /* VN 4 (an echo of the request version) and garbage */
    const uint8_t vns[] = {0x04, 0x01, 'H', 0xff};
    for (size_t i = 0; i < sizeof vns; i++) {
        uint8_t r[8] = {vns[i], 0x5a, 0, 0, 0, 0, 0, 0};
        assert_int_equal(xsock__socks4_start(&hs, 0, NULL, "127.0.0.1", 80), XSOCK_OK);
        assert_int_equal(hs_sim_whole(&hs, r, 8, &sim), XSOCK_EPROXYPROTO);
        assert_non_null(strstr(xsock__hs_detail(&hs), "version"));
    }
}

static void truncated_replies(void **state)
{
    (void)state;
    for (size_t cut = 0; cut < 8; cut++) {
        assert_int_equal(xsock__socks4_start(&hs, 0, NULL, "127.0.0.1", 80), XSOCK_OK);
        assert_int_equal(hs_sim_whole(&hs, ok_dante, cut, &sim), XSOCK_EPROXYPROTO);
        char want[64];
        snprintf(want, sizeof want, "after %u of 8 bytes", (unsigned)cut);
        assert_non_null(strstr(xsock__hs_detail(&hs), want));
    }
    /* ssh -D closes without a reply on failure */
    assert_int_equal(xsock__socks4_start(&hs, 1, NULL, "nonexistent.invalid", 80), XSOCK_OK);
    assert_int_equal(hs_sim_run(&hs, NULL, 0, &sim), XSOCK_EPROXYPROTO);
    assert_non_null(strstr(xsock__hs_detail(&hs), "SOCKS4a: proxy closed"));
}

static void partial_input_and_leftover(void **state)
{
    (void)state;
    uint8_t stream[8 + 12];
    memcpy(stream, ok_dante, 8);
    memcpy(stream + 8, "hello-origin", 12);
    for (size_t chunk = 1; chunk <= sizeof stream; chunk++) {
        assert_int_equal(xsock__socks4_start(&hs, 0, "u", "127.0.0.1", 80), XSOCK_OK);
        assert_int_equal(hs_sim_chunked(&hs, stream, sizeof stream, chunk, &sim), XSOCK_OK);
        assert_int_equal(sim.leftover_len, 12);
        assert_memory_equal(sim.leftover, "hello-origin", 12);
        assert_int_equal(xsock__hs_bound_addr(&hs)->port, 54321);
    }
    /* the contract directly: used stops at the end of the reply */
    size_t n, used;
    assert_int_equal(xsock__socks4_start(&hs, 0, "u", "127.0.0.1", 80), XSOCK_OK);
    xsock__hs_output(&hs, &n);
    assert_int_equal(xsock__hs_input(&hs, stream, 3, &used), XSOCK__HS_WANT_WRITE); /* not sent yet */
    assert_int_equal(used, 0);
    xsock__hs_output_sent(&hs, n);
    assert_int_equal(xsock__hs_input(&hs, stream, 3, &used), XSOCK__HS_WANT_READ);
    assert_int_equal(used, 3);
    assert_int_equal(xsock__hs_input(&hs, stream + 3, sizeof stream - 3, &used), XSOCK_OK);
    assert_int_equal(used, 5);
    /* a failure one byte at a time */
    uint8_t bad[8] = {0x00, 0x5c, 0, 0, 0, 0, 0, 0};
    assert_int_equal(xsock__socks4_start(&hs, 0, "u", "127.0.0.1", 80), XSOCK_OK);
    assert_int_equal(hs_sim_chunked(&hs, bad, 8, 1, &sim), XSOCK_EPROXYAUTH);
    assert_int_equal(sim.recvs, 2); /* decided at the CD byte */
}

static void start_from_url(void **state)
{
    (void)state;
    xsock__proxy_url u;
    size_t n;
    /* socks4: the user is the USERID, a password is ignored */
    assert_int_equal(xsock__proxy_url_parse("socks4://alice:ignored@proxy", &u), XSOCK_OK);
    assert_int_equal(xsock__hs_start(&hs, &u, "127.0.0.1", 80), XSOCK_OK);
    const uint8_t *o = xsock__hs_output(&hs, &n);
    static const uint8_t want[] = {0x04, 0x01, 0x00, 0x50, 127, 0, 0, 1,
                                   'a',  'l',  'i',  'c',  'e', 0x00};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(o, want, sizeof want);
    assert_false(hs_contains(&hs, sizeof hs, "ignored"));
    /* socks4 needs an address */
    assert_int_equal(xsock__hs_start(&hs, &u, "example.com", 80), XSOCK_EINVAL);
    xsock__addr a;
    xsock__addr_parse("10.0.0.1", 1234, &a);
    assert_int_equal(xsock__hs_start_addr(&hs, &u, &a), XSOCK_OK);
    o = xsock__hs_output(&hs, &n);
    assert_int_equal(o[2], 1234 >> 8);
    assert_int_equal(o[3], 1234 & 0xff);
    /* socks4a sends the name */
    assert_int_equal(xsock__proxy_url_parse("socks4a://proxy:1081", &u), XSOCK_OK);
    assert_int_equal(xsock__hs_start(&hs, &u, "example.com", 80), XSOCK_OK);
    assert_int_equal(hs.proto, XSOCK__HS_SOCKS4A);
    assert_int_equal(xsock__hs_start(&hs, &u, "::1", 80), XSOCK_EAFNOSUPPORT);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_ipv4),
        cmocka_unit_test(request_socks4a_name),
        cmocka_unit_test(socks4a_with_ipv4_literal_is_plain_socks4),
        cmocka_unit_test(ipv6_targets_are_eafnosupport),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(success_replies),
        cmocka_unit_test(every_reply_code),
        cmocka_unit_test(wrong_version),
        cmocka_unit_test(truncated_replies),
        cmocka_unit_test(partial_input_and_leftover),
        cmocka_unit_test(start_from_url),
    };
    return XT_RUN(tests);
}
