/* SPDX-License-Identifier: MIT */
/* HTTP CONNECT state machine (src/http_connect.c) on byte arrays: the exact
   request, Basic credentials, the status mapping of DESIGN.md with the
   replies of squid, tinyproxy, privoxy, ncat and v2ray
   (shared/peers/README.md §3), header limits, garbage, partial input and
   the bytes after the header. */
#include <stdlib.h>
#include <string.h>

#include "xtest.h"

#include "hs_sim.h"
#include "proxy/http_connect.h"
#include "proxy/proxy_url.h"

static xsock__hs hs;
static hs_sim sim;

static int run_text(const char *reply, size_t chunk)
{
    assert_int_equal(xsock__http_connect_start(&hs, NULL, NULL, "127.0.0.1", 9), XSOCK_OK);
    if (chunk) return hs_sim_chunked(&hs, (const uint8_t *)reply, strlen(reply), chunk, &sim);
    return hs_sim_whole(&hs, (const uint8_t *)reply, strlen(reply), &sim);
}

/* ---- the request -------------------------------------------------------------- */

static void request_without_credentials(void **state)
{
    (void)state;
    size_t n;
    assert_int_equal(xsock__http_connect_start(&hs, NULL, NULL, "example.com", 443), XSOCK_OK);
    const uint8_t *o = xsock__hs_output(&hs, &n);
    const char *want = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n";
    assert_int_equal(n, strlen(want));
    assert_memory_equal(o, want, n);
}

static void request_ipv6_is_bracketed(void **state)
{
    (void)state;
    size_t n;
    const char *want = "CONNECT [::1]:8080 HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n";
    const char *hosts[] = {"::1", "[::1]"};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(xsock__http_connect_start(&hs, NULL, NULL, hosts[i], 8080), XSOCK_OK);
        const uint8_t *o = xsock__hs_output(&hs, &n);
        assert_int_equal(n, strlen(want));
        assert_memory_equal(o, want, n);
    }
    assert_int_equal(xsock__http_connect_start(&hs, NULL, NULL, "10.0.0.1", 1), XSOCK_OK);
    const uint8_t *o = xsock__hs_output(&hs, &n);
    assert_memory_equal(o, "CONNECT 10.0.0.1:1 HTTP/1.1\r\nHost: 10.0.0.1:1\r\n\r\n", n);
}

static void basic_credentials_exact(void **state)
{
    (void)state;
    size_t n;
    /* RFC 7617's example */
    assert_int_equal(xsock__http_connect_start(&hs, "Aladdin", "open sesame", "h", 80), XSOCK_OK);
    const uint8_t *o = xsock__hs_output(&hs, &n);
    const char *want = "CONNECT h:80 HTTP/1.1\r\nHost: h:80\r\n"
                       "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n";
    assert_int_equal(n, strlen(want));
    assert_memory_equal(o, want, n);
    /* user with no password: "u:" */
    assert_int_equal(xsock__http_connect_start(&hs, "u", NULL, "h", 80), XSOCK_OK);
    o = xsock__hs_output(&hs, &n);
    assert_true(hs_contains(o, n, "Proxy-Authorization: Basic dTo=\r\n"));
    assert_int_equal(xsock__http_connect_start(&hs, "u", "p", "h", 80), XSOCK_OK);
    o = xsock__hs_output(&hs, &n);
    assert_true(hs_contains(o, n, "Basic dTpw\r\n"));
    /* the longest credentials fit */
    char big[256];
    memset(big, 'z', 255);
    big[255] = '\0';
    assert_int_equal(xsock__http_connect_start(&hs, big, big, big, 65535), XSOCK_OK);
    o = xsock__hs_output(&hs, &n);
    assert_int_equal(n, 8 + 255 + 6 + 11 + 6 + 255 + 6 + 2 + 27 + 684 + 2 + 2);
}

static void base64_vectors(void **state)
{
    (void)state;
    /* RFC 4648 §10 */
    const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char *out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    char buf[16];
    for (int i = 0; i < 7; i++) {
        assert_int_equal(xsock__base64_encode((const uint8_t *)in[i], strlen(in[i]), buf, sizeof buf),
                         strlen(out[i]));
        assert_string_equal(buf, out[i]);
    }
    const uint8_t bin[] = {0xff, 0xfe, 0x00};
    assert_int_equal(xsock__base64_encode(bin, 3, buf, sizeof buf), 4);
    assert_string_equal(buf, "//4A");
    assert_int_equal(xsock__base64_encode(bin, 3, buf, 4), 0); /* no room for the NUL */
}

static void bad_arguments(void **state)
{
    (void)state;
    assert_int_equal(xsock__http_connect_start(&hs, "a:b", "p", "h", 80), XSOCK_EINVAL);
    assert_non_null(strstr(xsock__hs_detail(&hs), "':'"));
    const char *bad_hosts[] = {"a\r\nb", "a\nX-Evil: 1", "a b", "a\tb", "\r", ""};
    for (size_t i = 0; i < sizeof bad_hosts / sizeof bad_hosts[0]; i++)
        assert_int_equal(xsock__http_connect_start(&hs, NULL, NULL, bad_hosts[i], 80), XSOCK_EINVAL);
    assert_int_equal(xsock__http_connect_start(&hs, NULL, NULL, NULL, 80), XSOCK_EINVAL);
    assert_int_equal(xsock__http_connect_start(&hs, "u\r\n", "p", "h", 80), XSOCK_EINVAL);
    assert_int_equal(xsock__http_connect_start(&hs, "u", "p\r\nX: y", "h", 80), XSOCK_EINVAL);
    assert_null(strstr(xsock__hs_detail(&hs), "X: y"));
    assert_int_equal(xsock__http_connect_start(&hs, NULL, NULL, "h", 0), XSOCK_EINVAL);
    char big[300];
    memset(big, 'x', sizeof big);
    big[256] = '\0';
    assert_int_equal(xsock__http_connect_start(&hs, NULL, NULL, big, 80), XSOCK_EINVAL);
    assert_int_equal(xsock__http_connect_start(&hs, big, "p", "h", 80), XSOCK_EINVAL);
    assert_int_equal(xsock__http_connect_start(&hs, "u", big, "h", 80), XSOCK_EINVAL);
    size_t n;
    xsock__hs_output(&hs, &n);
    assert_int_equal(n, 0);
}

/* ---- success --------------------------------------------------------------------- */

static void success_replies_of_real_proxies(void **state)
{
    (void)state;
    const char *ok[] = {
        "HTTP/1.1 200 Connection established\r\n\r\n",                              /* squid, privoxy, v2ray */
        "HTTP/1.0 200 Connection established\r\nProxy-agent: tinyproxy/1.11.1\r\n\r\n", /* tinyproxy */
        "HTTP/1.0 200 OK\r\n\r\n",                                                   /* ncat */
        "HTTP/1.1 200\r\n\r\n",                                                      /* no reason */
        "HTTP/1.1 204 No Content\r\n\r\n",
        "HTTP/1.1 299 x\r\n\r\n",
        "HTTP/1.1 200 OK\n\n",                                                       /* bare LF */
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",                              /* ignored on 2xx */
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",                      /* interim */
        "HTTP/1.1 100 Continue\r\nX: y\r\n\r\nHTTP/1.1 103 Early\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        for (size_t chunk = 0; chunk <= 3; chunk++) {
            assert_int_equal(run_text(ok[i], chunk), XSOCK_OK);
            assert_int_equal(sim.leftover_len, 0);
            assert_int_equal(sim.sends, 1);
            assert_string_equal(xsock__hs_detail(&hs), "");
            assert_int_not_equal(xsock__http_connect_status(&hs), 0);
            assert_null(xsock__hs_bound_addr(&hs));
        }
    assert_int_equal(run_text(ok[0], 0), XSOCK_OK);
    assert_int_equal(sim.recvs, 1);
    assert_int_equal(xsock__http_connect_status(&hs), 200);
}

static void bytes_after_the_header_are_kept(void **state)
{
    (void)state;
    const char *reply = "HTTP/1.0 200 Connection established\r\nProxy-agent: x\r\n\r\n"
                        "SSH-2.0-OpenSSH_9.2\r\n\r\n\n";
    size_t hdr = strlen("HTTP/1.0 200 Connection established\r\nProxy-agent: x\r\n\r\n");
    size_t tail = strlen(reply) - hdr;
    for (size_t chunk = 0; chunk <= strlen(reply); chunk++) {
        assert_int_equal(run_text(reply, chunk), XSOCK_OK);
        assert_int_equal(sim.leftover_len, tail);
        assert_memory_equal(sim.leftover, reply + hdr, tail);
    }
    size_t used;
    assert_int_equal(xsock__http_connect_start(&hs, NULL, NULL, "h", 1), XSOCK_OK);
    size_t n;
    xsock__hs_output(&hs, &n);
    xsock__hs_output_sent(&hs, n);
    assert_int_equal(xsock__hs_input(&hs, (const uint8_t *)reply, strlen(reply), &used), XSOCK_OK);
    assert_int_equal(used, hdr);
}

/* ---- failures ---------------------------------------------------------------------- */

static const char squid_407[] =
    "HTTP/1.1 407 Proxy Authentication Required\r\n"
    "Server: squid/5.7\r\n"
    "Mime-Version: 1.0\r\n"
    "Content-Type: text/html;charset=utf-8\r\n"
    "Content-Length: 3456\r\n"
    "X-Squid-Error: ERR_CACHE_ACCESS_DENIED 0\r\n"
    "Vary: Accept-Language\r\n"
    "Content-Language: en\r\n"
    "Proxy-Authenticate: Basic realm=\"peer-squid\"\r\n"
    "Connection: keep-alive\r\n"
    "\r\n"
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\">";

static const char squid_503_refused[] =
    "HTTP/1.1 503 Service Unavailable\r\n"
    "Server: squid/5.7\r\n"
    "Mime-Version: 1.0\r\n"
    "Content-Type: text/html;charset=utf-8\r\n"
    "Content-Length: 3612\r\n"
    "X-Squid-Error: ERR_CONNECT_FAIL 111\r\n"
    "Vary: Accept-Language\r\n"
    "Content-Language: en\r\n"
    "\r\n"
    "<html>";

static void status_mapping(void **state)
{
    (void)state;
    const struct {
        const char *reply;
        int want;
    } cases[] = {
        {squid_407, XSOCK_EPROXYAUTH},
        {"HTTP/1.0 407 Proxy Authentication Required\r\n"
         "Proxy-Authenticate: Basic realm=\"Tinyproxy\"\r\nConnection: close\r\n\r\n",
         XSOCK_EPROXYAUTH},
        {"HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"Tinyproxy\"\r\n\r\n",
         XSOCK_EPROXYAUTH}, /* tinyproxy, wrong password */
        {"HTTP/1.0 403 Access violation\r\n\r\n", XSOCK_EPROXY_NOTALLOWED}, /* tinyproxy */
        {"HTTP/1.1 403 Request blocked by Privoxy\r\n\r\n", XSOCK_EPROXY_NOTALLOWED},
        {"HTTP/1.1 404 No such domain\r\n\r\n", XSOCK_EPROXY_HOSTUNREACH}, /* privoxy DNS */
        {squid_503_refused, XSOCK_EPROXY_CONNREFUSED},
        {"HTTP/1.1 503 Service Unavailable\r\nX-Squid-Error: ERR_CONNECT_FAIL 113\r\n\r\n",
         XSOCK_EPROXY_GENERAL}, /* host unreachable */
        {"HTTP/1.1 503 Service Unavailable\r\nX-Squid-Error: ERR_CONNECT_FAIL 101\r\n\r\n",
         XSOCK_EPROXY_GENERAL},
        {"HTTP/1.1 503 Service Unavailable\r\nX-Squid-Error: ERR_CONNECT_FAIL 13\r\n\r\n",
         XSOCK_EPROXY_GENERAL},
        {"HTTP/1.1 503 Service Unavailable\r\nX-Squid-Error: ERR_CONNECT_FAIL 1111\r\n\r\n",
         XSOCK_EPROXY_GENERAL},
        {"HTTP/1.1 502 Bad Gateway\r\nx-squid-error:   ERR_CONNECT_FAIL 111  \r\n\r\n",
         XSOCK_EPROXY_CONNREFUSED},
        {"HTTP/1.1 502 Bad Gateway\r\nX-Squid-Error: ERR_CONNECT_FAIL 61\r\n\r\n",
         XSOCK_EPROXY_CONNREFUSED}, /* squid on a BSD */
        {"HTTP/1.1 502 Bad Gateway\r\nX-Squid-Error: ERR_DNS_FAIL 61\r\n\r\n", XSOCK_EPROXY_GENERAL},
        {"HTTP/1.1 502 Bad Gateway\r\n\r\n", XSOCK_EPROXY_GENERAL},
        {"HTTP/1.1 503 Connect failed\r\nContent-Type: text/html\r\n\r\n<html>",
         XSOCK_EPROXY_GENERAL}, /* privoxy */
        {"HTTP/1.0 504 Gateway Timeout\r\n\r\n", XSOCK_EPROXY_TTLEXPIRED}, /* ncat */
        {"HTTP/1.1 500 Unable to connect\r\n\r\n", XSOCK_EPROXY_GENERAL},  /* tinyproxy */
        {"HTTP/1.1 500 Internal Server Error\r\nX-Squid-Error: ERR_CANNOT_FORWARD 0\r\n\r\n",
         XSOCK_EPROXY_GENERAL},
        {"HTTP/1.1 500 x\r\nX-Squid-Error: ERR_CONNECT_FAIL 111\r\n\r\n", XSOCK_EPROXY_GENERAL},
        {"HTTP/1.1 301 Moved\r\nLocation: /\r\n\r\n", XSOCK_EPROXY_GENERAL},
        {"HTTP/1.1 400 Bad Request\r\n\r\n", XSOCK_EPROXY_GENERAL},
        {"HTTP/1.1 405 Method Not Allowed\r\n\r\n", XSOCK_EPROXY_GENERAL},
        {"HTTP/1.1 600 Odd\r\n\r\n", XSOCK_EPROXY_GENERAL},
        {"HTTP/1.1 999 Odd\r\n\r\n", XSOCK_EPROXY_GENERAL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (size_t chunk = 0; chunk <= 2; chunk++) {
            int rc = run_text(cases[i].reply, chunk);
            if (rc != cases[i].want) print_message("case %d chunk %d\n", (int)i, (int)chunk);
            assert_int_equal(rc, cases[i].want);
            /* the detail carries the status line */
            const char *eol = strchr(cases[i].reply, '\r');
            if (!eol) eol = strchr(cases[i].reply, '\n');
            char line[128];
            snprintf(line, sizeof line, "%.*s", (int)(eol - cases[i].reply), cases[i].reply);
            assert_non_null(strstr(xsock__hs_detail(&hs), line));
        }
    }
    /* and the squid error */
    run_text(squid_503_refused, 0);
    assert_string_equal(xsock__hs_detail(&hs),
                        "HTTP CONNECT: HTTP/1.1 503 Service Unavailable "
                        "(X-Squid-Error: ERR_CONNECT_FAIL 111)");
    assert_int_equal(xsock__http_connect_status(&hs), 503);
}

static void garbage_is_a_protocol_error(void **state)
{
    (void)state;
    const char *bad[] = {
        "SSH-2.0-OpenSSH_9.2\r\n",     /* not a proxy at all */
        "\x05\xff",                    /* a SOCKS5 server */
        "http/1.1 200 OK\r\n\r\n",     /* case matters */
        " HTTP/1.1 200 OK\r\n\r\n",
        "\r\nHTTP/1.1 200 OK\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\n\r\n",
        "HTTP/1.1 200OK\r\n\r\n",
        "HTTP/1.1  200 OK\r\n\r\n",
        "HTTP/x.1 200 OK\r\n\r\n",
        "HTTP/1.1 20\r\n\r\n",
        "HTTP/1.1 099 Low\r\n\r\n",
        "HTTP/11 200 OK\r\n\r\n",
        "HTTP/1.1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t len = strlen(bad[i]);
        if (i == 13) len = sizeof "HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n" - 1;
        for (size_t chunk = 0; chunk <= 1; chunk++) {
            assert_int_equal(xsock__http_connect_start(&hs, NULL, NULL, "h", 1), XSOCK_OK);
            int rc = chunk ? hs_sim_chunked(&hs, (const uint8_t *)bad[i], len, 1, &sim)
                           : hs_sim_whole(&hs, (const uint8_t *)bad[i], len, &sim);
            if (rc != XSOCK_EPROXYPROTO) print_message("case %d\n", (int)i);
            assert_int_equal(rc, XSOCK_EPROXYPROTO);
            assert_non_null(strstr(xsock__hs_detail(&hs), "HTTP CONNECT"));
        }
    }
    /* decided at the first wrong byte: no waiting for a line end */
    assert_int_equal(run_text("SSH-2.0-OpenSSH_9.2\r\n", 1), XSOCK_EPROXYPROTO);
    assert_int_equal(sim.recvs, 1);
    assert_non_null(strstr(xsock__hs_detail(&hs), "53"));
    assert_int_equal(run_text("\x05\xff", 0), XSOCK_EPROXYPROTO);
    assert_non_null(strstr(xsock__hs_detail(&hs), "05"));
}

static void header_size_cap(void **state)
{
    (void)state;
    /* a header of exactly XSOCK__HTTP_HEADER_MAX bytes passes, one more fails */
    static char big[XSOCK__HTTP_HEADER_MAX + 64];
    const char *status = "HTTP/1.1 200 OK\r\n";
    for (int extra = 0; extra <= 1; extra++) {
        size_t n = 0;
        memcpy(big, status, strlen(status));
        n += strlen(status);
        size_t target = XSOCK__HTTP_HEADER_MAX + (size_t)extra;
        /* one long field (longer than the line buffer, which is allowed) */
        size_t line = target - n - 2;
        memcpy(big + n, "X: ", 3);
        memset(big + n + 3, 'a', line - 5);
        memcpy(big + n + line - 2, "\r\n", 2);
        n += line;
        memcpy(big + n, "\r\n", 2);
        n += 2;
        assert_int_equal(n, target);
        memcpy(big + n, "tail", 4);
        assert_int_equal(xsock__http_connect_start(&hs, NULL, NULL, "h", 1), XSOCK_OK);
        int rc = hs_sim_whole(&hs, (const uint8_t *)big, n + 4, &sim);
        if (extra == 0) {
            assert_int_equal(rc, XSOCK_OK);
            assert_int_equal(sim.leftover_len, 4);
        } else {
            assert_int_equal(rc, XSOCK_EPROXYPROTO);
            assert_non_null(strstr(xsock__hs_detail(&hs), "16384"));
        }
    }
    /* an endless header with no line end at all */
    memset(big, 'a', sizeof big);
    memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
    assert_int_equal(xsock__http_connect_start(&hs, NULL, NULL, "h", 1), XSOCK_OK);
    assert_int_equal(hs_sim_chunked(&hs, (const uint8_t *)big, sizeof big, 100, &sim),
                     XSOCK_EPROXYPROTO);
    /* an endless status line */
    memset(big, '9', sizeof big);
    memcpy(big, "HTTP/1.1 200 ", 13);
    assert_int_equal(xsock__http_connect_start(&hs, NULL, NULL, "h", 1), XSOCK_OK);
    assert_int_equal(hs_sim_whole(&hs, (const uint8_t *)big, sizeof big, &sim), XSOCK_EPROXYPROTO);
    /* endless 1xx responses */
    size_t n = 0;
    while (n + 20 < sizeof big) {
        memcpy(big + n, "HTTP/1.1 100 Go\r\n\r\n", 19);
        n += 19;
    }
    assert_int_equal(xsock__http_connect_start(&hs, NULL, NULL, "h", 1), XSOCK_OK);
    assert_int_equal(hs_sim_whole(&hs, (const uint8_t *)big, n, &sim), XSOCK_EPROXYPROTO);
}

static void long_lines_within_the_cap(void **state)
{
    (void)state;
    /* a field longer than the line buffer does not hide the next one */
    static char r[8192];
    size_t n = 0;
    n += (size_t)sprintf(r + n, "HTTP/1.1 503 Service Unavailable\r\nX-Long: ");
    memset(r + n, 'q', 3000);
    n += 3000;
    n += (size_t)sprintf(r + n, "\r\nX-Squid-Error: ERR_CONNECT_FAIL 111\r\n\r\n");
    for (size_t chunk = 0; chunk <= 7; chunk += 7) {
        assert_int_equal(xsock__http_connect_start(&hs, NULL, NULL, "h", 1), XSOCK_OK);
        int rc = chunk ? hs_sim_chunked(&hs, (const uint8_t *)r, n, chunk, &sim)
                       : hs_sim_whole(&hs, (const uint8_t *)r, n, &sim);
        assert_int_equal(rc, XSOCK_EPROXY_CONNREFUSED);
    }
    /* a long status line is cut in the detail */
    n = (size_t)sprintf(r, "HTTP/1.1 418 ");
    memset(r + n, 't', 2000);
    n += 2000;
    memcpy(r + n, "\r\n\r\n", 4);
    n += 4;
    assert_int_equal(xsock__http_connect_start(&hs, NULL, NULL, "h", 1), XSOCK_OK);
    assert_int_equal(hs_sim_whole(&hs, (const uint8_t *)r, n, &sim), XSOCK_EPROXY_GENERAL);
    assert_true(strlen(xsock__hs_detail(&hs)) < XSOCK__HS_DETAIL_MAX);
    assert_non_null(strstr(xsock__hs_detail(&hs), "HTTP/1.1 418 ttt"));
    /* control characters in the reason are made printable */
    assert_int_equal(run_text("HTTP/1.1 403 a\x1b[31mb\r\n\r\n", 0), XSOCK_EPROXY_NOTALLOWED);
    assert_non_null(strstr(xsock__hs_detail(&hs), "403 a?[31mb"));
}

static void closed_mid_header(void **state)
{
    (void)state;
    assert_int_equal(run_text("", 0), XSOCK_EPROXYPROTO);
    assert_non_null(strstr(xsock__hs_detail(&hs), "without a response"));
    assert_int_equal(run_text("HTTP/1.1 2", 0), XSOCK_EPROXYPROTO);
    assert_non_null(strstr(xsock__hs_detail(&hs), "status line"));
    assert_int_equal(run_text("HTTP/1.1 200 Connection established\r\n", 0), XSOCK_EPROXYPROTO);
    assert_non_null(strstr(xsock__hs_detail(&hs), "HTTP/1.1 200 Connection established"));
    assert_int_equal(run_text("HTTP/1.1 200 Connection established\r\nX: y\r\n\r", 1),
                     XSOCK_EPROXYPROTO);
    /* v2ray --http: 200, then close when the target refuses: that is a
       success of the handshake; the close shows in the data phase */
    assert_int_equal(run_text("HTTP/1.1 200 Connection established\r\n\r\n", 0), XSOCK_OK);
}

static void secrets_stay_out(void **state)
{
    (void)state;
    xsock__proxy_url u;
    assert_int_equal(xsock__proxy_url_parse("http://alice:Pa%24%24w0rd@proxy:3128/", &u), XSOCK_OK);
    assert_string_equal(u.password, "Pa$$w0rd");
    assert_string_equal(u.display, "http://proxy:3128/");
    assert_int_equal(xsock__hs_start(&hs, &u, "example.com", 443), XSOCK_OK);
    xsock__proxy_url_wipe(&u);
    char b64[64];
    xsock__base64_encode((const uint8_t *)"alice:Pa$$w0rd", 14, b64, sizeof b64);
    size_t n;
    const uint8_t *o = xsock__hs_output(&hs, &n);
    assert_true(hs_contains(o, n, b64));
    assert_int_equal(hs_sim_whole(&hs, (const uint8_t *)squid_407, strlen(squid_407), &sim),
                     XSOCK_EPROXYAUTH);
    assert_true(hs_contains(sim.sent, sim.sent_len, b64));
    /* once sent, the credentials are gone from the machine */
    assert_false(hs_contains(&hs, sizeof hs, b64));
    assert_false(hs_contains(&hs, sizeof hs, "Pa$$w0rd"));
    assert_null(strstr(xsock__hs_detail(&hs), "Pa$$"));
    /* and a failed start never keeps them either */
    assert_int_equal(xsock__http_connect_start(&hs, "alice", "Pa$$w0rd", "bad host", 1),
                     XSOCK_EINVAL);
    assert_false(hs_contains(&hs, sizeof hs, "Pa$$w0rd"));
    assert_false(hs_contains(&hs, sizeof hs, b64));
}

static void partial_output_then_reply(void **state)
{
    (void)state;
    assert_int_equal(xsock__http_connect_start(&hs, "u", "p", "example.com", 443), XSOCK_OK);
    sim.send_chunk = 7;
    const char *r = "HTTP/1.1 200 Connection established\r\n\r\nX";
    int rc = hs_sim_whole(&hs, (const uint8_t *)r, strlen(r), &sim);
    sim.send_chunk = 0;
    assert_int_equal(rc, XSOCK_OK);
    const char *want = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n"
                       "Proxy-Authorization: Basic dTpw\r\n\r\n";
    assert_int_equal(sim.sent_len, strlen(want));
    assert_memory_equal(sim.sent, want, sim.sent_len);
    assert_int_equal(sim.leftover_len, 1);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_without_credentials),
        cmocka_unit_test(request_ipv6_is_bracketed),
        cmocka_unit_test(basic_credentials_exact),
        cmocka_unit_test(base64_vectors),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(success_replies_of_real_proxies),
        cmocka_unit_test(bytes_after_the_header_are_kept),
        cmocka_unit_test(status_mapping),
        cmocka_unit_test(garbage_is_a_protocol_error),
        cmocka_unit_test(header_size_cap),
        cmocka_unit_test(long_lines_within_the_cap),
        cmocka_unit_test(closed_mid_header),
        cmocka_unit_test(secrets_stay_out),
        cmocka_unit_test(partial_output_then_reply),
    };
    return XT_RUN(tests);
}
