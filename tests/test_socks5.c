/* SPDX-License-Identifier: MIT */
/* SOCKS5 handshake state machine (src/socks5.c) on byte arrays: requests,
   every reply code, every ATYP of the bound address, truncation, garbage,
   partial input, leftover bytes, secrets.  Replies are the exact bytes of
   dante, microsocks, ssh -D and v2ray (shared/peers/README.md §3). */
#include <string.h>

#include "xtest.h"

#include "hs_sim.h"
#include "proxy/proxy_url.h"
#include "proxy/socks5.h"

#define B(...) ((const uint8_t[]){__VA_ARGS__})
#define SEG(...) {B(__VA_ARGS__), sizeof(B(__VA_ARGS__))}

static xsock__hs hs;
static hs_sim sim;

static const uint8_t greet_noauth[] = {0x05, 0x01, 0x00};
static const uint8_t greet_auth[] = {0x05, 0x02, 0x00, 0x02};
static const uint8_t req_v4_80[] = {0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, 0x00, 0x50};
/* dante: success with its real outgoing address and port */
static const uint8_t ok_dante[] = {0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0xd4, 0x31};
/* microsocks / ssh -D: always 0.0.0.0:0 */
static const uint8_t ok_zero[] = {0x05, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0};

static void start_noauth(const char *host, uint16_t port)
{
    assert_int_equal(xsock__socks5_start(&hs, NULL, NULL, host, port), XSOCK_OK);
}

/* ---- requests -------------------------------------------------------------- */

static void greeting_without_credentials(void **state)
{
    (void)state;
    start_noauth("127.0.0.1", 80);
    size_t n;
    const uint8_t *o = xsock__hs_output(&hs, &n);
    assert_int_equal(n, 3);
    assert_memory_equal(o, greet_noauth, 3);
    assert_int_equal(xsock__hs_status(&hs), XSOCK__HS_WANT_WRITE);
}

static void greeting_with_credentials(void **state)
{
    (void)state;
    assert_int_equal(xsock__socks5_start(&hs, "user", "pass", "127.0.0.1", 80), XSOCK_OK);
    size_t n;
    const uint8_t *o = xsock__hs_output(&hs, &n);
    assert_int_equal(n, 4);
    assert_memory_equal(o, greet_auth, 4);
}

static void request_atyp_encodings(void **state)
{
    (void)state;
    hs_seg segs[] = {SEG(0x05, 0x00), {ok_zero, sizeof ok_zero}};
    /* IPv6 literal, bare and bracketed */
    static const uint8_t v6[] = {0x05, 0x01, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0,
                                 0, 0, 0, 0, 0, 0, 0, 1, 0x1f, 0x90};
    const char *v6hosts[] = {"::1", "[::1]"};
    for (int i = 0; i < 2; i++) {
        start_noauth(v6hosts[i], 8080);
        assert_int_equal(hs_sim_run(&hs, segs, 2, &sim), XSOCK_OK);
        assert_int_equal(sim.sent_len, 3 + sizeof v6);
        assert_memory_equal(sim.sent + 3, v6, sizeof v6);
    }
    /* a name: ATYP 03 */
    static const uint8_t name[] = {0x05, 0x01, 0x00, 0x03, 11,  'e', 'x', 'a', 'm', 'p',
                                   'l',  'e',  '.',  'c',  'o', 'm', 0x01, 0xbb};
    start_noauth("example.com", 443);
    assert_int_equal(hs_sim_run(&hs, segs, 2, &sim), XSOCK_OK);
    assert_int_equal(sim.sent_len, 3 + sizeof name);
    assert_memory_equal(sim.sent + 3, name, sizeof name);
    /* IPv4 */
    start_noauth("127.0.0.1", 80);
    assert_int_equal(hs_sim_run(&hs, segs, 2, &sim), XSOCK_OK);
    assert_memory_equal(sim.sent + 3, req_v4_80, sizeof req_v4_80);
}

static void start_rejects_bad_arguments(void **state)
{
    (void)state;
    char longname[300];
    memset(longname, 'a', sizeof longname);
    longname[255] = '\0';
    assert_int_equal(xsock__socks5_start(&hs, NULL, NULL, longname, 80), XSOCK_OK);
    longname[255] = 'a';
    longname[256] = '\0';
    assert_int_equal(xsock__socks5_start(&hs, NULL, NULL, longname, 80), XSOCK_EINVAL);
    assert_non_null(strstr(xsock__hs_detail(&hs), "255"));
    assert_int_equal(xsock__socks5_start(&hs, NULL, NULL, "", 80), XSOCK_EINVAL);
    assert_int_equal(xsock__socks5_start(&hs, NULL, NULL, NULL, 80), XSOCK_EINVAL);
    assert_int_equal(xsock__socks5_start(&hs, NULL, NULL, "h", 0), XSOCK_EINVAL);
    assert_int_equal(xsock__socks5_start(&hs, "", "p", "h", 1), XSOCK_EINVAL);
    longname[255] = '\0';
    assert_int_equal(xsock__socks5_start(&hs, longname, longname, "h", 1), XSOCK_OK);
    longname[255] = 'a';
    assert_int_equal(xsock__socks5_start(&hs, longname, "p", "h", 1), XSOCK_EINVAL);
    assert_int_equal(xsock__socks5_start(&hs, "u", longname, "h", 1), XSOCK_EINVAL);
    /* nothing to send after a failed start */
    size_t n;
    xsock__hs_output(&hs, &n);
    assert_int_equal(n, 0);
    assert_null(strstr(xsock__hs_detail(&hs), longname));
}

/* ---- the round trips -------------------------------------------------------- */

static void noauth_is_send_recv_send_recv(void **state)
{
    (void)state;
    start_noauth("127.0.0.1", 80);
    hs_seg segs[] = {SEG(0x05, 0x00), {ok_dante, sizeof ok_dante}};
    assert_int_equal(hs_sim_run(&hs, segs, 2, &sim), XSOCK_OK);
    assert_int_equal(sim.sends, 2);
    assert_int_equal(sim.recvs, 2);
    assert_int_equal(sim.sent_len, 3 + sizeof req_v4_80);
    assert_memory_equal(sim.sent, greet_noauth, 3);
    assert_memory_equal(sim.sent + 3, req_v4_80, sizeof req_v4_80);
    assert_int_equal(sim.leftover_len, 0);
    const xsock__hs_bound *b = xsock__hs_bound_addr(&hs);
    assert_non_null(b);
    assert_int_equal(b->atyp, XSOCK__ATYP_IPV4);
    assert_int_equal(b->port, 54321);
    char txt[XSOCK__ADDRSTRLEN];
    assert_int_equal(xsock__addr_format(&b->addr, txt, sizeof txt), XSOCK_OK);
    assert_string_equal(txt, "127.0.0.1:54321");
    assert_string_equal(xsock__hs_detail(&hs), "");
}

static void userpass_is_three_round_trips(void **state)
{
    (void)state;
    assert_int_equal(xsock__socks5_start(&hs, "user", "pass", "127.0.0.1", 80), XSOCK_OK);
    /* microsocks --auth: picks 02, accepts, replies 0.0.0.0:0 */
    hs_seg segs[] = {SEG(0x05, 0x02), SEG(0x01, 0x00), {ok_zero, sizeof ok_zero}};
    assert_int_equal(hs_sim_run(&hs, segs, 3, &sim), XSOCK_OK);
    assert_int_equal(sim.sends, 3);
    assert_int_equal(sim.recvs, 3);
    static const uint8_t auth[] = {0x01, 4, 'u', 's', 'e', 'r', 4, 'p', 'a', 's', 's'};
    assert_int_equal(sim.sent_len, 4 + sizeof auth + sizeof req_v4_80);
    assert_memory_equal(sim.sent, greet_auth, 4);
    assert_memory_equal(sim.sent + 4, auth, sizeof auth);
    assert_memory_equal(sim.sent + 4 + sizeof auth, req_v4_80, sizeof req_v4_80);
    /* the password is gone from the machine */
    assert_false(hs_contains(&hs, sizeof hs, "pass"));
    const xsock__hs_bound *b = xsock__hs_bound_addr(&hs);
    assert_int_equal(b->atyp, XSOCK__ATYP_IPV4);
    assert_int_equal(b->port, 0);
}

static void credentials_offered_but_noauth_chosen(void **state)
{
    (void)state;
    assert_int_equal(xsock__socks5_start(&hs, "user", "secret", "127.0.0.1", 80), XSOCK_OK);
    hs_seg segs[] = {SEG(0x05, 0x00), {ok_zero, sizeof ok_zero}};
    assert_int_equal(hs_sim_run(&hs, segs, 2, &sim), XSOCK_OK);
    assert_int_equal(sim.sends, 2);
    assert_int_equal(sim.sent_len, 4 + sizeof req_v4_80);
    assert_memory_equal(sim.sent + 4, req_v4_80, sizeof req_v4_80);
    assert_false(hs_contains(sim.sent, sim.sent_len, "secret"));
    assert_false(hs_contains(&hs, sizeof hs, "secret"));
}

static void empty_password_is_sent_as_plen_zero(void **state)
{
    (void)state;
    assert_int_equal(xsock__socks5_start(&hs, "u", NULL, "127.0.0.1", 80), XSOCK_OK);
    hs_seg segs[] = {SEG(0x05, 0x02), SEG(0x01, 0x00), {ok_zero, sizeof ok_zero}};
    assert_int_equal(hs_sim_run(&hs, segs, 3, &sim), XSOCK_OK);
    static const uint8_t auth[] = {0x01, 1, 'u', 0};
    assert_memory_equal(sim.sent + 4, auth, sizeof auth);
}

static void output_may_be_sent_in_pieces(void **state)
{
    (void)state;
    assert_int_equal(xsock__socks5_start(&hs, "user", "pass", "example.org", 443), XSOCK_OK);
    hs_seg segs[] = {SEG(0x05, 0x02), SEG(0x01, 0x00), {ok_zero, sizeof ok_zero}};
    sim.send_chunk = 1;
    int rc = hs_sim_run(&hs, segs, 3, &sim);
    sim.send_chunk = 0;
    assert_int_equal(rc, XSOCK_OK);
    assert_int_equal(sim.sent_len, 4 + 11 + 4 + 1 + 11 + 2);
    assert_int_equal(sim.sends, (int)sim.sent_len);
}

/* ---- method negotiation failures -------------------------------------------- */

static void method_no_acceptable(void **state)
{
    (void)state;
    /* dante, microsocks, v2ray: 05 ff */
    start_noauth("127.0.0.1", 80);
    hs_seg segs[] = {SEG(0x05, 0xff)};
    assert_int_equal(hs_sim_run(&hs, segs, 1, &sim), XSOCK_EPROXYAUTH);
    assert_non_null(strstr(xsock__hs_detail(&hs), "0xff"));
    assert_int_equal(xsock__socks5_start(&hs, "u", "hunter2", "127.0.0.1", 80), XSOCK_OK);
    assert_int_equal(hs_sim_run(&hs, segs, 1, &sim), XSOCK_EPROXYAUTH);
    assert_null(strstr(xsock__hs_detail(&hs), "hunter2"));
    assert_false(hs_contains(&hs, sizeof hs, "hunter2"));
}

static void method_not_offered(void **state)
{
    (void)state;
    /* 02 without credentials, GSSAPI 01, and anything else */
    const uint8_t methods[] = {0x02, 0x01, 0x03, 0x80, 0xfe};
    for (size_t i = 0; i < sizeof methods; i++) {
        start_noauth("127.0.0.1", 80);
        uint8_t r[2] = {0x05, methods[i]};
        assert_int_equal(hs_sim_whole(&hs, r, 2, &sim), XSOCK_EPROXYPROTO);
        assert_non_null(strstr(xsock__hs_detail(&hs), "not offered"));
    }
    assert_int_equal(xsock__socks5_start(&hs, "u", "p", "127.0.0.1", 80), XSOCK_OK);
    assert_int_equal(hs_sim_whole(&hs, B(0x05, 0x01), 2, &sim), XSOCK_EPROXYPROTO);
}

static void method_reply_wrong_version(void **state)
{
    (void)state;
    /* a SOCKS4 server's reply, a SOCKS4 version, an HTTP proxy */
    const char *bad[] = {"\x00\x5a", "\x04\x00", "HT"};
    for (size_t i = 0; i < 3; i++) {
        start_noauth("127.0.0.1", 80);
        assert_int_equal(hs_sim_whole(&hs, (const uint8_t *)bad[i], 2, &sim), XSOCK_EPROXYPROTO);
        assert_non_null(strstr(xsock__hs_detail(&hs), "version"));
    }
}

/* ---- RFC 1929 -------------------------------------------------------------- */

static void auth_rejected(void **state)
{
    (void)state;
    /* dante 01 01, microsocks 01 02, v2ray 01 ff */
    const uint8_t status[] = {0x01, 0x02, 0xff};
    const char *want[] = {"0x01", "0x02", "0xff"};
    for (size_t i = 0; i < sizeof status; i++) {
        assert_int_equal(xsock__socks5_start(&hs, "alice", "s3cr3t-pw", "127.0.0.1", 80),
                         XSOCK_OK);
        hs_seg segs[] = {SEG(0x05, 0x02), {(const uint8_t[]){0x01, status[i]}, 2}};
        assert_int_equal(hs_sim_run(&hs, segs, 2, &sim), XSOCK_EPROXYAUTH);
        assert_non_null(strstr(xsock__hs_detail(&hs), want[i]));
        assert_null(strstr(xsock__hs_detail(&hs), "s3cr3t-pw"));
        assert_false(hs_contains(&hs, sizeof hs, "s3cr3t-pw"));
    }
}

static void auth_reply_wrong_version(void **state)
{
    (void)state;
    assert_int_equal(xsock__socks5_start(&hs, "u", "p", "127.0.0.1", 80), XSOCK_OK);
    hs_seg segs[] = {SEG(0x05, 0x02), SEG(0x05, 0x00)};
    assert_int_equal(hs_sim_run(&hs, segs, 2, &sim), XSOCK_EPROXYPROTO);
    assert_non_null(strstr(xsock__hs_detail(&hs), "0x05"));
}

static void auth_closed(void **state)
{
    (void)state;
    assert_int_equal(xsock__socks5_start(&hs, "u", "p", "127.0.0.1", 80), XSOCK_OK);
    hs_seg segs[] = {SEG(0x05, 0x02), SEG(0x01)};
    assert_int_equal(hs_sim_run(&hs, segs, 2, &sim), XSOCK_EPROXYPROTO);
    assert_non_null(strstr(xsock__hs_detail(&hs), "closed"));
    assert_non_null(strstr(xsock__hs_detail(&hs), "username/password"));
}

/* ---- the CONNECT reply -------------------------------------------------------- */

static void every_reply_code(void **state)
{
    (void)state;
    static const int want[] = {
        XSOCK_OK,
        XSOCK_EPROXY_GENERAL,
        XSOCK_EPROXY_NOTALLOWED,
        XSOCK_EPROXY_NETUNREACH,
        XSOCK_EPROXY_HOSTUNREACH,
        XSOCK_EPROXY_CONNREFUSED,
        XSOCK_EPROXY_TTLEXPIRED,
        XSOCK_EPROXY_CMDNOTSUP,
        XSOCK_EPROXY_ATYPNOTSUP,
    };
    for (int rep = 0; rep <= 0xff; rep++) {
        start_noauth("127.0.0.1", 80);
        uint8_t r[10] = {0x05, (uint8_t)rep, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
        hs_seg segs[] = {SEG(0x05, 0x00), {r, sizeof r}};
        int expect = rep <= 8 ? want[rep] : XSOCK_EPROXY_GENERAL;
        assert_int_equal(hs_sim_run(&hs, segs, 2, &sim), expect);
        if (rep) {
            char code[16];
            snprintf(code, sizeof code, "0x%02x", rep);
            assert_non_null(strstr(xsock__hs_detail(&hs), code));
            assert_int_equal(xsock__socks5_rep_code(rep), expect);
        }
    }
    assert_string_equal(xsock__socks5_rep_text(5), "connection refused by target");
}

static void real_failure_replies(void **state)
{
    (void)state;
    /* dante, DNS failure: ATYP 3 echoes the name */
    static const uint8_t dante_dns[] = {0x05, 0x04, 0x00, 0x03, 0x14, 'n', 'o', '-', 's', 'u',
                                        'c',  'h',  '-',  'h',  'o',  's', 't', '.', 'i', 'n',
                                        'v',  'a',  'l',  'i',  'd',  0x00, 0x50};
    /* dante with an IPv4-only external address, IPv6 target */
    static const uint8_t dante_atyp[] = {0x05, 0x08, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0,
                                         0,    0,    0,    0,    0, 0, 1, 0x1f, 0x90};
    /* refused (dante and microsocks) */
    static const uint8_t refused[] = {0x05, 0x05, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
    struct {
        const char *host;
        const uint8_t *r;
        size_t n;
        int want;
    } cases[] = {
        {"no-such-host.invalid", dante_dns, sizeof dante_dns, XSOCK_EPROXY_HOSTUNREACH},
        {"::1", dante_atyp, sizeof dante_atyp, XSOCK_EPROXY_ATYPNOTSUP},
        {"127.0.0.1", refused, sizeof refused, XSOCK_EPROXY_CONNREFUSED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        start_noauth(cases[i].host, 80);
        hs_seg segs[] = {SEG(0x05, 0x00), {cases[i].r, cases[i].n}};
        assert_int_equal(hs_sim_run(&hs, segs, 2, &sim), cases[i].want);
        /* one byte at a time: the same */
        uint8_t all[64];
        all[0] = 0x05;
        all[1] = 0x00;
        memcpy(all + 2, cases[i].r, cases[i].n);
        start_noauth(cases[i].host, 80);
        assert_int_equal(hs_sim_chunked(&hs, all, cases[i].n + 2, 1, &sim), cases[i].want);
    }
}

static void v2ray_success_then_close(void **state)
{
    (void)state;
    /* v2ray answers "05 00" and closes when the target refuses */
    start_noauth("127.0.0.1", 80);
    hs_seg segs[] = {SEG(0x05, 0x00), SEG(0x05, 0x00)};
    assert_int_equal(hs_sim_run(&hs, segs, 2, &sim), XSOCK_EPROXYPROTO);
    assert_non_null(strstr(xsock__hs_detail(&hs), "after 2 bytes of the connect reply"));
}

static void ssh_closes_without_reply(void **state)
{
    (void)state;
    start_noauth("127.0.0.1", 80);
    assert_int_equal(hs_sim_run(&hs, NULL, 0, &sim), XSOCK_EPROXYPROTO);
    assert_non_null(strstr(xsock__hs_detail(&hs), "after 0 of 2 bytes of the method reply"));
    start_noauth("127.0.0.1", 80);
    hs_seg segs[] = {SEG(0x05, 0x00)};
    assert_int_equal(hs_sim_run(&hs, segs, 1, &sim), XSOCK_EPROXYPROTO);
    assert_non_null(strstr(xsock__hs_detail(&hs), "after 0 bytes of the connect reply"));
}

static void bound_address_every_atyp(void **state)
{
    (void)state;
    /* IPv4 */
    start_noauth("127.0.0.1", 80);
    hs_seg s4[] = {SEG(0x05, 0x00), SEG(0x05, 0x00, 0x00, 0x01, 10, 1, 2, 3, 0x12, 0x34)};
    assert_int_equal(hs_sim_run(&hs, s4, 2, &sim), XSOCK_OK);
    const xsock__hs_bound *b = xsock__hs_bound_addr(&hs);
    char txt[XSOCK__ADDRSTRLEN];
    assert_int_equal(b->atyp, XSOCK__ATYP_IPV4);
    xsock__addr_format(&b->addr, txt, sizeof txt);
    assert_string_equal(txt, "10.1.2.3:4660");
    /* IPv6 (dante for an IPv6 target) */
    start_noauth("::1", 80);
    hs_seg s6[] = {SEG(0x05, 0x00), SEG(0x05, 0x00, 0x00, 0x04, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0,
                                        0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xc0, 0x00)};
    assert_int_equal(hs_sim_run(&hs, s6, 2, &sim), XSOCK_OK);
    b = xsock__hs_bound_addr(&hs);
    assert_int_equal(b->atyp, XSOCK__ATYP_IPV6);
    assert_int_equal(b->addr.family, XSOCK_AF_INET6);
    xsock__addr_format(&b->addr, txt, sizeof txt);
    assert_string_equal(txt, "[2001:db8::1]:49152");
    /* DOMAINNAME */
    start_noauth("example.com", 80);
    hs_seg sd[] = {SEG(0x05, 0x00),
                   SEG(0x05, 0x00, 0x00, 0x03, 9, 'p', 'r', 'o', 'x', 'y', '.', 'l', 'a', 'n', 0x04, 0x38)};
    assert_int_equal(hs_sim_run(&hs, sd, 2, &sim), XSOCK_OK);
    b = xsock__hs_bound_addr(&hs);
    assert_int_equal(b->atyp, XSOCK__ATYP_DOMAIN);
    assert_string_equal(b->name, "proxy.lan");
    assert_int_equal(b->port, 1080);
    /* DOMAINNAME of length 0 */
    start_noauth("example.com", 80);
    hs_seg s0[] = {SEG(0x05, 0x00), SEG(0x05, 0x00, 0x00, 0x03, 0, 0x00, 0x07)};
    assert_int_equal(hs_sim_run(&hs, s0, 2, &sim), XSOCK_OK);
    assert_string_equal(xsock__hs_bound_addr(&hs)->name, "");
    assert_int_equal(xsock__hs_bound_addr(&hs)->port, 7);
    /* DOMAINNAME of length 255 */
    uint8_t big[4 + 1 + 255 + 2 + 5];
    memcpy(big, B(0x05, 0x00, 0x00, 0x03, 255), 5);
    memset(big + 5, 'n', 255);
    big[260] = 0x00;
    big[261] = 0x50;
    memcpy(big + 262, "extra", 5);
    start_noauth("example.com", 80);
    hs_seg sb[] = {SEG(0x05, 0x00), {big, sizeof big}};
    assert_int_equal(hs_sim_run(&hs, sb, 2, &sim), XSOCK_OK);
    assert_int_equal(strlen(xsock__hs_bound_addr(&hs)->name), 255);
    assert_int_equal(sim.leftover_len, 5);
    assert_memory_equal(sim.leftover, "extra", 5);
}

static void unknown_atyp(void **state)
{
    (void)state;
    const uint8_t atyps[] = {0x00, 0x02, 0x05, 0xff};
    for (size_t i = 0; i < sizeof atyps; i++) {
        start_noauth("127.0.0.1", 80);
        uint8_t r[10] = {0x05, 0x00, 0x00, atyps[i], 0, 0, 0, 0, 0, 0};
        hs_seg segs[] = {SEG(0x05, 0x00), {r, sizeof r}};
        assert_int_equal(hs_sim_run(&hs, segs, 2, &sim), XSOCK_EPROXYPROTO);
        assert_non_null(strstr(xsock__hs_detail(&hs), "address type"));
    }
}

static void reply_wrong_version(void **state)
{
    (void)state;
    start_noauth("127.0.0.1", 80);
    hs_seg segs[] = {SEG(0x05, 0x00), SEG(0x00, 0x5a, 0x00, 0x50, 127, 0, 0, 1)};
    assert_int_equal(hs_sim_run(&hs, segs, 2, &sim), XSOCK_EPROXYPROTO);
    assert_non_null(strstr(xsock__hs_detail(&hs), "version 0x00"));
}

static void reserved_byte_is_ignored(void **state)
{
    (void)state;
    start_noauth("127.0.0.1", 80);
    hs_seg segs[] = {SEG(0x05, 0x00), SEG(0x05, 0x00, 0xff, 0x01, 1, 2, 3, 4, 0, 1)};
    assert_int_equal(hs_sim_run(&hs, segs, 2, &sim), XSOCK_OK);
}

static void truncated_replies(void **state)
{
    (void)state;
    /* every prefix of a good IPv4, IPv6 and name reply, then close */
    uint8_t v6[22] = {0x05, 0x00, 0x00, 0x04};
    uint8_t nm[4 + 1 + 3 + 2] = {0x05, 0x00, 0x00, 0x03, 3, 'a', 'b', 'c', 0, 80};
    const struct {
        const uint8_t *r;
        size_t n;
    } replies[] = {{ok_dante, sizeof ok_dante}, {v6, sizeof v6}, {nm, sizeof nm}};
    for (size_t k = 0; k < 3; k++) {
        for (size_t cut = 0; cut < replies[k].n; cut++) {
            start_noauth("127.0.0.1", 80);
            hs_seg segs[] = {SEG(0x05, 0x00), {replies[k].r, cut}};
            assert_int_equal(hs_sim_run(&hs, segs, cut ? 2 : 1, &sim), XSOCK_EPROXYPROTO);
            assert_non_null(strstr(xsock__hs_detail(&hs), "closed"));
        }
        start_noauth("127.0.0.1", 80);
        hs_seg segs[] = {SEG(0x05, 0x00), {replies[k].r, replies[k].n}};
        assert_int_equal(hs_sim_run(&hs, segs, 2, &sim), XSOCK_OK);
    }
    /* the method reply cut after one byte */
    start_noauth("127.0.0.1", 80);
    hs_seg m[] = {SEG(0x05)};
    assert_int_equal(hs_sim_run(&hs, m, 1, &sim), XSOCK_EPROXYPROTO);
    assert_non_null(strstr(xsock__hs_detail(&hs), "after 1 of 2 bytes"));
}

/* ---- partial input and leftover -------------------------------------------------- */

static void one_byte_at_a_time_with_leftover(void **state)
{
    (void)state;
    static const uint8_t stream[] = {0x05, 0x02, 0x01, 0x00, 0x05, 0x00, 0x00, 0x03, 3, 'a', 'b',
                                     'c',  0x00, 0x50, 'S',  'S',  'H',  '-',  '2', '.', '0'};
    for (size_t chunk = 1; chunk <= sizeof stream; chunk++) {
        assert_int_equal(xsock__socks5_start(&hs, "u", "p", "example.com", 22), XSOCK_OK);
        assert_int_equal(hs_sim_chunked(&hs, stream, sizeof stream, chunk, &sim), XSOCK_OK);
        assert_int_equal(sim.leftover_len, 7);
        assert_memory_equal(sim.leftover, "SSH-2.0", 7);
        assert_string_equal(xsock__hs_bound_addr(&hs)->name, "abc");
        assert_int_equal(sim.sent_len, 4 + 5 + 4 + 1 + 11 + 2);
    }
}

static void leftover_in_the_same_recv(void **state)
{
    (void)state;
    /* the target's banner arrives with the reply */
    start_noauth("127.0.0.1", 25);
    uint8_t r[sizeof ok_dante + 9];
    memcpy(r, ok_dante, sizeof ok_dante);
    memcpy(r + sizeof ok_dante, "220 hi\r\n", 9);
    hs_seg segs[] = {SEG(0x05, 0x00), {r, sizeof r}};
    assert_int_equal(hs_sim_run(&hs, segs, 2, &sim), XSOCK_OK);
    assert_int_equal(sim.recvs, 2);
    assert_int_equal(sim.leftover_len, 9);
    assert_memory_equal(sim.leftover, "220 hi\r\n", 9);
    /* direct use of the contract: used = the reply's length */
    start_noauth("127.0.0.1", 25);
    size_t n, used;
    xsock__hs_output(&hs, &n);
    xsock__hs_output_sent(&hs, n);
    assert_int_equal(xsock__hs_input(&hs, B(0x05, 0x00), 2, &used), XSOCK__HS_WANT_WRITE);
    assert_int_equal(used, 2);
    xsock__hs_output(&hs, &n);
    assert_int_equal(n, sizeof req_v4_80);
    xsock__hs_output_sent(&hs, n);
    assert_int_equal(xsock__hs_input(&hs, r, sizeof r, &used), XSOCK_OK);
    assert_int_equal(used, sizeof ok_dante);
}

static void replies_in_one_recv_before_the_request(void **state)
{
    (void)state;
    /* a server that answers everything at once: the machine stops at the
       end of the method reply, asks for the request to be sent, then takes
       the rest */
    start_noauth("127.0.0.1", 80);
    uint8_t r[2 + sizeof ok_zero + 3];
    memcpy(r, B(0x05, 0x00), 2);
    memcpy(r + 2, ok_zero, sizeof ok_zero);
    memcpy(r + 2 + sizeof ok_zero, "abc", 3);
    assert_int_equal(hs_sim_whole(&hs, r, sizeof r, &sim), XSOCK_OK);
    assert_int_equal(sim.recvs, 1);
    assert_int_equal(sim.sends, 2);
    assert_int_equal(sim.leftover_len, 3);
    size_t n, used;
    start_noauth("127.0.0.1", 80);
    xsock__hs_output(&hs, &n);
    xsock__hs_output_sent(&hs, n);
    assert_int_equal(xsock__hs_input(&hs, r, sizeof r, &used), XSOCK__HS_WANT_WRITE);
    assert_int_equal(used, 2);
    /* input while output is pending: refused without consuming */
    assert_int_equal(xsock__hs_input(&hs, r + 2, sizeof r - 2, &used), XSOCK__HS_WANT_WRITE);
    assert_int_equal(used, 0);
}

static void results_are_final(void **state)
{
    (void)state;
    size_t n, used;
    start_noauth("127.0.0.1", 80);
    hs_seg segs[] = {SEG(0x05, 0x00), SEG(0x05, 0x05)};
    assert_int_equal(hs_sim_run(&hs, segs, 2, &sim), XSOCK_EPROXY_CONNREFUSED);
    assert_int_equal(xsock__hs_input(&hs, B(0x05, 0x00), 2, &used), XSOCK_EPROXY_CONNREFUSED);
    assert_int_equal(used, 0);
    assert_int_equal(xsock__hs_eof(&hs), XSOCK_EPROXY_CONNREFUSED);
    assert_int_equal(xsock__hs_status(&hs), XSOCK_EPROXY_CONNREFUSED);
    xsock__hs_output(&hs, &n);
    assert_int_equal(n, 0);
    start_noauth("127.0.0.1", 80);
    hs_seg ok[] = {SEG(0x05, 0x00), {ok_zero, sizeof ok_zero}};
    assert_int_equal(hs_sim_run(&hs, ok, 2, &sim), XSOCK_OK);
    assert_int_equal(xsock__hs_input(&hs, B(1, 2, 3), 3, &used), XSOCK_OK);
    assert_int_equal(used, 0);
    assert_int_equal(xsock__hs_eof(&hs), XSOCK_OK);
    xsock__hs_wipe(&hs);
    assert_null(xsock__hs_bound_addr(&hs));
}

/* ---- from a URL ---------------------------------------------------------------- */

static void start_from_url(void **state)
{
    (void)state;
    xsock__proxy_url u;
    assert_int_equal(xsock__proxy_url_parse("socks5h://bob:pw%21@proxy:1080", &u), XSOCK_OK);
    assert_int_equal(xsock__hs_start(&hs, &u, "example.com", 443), XSOCK_OK);
    hs_seg segs[] = {SEG(0x05, 0x02), SEG(0x01, 0x00), {ok_zero, sizeof ok_zero}};
    assert_int_equal(hs_sim_run(&hs, segs, 3, &sim), XSOCK_OK);
    static const uint8_t auth[] = {0x01, 3, 'b', 'o', 'b', 3, 'p', 'w', '!'};
    assert_memory_equal(sim.sent + 4, auth, sizeof auth);
    assert_int_equal(sim.sent[4 + sizeof auth + 3], XSOCK__ATYP_DOMAIN);

    /* socks5:// resolves locally: a name is refused, an address is sent */
    assert_int_equal(xsock__proxy_url_parse("socks5://proxy", &u), XSOCK_OK);
    assert_int_equal(xsock__hs_start(&hs, &u, "example.com", 443), XSOCK_EINVAL);
    xsock__addr a;
    assert_int_equal(xsock__addr_parse("2001:db8::5", 443, &a), XSOCK_OK);
    assert_int_equal(xsock__hs_start_addr(&hs, &u, &a), XSOCK_OK);
    hs_seg segs2[] = {SEG(0x05, 0x00), {ok_zero, sizeof ok_zero}};
    assert_int_equal(hs_sim_run(&hs, segs2, 2, &sim), XSOCK_OK);
    assert_int_equal(sim.sent[3 + 3], XSOCK__ATYP_IPV6);
    assert_memory_equal(sim.sent + 3 + 4, a.ip, 16);
    assert_int_equal(sim.sent[3 + 20], 443 >> 8);
    assert_int_equal(sim.sent[3 + 21], 443 & 0xff);

    assert_int_equal(xsock__proxy_url_parse("direct", &u), XSOCK_OK);
    assert_int_equal(xsock__hs_start(&hs, &u, "example.com", 443), XSOCK_EINVAL);
    assert_int_equal(xsock__hs_start(&hs, NULL, "example.com", 443), XSOCK_EINVAL);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(greeting_without_credentials),
        cmocka_unit_test(greeting_with_credentials),
        cmocka_unit_test(request_atyp_encodings),
        cmocka_unit_test(start_rejects_bad_arguments),
        cmocka_unit_test(noauth_is_send_recv_send_recv),
        cmocka_unit_test(userpass_is_three_round_trips),
        cmocka_unit_test(credentials_offered_but_noauth_chosen),
        cmocka_unit_test(empty_password_is_sent_as_plen_zero),
        cmocka_unit_test(output_may_be_sent_in_pieces),
        cmocka_unit_test(method_no_acceptable),
        cmocka_unit_test(method_not_offered),
        cmocka_unit_test(method_reply_wrong_version),
        cmocka_unit_test(auth_rejected),
        cmocka_unit_test(auth_reply_wrong_version),
        cmocka_unit_test(auth_closed),
        cmocka_unit_test(every_reply_code),
        cmocka_unit_test(real_failure_replies),
        cmocka_unit_test(v2ray_success_then_close),
        cmocka_unit_test(ssh_closes_without_reply),
        cmocka_unit_test(bound_address_every_atyp),
        cmocka_unit_test(unknown_atyp),
        cmocka_unit_test(reply_wrong_version),
        cmocka_unit_test(reserved_byte_is_ignored),
        cmocka_unit_test(truncated_replies),
        cmocka_unit_test(one_byte_at_a_time_with_leftover),
        cmocka_unit_test(leftover_in_the_same_recv),
        cmocka_unit_test(replies_in_one_recv_before_the_request),
        cmocka_unit_test(results_are_final),
        cmocka_unit_test(start_from_url),
    };
    return XT_RUN(tests);
}
