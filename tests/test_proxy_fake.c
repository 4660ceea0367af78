/* SPDX-License-Identifier: MIT */
/* Proxied dials against a scripted proxy in this process (a thread on
   loopback): what no real server does on demand (silence, one byte a
   second, an oversize or wrong reply, a close mid-reply), every reply
   code, leftover tunnel bytes, the OS-call count, and the selector's
   rules.  Runs natively and under Wine; tests/proxy_real_*.c use real
   proxy servers. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "xbackend.h"

enum mode {
    SOCKS5_OK,     /* no auth; the reply and "hello" leave in one send */
    SOCKS5_AUTH,   /* wants user "alice", password "s3cret" */
    SOCKS5_REP,    /* fails with reply code `rep` */
    SOCKS5_BADVER, /* method reply with version 4 */
    SOCKS5_CLOSE_MID, /* one byte of the method reply, then close */
    SOCKS4_OK,
    SILENT,        /* reads, never answers */
    SLOW,          /* a correct SOCKS5 method reply, one byte a second */
    HTTP_OK,       /* 200 and "early" in the same send */
    HTTP_STATUS,   /* answers with status `rep` */
    HTTP_OVERSIZE  /* a header that never ends */
};

typedef struct fake {
    xsock *listener;
    uint16_t port;
    enum mode mode;
    int rep;
    atomic_int accepted;
    unsigned char request[600];
    size_t request_len;
    xt_thread *thread;
} fake;

static int recv_exact(xsock *c, void *buf, size_t n)
{
    return xsock_recv_all(c, buf, n, 3000) == XSOCK_OK;
}

/* The SOCKS5 request after the method step; keeps its bytes. */
static int socks5_request(fake *f, xsock *c)
{
    unsigned char *r = f->request;
    if (!recv_exact(c, r, 4)) return 0;
    size_t addr = r[3] == 1 ? 4 : r[3] == 4 ? 16 : 0;
    if (r[3] == 3) {
        if (!recv_exact(c, r + 4, 1)) return 0;
        addr = 1 + r[4];
        f->request_len = 5;
        if (!recv_exact(c, r + 5, addr - 1 + 2)) return 0;
        f->request_len = 4 + addr + 2;
        return 1;
    }
    if (!recv_exact(c, r + 4, addr + 2)) return 0;
    f->request_len = 4 + addr + 2;
    return 1;
}

static void serve_echo(xsock *c)
{
    char buf[256];
    ptrdiff_t n;
    while ((n = xsock_recv(c, buf, sizeof buf, 3000)) > 0) xsock_send_all(c, buf, (size_t)n, 3000);
}

static void serve(fake *f, xsock *c)
{
    unsigned char g[8];
    static const unsigned char ok[] = {5, 0, 0, 1, 127, 0, 0, 1, 0x1f, 0x90, 'h', 'e', 'l', 'l', 'o'};
    switch (f->mode) {
    case SOCKS5_OK:
    case SOCKS5_REP:
        if (!recv_exact(c, g, 3)) return;
        xsock_send_all(c, "\x05\x00", 2, 1000);
        if (!socks5_request(f, c)) return;
        if (f->mode == SOCKS5_REP) {
            unsigned char fail[10] = {5, (unsigned char)f->rep, 0, 1, 0, 0, 0, 0, 0, 0};
            xsock_send_all(c, fail, sizeof fail, 1000);
            return;
        }
        xsock_send_all(c, ok, sizeof ok, 1000);
        serve_echo(c);
        return;
    case SOCKS5_AUTH: {
        unsigned char a[600];
        if (!recv_exact(c, g, 4)) return; /* 05 02 00 02 */
        xsock_send_all(c, "\x05\x02", 2, 1000);
        if (!recv_exact(c, a, 2)) return;
        size_t ulen = a[1];
        if (!recv_exact(c, a + 2, ulen + 1)) return;
        size_t plen = a[2 + ulen];
        if (!recv_exact(c, a + 3 + ulen, plen)) return;
        int good = ulen == 5 && memcmp(a + 2, "alice", 5) == 0 && plen == 6 &&
                   memcmp(a + 3 + ulen, "s3cret", 6) == 0;
        xsock_send_all(c, good ? "\x01\x00" : "\x01\x01", 2, 1000);
        if (!good || !socks5_request(f, c)) return;
        xsock_send_all(c, ok, 10, 1000);
        serve_echo(c);
        return;
    }
    case SOCKS5_BADVER:
        recv_exact(c, g, 3);
        xsock_send_all(c, "\x04\x00", 2, 1000);
        xt_sleep_ms(200);
        return;
    case SOCKS5_CLOSE_MID:
        recv_exact(c, g, 3);
        xsock_send_all(c, "\x05", 1, 1000);
        return;
    case SOCKS4_OK: {
        unsigned char r[9];
        if (!recv_exact(c, r, 8)) return;
        memcpy(f->request, r, 8);
        f->request_len = 8;
        char ch;
        do { /* the USERID up to its NUL */
            if (!recv_exact(c, &ch, 1)) return;
            f->request[f->request_len++] = (unsigned char)ch;
        } while (ch != 0 && f->request_len < sizeof f->request);
        xsock_send_all(c, "\x00\x5a\x00\x00\x00\x00\x00\x00", 8, 1000);
        serve_echo(c);
        return;
    }
    case SILENT: {
        char buf[64];
        while (xsock_recv(c, buf, sizeof buf, 3000) > 0) {
        }
        return;
    }
    case SLOW:
        recv_exact(c, g, 3);
        for (int i = 0; i < 2; i++) {
            xt_sleep_ms(1000);
            if (xsock_send_all(c, i ? "\x00" : "\x05", 1, 1000) != XSOCK_OK) return;
        }
        xt_sleep_ms(500);
        return;
    case HTTP_OK:
    case HTTP_STATUS:
    case HTTP_OVERSIZE: {
        size_t n = 0;
        while (n < sizeof f->request - 1 && recv_exact(c, f->request + n, 1)) {
            n++;
            if (n >= 4 && memcmp(f->request + n - 4, "\r\n\r\n", 4) == 0) break;
        }
        f->request_len = n;
        f->request[n] = 0;
        if (f->mode == HTTP_OK) {
            const char *r = "HTTP/1.1 200 Connection established\r\n\r\nearly";
            xsock_send_all(c, r, strlen(r), 1000);
            serve_echo(c);
        } else if (f->mode == HTTP_STATUS) {
            char r[128];
            snprintf(r, sizeof r, "HTTP/1.1 %d Nope\r\nContent-Length: 0\r\n\r\n", f->rep);
            xsock_send_all(c, r, strlen(r), 1000);
            xt_sleep_ms(100);
        } else {
            static char junk[1024];
            memset(junk, 'x', sizeof junk);
            xsock_send_all(c, "HTTP/1.1 200 OK\r\nX-Long: ", 25, 1000);
            for (int i = 0; i < 40; i++)
                if (xsock_send_all(c, junk, sizeof junk, 1000) != XSOCK_OK) break;
            xt_sleep_ms(200);
        }
        return;
    }
    }
}

static void *fake_main(void *arg)
{
    fake *f = arg;
    xsock *c = NULL;
    if (xsock_accept(f->listener, &c, 4000) == XSOCK_OK) {
        f->accepted++;
        serve(f, c);
        xsock_close(c);
    }
    return NULL;
}

static fake *fake_start(enum mode mode, int rep)
{
    fake *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->mode = mode;
    f->rep = rep;
    f->listener = xt_listener("127.0.0.1", 4);
    f->port = xt_port(f->listener);
    f->thread = xt_thread_start(fake_main, f);
    return f;
}

/* Joins the thread: call after the client side is closed. */
static void fake_stop(fake *f)
{
    /* a fake nobody connected to is woken by a connect of our own */
    if (!f->accepted) {
        xsock *c = NULL;
        if (xsock_connect(&c, "127.0.0.1", f->port, 1000) == XSOCK_OK) xsock_close(c);
    }
    xt_thread_join(f->thread);
    xsock_close(f->listener);
    free(f);
}

static char g_url[128];
static const char *url(const char *scheme, const fake *f)
{
    snprintf(g_url, sizeof g_url, "%s://127.0.0.1:%u", scheme, (unsigned)f->port);
    return g_url;
}

static int dial_via(const char *proxy_url, int timeout_ms, const char *host, uint16_t port,
                    xsock **out)
{
    xsock_dialer *d = xsock_dialer_new();
    xsock_dialer_set_timeout(d, timeout_ms);
    assert_int_equal(xsock_dialer_set_proxy(d, proxy_url), XSOCK_OK);
    int rc = xsock_dial(d, out, host, port);
    xsock_dialer_free(d);
    return rc;
}

typedef struct find_peer {
    xsock_native handle;
    char peer[200];
} find_peer;

static void peer_of(void *user, const xsock_info *info)
{
    find_peer *f = user;
    if (info->handle == f->handle) snprintf(f->peer, sizeof f->peer, "%s", info->peer);
}

static void socks5_tunnel_keeps_early_bytes(void **state)
{
    (void)state;
    fake *f = fake_start(SOCKS5_OK, 0);
    xsock *s = NULL;
    /* this thread's calls only: the fake proxy makes calls of its own */
    uint64_t c0 = xsock__thread_os_calls;
    assert_int_equal(dial_via(url("socks5", f), 3000, "127.0.0.1", 8080, &s), XSOCK_OK);
    uint64_t c1 = xsock__thread_os_calls;
    /* the request carried the address the client resolved */
    static const unsigned char want[] = {5, 1, 0, 1, 127, 0, 0, 1, 0x1f, 0x90};
    assert_int_equal(f->request_len, sizeof want);
    assert_memory_equal(f->request, want, sizeof want);
    /* "hello" came with the reply: recv gives it without waiting */
    char buf[8] = {0};
    xsock_pollfd p = {s, XSOCK_POLLIN, 0};
    assert_int_equal(xsock_poll(&p, 1, 0), 1);
    assert_int_equal(xsock_recv(s, buf, sizeof buf, 0), 5);
    assert_string_equal(buf, "hello");
    assert_int_equal(xsock_send_all(s, "ping", 4, 1000), XSOCK_OK);
    assert_int_equal(xsock_recv_all(s, buf, 4, 1000), XSOCK_OK);
    assert_memory_equal(buf, "ping", 4);
    /* the OS peer is the proxy; the report says where the tunnel goes */
    char peer[200], want_peer[64];
    xsock_peer_addr(s, peer, sizeof peer);
    snprintf(want_peer, sizeof want_peer, "127.0.0.1:%u", (unsigned)f->port);
    assert_string_equal(peer, want_peer);
    find_peer fp = {xsock_native_handle(s), ""};
    xsock_foreach_live(peer_of, &fp);
    snprintf(want_peer, sizeof want_peer, "127.0.0.1:8080 via 127.0.0.1:%u", (unsigned)f->port);
    assert_string_equal(fp.peer, want_peer);
    uint64_t calls = c1 - c0 + 1; /* + the close */
    print_message("OS calls of one SOCKS5 no-auth connect + close: %llu\n", (unsigned long long)calls);
    if (!xt_is_win32()) assert_int_equal(calls, 11);
    xsock_close(s);
    fake_stop(f);
}

static void socks5h_sends_the_name(void **state)
{
    (void)state;
    fake *f = fake_start(SOCKS5_OK, 0);
    xsock *s = NULL;
    assert_int_equal(dial_via(url("socks5h", f), 3000, "example.test", 443, &s), XSOCK_OK);
    assert_int_equal(f->request[3], 3);
    assert_int_equal(f->request[4], 12);
    assert_memory_equal(f->request + 5, "example.test", 12);
    xsock_close(s);
    fake_stop(f);
}

static char g_failed_proxy[300];
static int g_failed_err, g_failed_calls;
static void record_failure(void *user, const char *uri, const char *proxy, int err)
{
    (void)user;
    (void)uri;
    snprintf(g_failed_proxy, sizeof g_failed_proxy, "%s", proxy);
    g_failed_err = err;
    g_failed_calls++;
}

static void socks5_password_auth(void **state)
{
    (void)state;
    fake *f = fake_start(SOCKS5_AUTH, 0);
    xsock *s = NULL;
    char u[160];
    snprintf(u, sizeof u, "socks5://alice:s3cret@127.0.0.1:%u", (unsigned)f->port);
    assert_int_equal(dial_via(u, 3000, "127.0.0.1", 80, &s), XSOCK_OK);
    xsock_close(s);
    fake_stop(f);

    f = fake_start(SOCKS5_AUTH, 0);
    snprintf(u, sizeof u, "socks5://alice:WRONGpass@127.0.0.1:%u", (unsigned)f->port);
    s = (xsock *)&s;
    assert_int_equal(dial_via(u, 3000, "127.0.0.1", 80, &s), XSOCK_EPROXYAUTH);
    assert_null(s);
    assert_null(strstr(xsock_last_error_detail(), "WRONGpass"));
    assert_non_null(strstr(xsock_last_error_detail(), "socks5://127.0.0.1:"));
    fake_stop(f);
}

/* The fake proxy lives in this process: counts are compared once it is gone. */
static void failure_ends_at_the_deadline(enum mode mode, int timeout_ms)
{
    xt_counts before = xt_counts_now();
    fake *f = fake_start(mode, 0);
    xsock *s = (xsock *)&s;
    double t0 = xt_now_ms();
    assert_int_equal(dial_via(url("socks5", f), timeout_ms, "127.0.0.1", 80, &s), XSOCK_ETIMEDOUT);
    double took = xt_now_ms() - t0;
    print_message("mode %d, timeout %d: %.1f ms (%s)\n", (int)mode, timeout_ms, took,
                  xsock_last_error_detail());
    assert_true(took >= timeout_ms && took < timeout_ms + 150.0);
    assert_null(s);
    fake_stop(f);
    xt_assert_counts(before);
}

static void silent_proxy_times_out(void **state)
{
    (void)state;
    failure_ends_at_the_deadline(SILENT, 500);
}

static void slow_proxy_times_out(void **state)
{
    (void)state;
    failure_ends_at_the_deadline(SLOW, 1500);
}

static void proxy_speaks_nonsense(enum mode mode, const char *scheme)
{
    xt_counts before = xt_counts_now();
    fake *f = fake_start(mode, 0);
    xsock *s = (xsock *)&s;
    assert_int_equal(dial_via(url(scheme, f), 3000, "127.0.0.1", 80, &s), XSOCK_EPROXYPROTO);
    print_message("%s\n", xsock_last_error_detail());
    assert_null(s);
    fake_stop(f);
    xt_assert_counts(before);
}

static void wrong_version_oversize_and_close_mid_reply(void **state)
{
    (void)state;
    proxy_speaks_nonsense(SOCKS5_BADVER, "socks5");
    proxy_speaks_nonsense(SOCKS5_CLOSE_MID, "socks5");
    proxy_speaks_nonsense(HTTP_OVERSIZE, "http");
}

static void every_socks5_reply_code(void **state)
{
    (void)state;
    static const int want[] = {0,
                               XSOCK_EPROXY_GENERAL,
                               XSOCK_EPROXY_NOTALLOWED,
                               XSOCK_EPROXY_NETUNREACH,
                               XSOCK_EPROXY_HOSTUNREACH,
                               XSOCK_EPROXY_CONNREFUSED,
                               XSOCK_EPROXY_TTLEXPIRED,
                               XSOCK_EPROXY_CMDNOTSUP,
                               XSOCK_EPROXY_ATYPNOTSUP,
                               XSOCK_EPROXY_GENERAL};
    for (int rep = 1; rep <= 9; rep++) {
        fake *f = fake_start(SOCKS5_REP, rep);
        xsock *s = NULL;
        assert_int_equal(dial_via(url("socks5", f), 3000, "127.0.0.1", 80, &s), want[rep]);
        char code[16];
        snprintf(code, sizeof code, "0x%02x", rep);
        assert_non_null(strstr(xsock_last_error_detail(), code));
        fake_stop(f);
    }
}

static void socks4_with_userid(void **state)
{
    (void)state;
    fake *f = fake_start(SOCKS4_OK, 0);
    xsock *s = NULL;
    char u[96];
    snprintf(u, sizeof u, "socks4://bob@127.0.0.1:%u", (unsigned)f->port);
    assert_int_equal(dial_via(u, 3000, "127.0.0.1", 8080, &s), XSOCK_OK);
    static const unsigned char want[] = {4, 1, 0x1f, 0x90, 127, 0, 0, 1, 'b', 'o', 'b', 0};
    assert_int_equal(f->request_len, sizeof want);
    assert_memory_equal(f->request, want, sizeof want);
    xsock_close(s);
    fake_stop(f);
}

static void http_connect_and_statuses(void **state)
{
    (void)state;
    fake *f = fake_start(HTTP_OK, 0);
    xsock *s = NULL;
    assert_int_equal(dial_via(url("http", f), 3000, "example.test", 443, &s), XSOCK_OK);
    assert_non_null(strstr((char *)f->request, "CONNECT example.test:443 HTTP/1.1\r\n"));
    assert_non_null(strstr((char *)f->request, "Host: example.test:443\r\n"));
    char buf[8] = {0};
    assert_int_equal(xsock_recv(s, buf, sizeof buf, 0), 5);
    assert_string_equal(buf, "early");
    xsock_close(s);
    fake_stop(f);

    static const int statuses[][2] = {{407, XSOCK_EPROXYAUTH},        {401, XSOCK_EPROXYAUTH},
                                      {403, XSOCK_EPROXY_NOTALLOWED}, {404, XSOCK_EPROXY_HOSTUNREACH},
                                      {502, XSOCK_EPROXY_GENERAL},    {504, XSOCK_EPROXY_TTLEXPIRED},
                                      {500, XSOCK_EPROXY_GENERAL}};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        f = fake_start(HTTP_STATUS, statuses[i][0]);
        s = (xsock *)&s;
        assert_int_equal(dial_via(url("http", f), 3000, "example.test", 443, &s), statuses[i][1]);
        assert_null(s);
        char code[8];
        snprintf(code, sizeof code, "%d", statuses[i][0]);
        assert_non_null(strstr(xsock_last_error_detail(), code));
        fake_stop(f);
    }
}

static void unreachable_proxy(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 1), *s = (xsock *)&s;
    char u[64];
    snprintf(u, sizeof u, "socks5://127.0.0.1:%u", (unsigned)xt_port(l));
    xsock_close(l);
    xt_counts before = xt_counts_now();
    assert_int_equal(dial_via(u, 3000, "127.0.0.1", 80, &s), XSOCK_EPROXYCONNECT);
    assert_null(s);
    assert_non_null(strstr(xsock_last_error_detail(), "connection refused"));
    xt_assert_counts(before);
}

static void target_checks_come_before_any_connection(void **state)
{
    (void)state;
    fake *f = fake_start(SOCKS5_OK, 0);
    xsock *s = NULL;
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    assert_int_equal(dial_via(url("socks4", f), 1000, "::1", 80, &s), XSOCK_EAFNOSUPPORT);
    assert_int_equal(dial_via(url("socks4a", f), 1000, "[::1]", 80, &s), XSOCK_EAFNOSUPPORT);
    assert_int_equal(dial_via(url("socks5h", f), 1000, longname, 80, &s), XSOCK_EINVAL);
    assert_int_equal(dial_via(url("http", f), 1000, "evil\r\nX: y", 80, &s), XSOCK_EINVAL);
    assert_int_equal(f->accepted, 0);
    fake_stop(f);
}

/* ---- Selectors ----------------------------------------------------------- */

typedef struct plan {
    const char *urls[4];
    int n;
    int result;
    char uri[200];
} plan;

static int plan_select(void *user, const char *uri, xsock_proxy_list *out)
{
    plan *p = user;
    snprintf(p->uri, sizeof p->uri, "%s", uri);
    for (int i = 0; i < p->n; i++) assert_int_equal(xsock_proxy_list_add(out, p->urls[i]), XSOCK_OK);
    return p->result;
}

static void selector_fails_over_and_reports(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 1);
    uint16_t dead_port = xt_port(l);
    char dead[96];
    snprintf(dead, sizeof dead, "socks5://carol:hunter2@127.0.0.1:%u", (unsigned)dead_port);
    xsock_close(l);
    fake *f = fake_start(SOCKS5_OK, 0);
    char live[128];
    snprintf(live, sizeof live, "%s", url("socks5", f));
    plan p = {{dead, live}, 2, 0, ""};
    xsock_proxy_selector sel = {&p, plan_select, record_failure};
    xsock_dialer *d = xsock_dialer_new();
    xsock_dialer_set_timeout(d, 3000);
    xsock_dialer_set_proxy_selector(d, &sel);
    g_failed_calls = 0;
    xsock *s = NULL;
    assert_int_equal(xsock_dial(d, &s, "::1", 8080), XSOCK_OK);
    assert_string_equal(p.uri, "socket://[::1]:8080");
    assert_int_equal(g_failed_calls, 1);
    assert_int_equal(g_failed_err, XSOCK_EPROXYCONNECT);
    char want[96];
    snprintf(want, sizeof want, "socks5://127.0.0.1:%u", (unsigned)dead_port);
    assert_string_equal(g_failed_proxy, want); /* no userinfo, no password */
    xsock_close(s);
    xsock_dialer_free(d);
    fake_stop(f);
}

static void selector_direct_nothing_and_refusal(void **state)
{
    (void)state;
    xsock *target = xt_listener("127.0.0.1", 4), *s = NULL;
    xsock_dialer *d = xsock_dialer_new();
    xsock_dialer_set_timeout(d, 3000);
    plan p = {{"direct"}, 1, 0, ""};
    xsock_proxy_selector sel = {&p, plan_select, record_failure};
    xsock_dialer_set_proxy_selector(d, &sel);
    assert_int_equal(xsock_dial(d, &s, "127.0.0.1", xt_port(target)), XSOCK_OK);
    xsock_close(s);
    p.n = 0; /* adding nothing means direct */
    assert_int_equal(xsock_dial(d, &s, "127.0.0.1", xt_port(target)), XSOCK_OK);
    xsock_close(s);
    p.result = XSOCK_EPROXY_NOTALLOWED; /* a negative return aborts with it */
    s = (xsock *)&s;
    assert_int_equal(xsock_dial(d, &s, "127.0.0.1", xt_port(target)), XSOCK_EPROXY_NOTALLOWED);
    assert_null(s);
    /* a failing "direct" entry is not reported to connect_failed */
    p.result = 0;
    p.n = 1;
    g_failed_calls = 0;
    xsock *l = xt_listener("127.0.0.1", 1);
    uint16_t closed = xt_port(l);
    xsock_close(l);
    assert_int_equal(xsock_dial(d, &s, "127.0.0.1", closed), XSOCK_ECONNREFUSED);
    assert_int_equal(g_failed_calls, 0);
    xsock_dialer_free(d);
    xsock_close(target);
}

static void no_entry_after_a_timeout(void **state)
{
    (void)state;
    fake *silent = fake_start(SILENT, 0), *good = fake_start(SOCKS5_OK, 0);
    char a[128], b[128];
    snprintf(a, sizeof a, "%s", url("socks5", silent));
    snprintf(b, sizeof b, "%s", url("socks5", good));
    plan p = {{a, b}, 2, 0, ""};
    xsock_proxy_selector sel = {&p, plan_select, record_failure};
    xsock_dialer *d = xsock_dialer_new();
    xsock_dialer_set_timeout(d, 400);
    xsock_dialer_set_proxy_selector(d, &sel);
    g_failed_calls = 0;
    xsock *s = NULL;
    assert_int_equal(xsock_dial(d, &s, "127.0.0.1", 80), XSOCK_ETIMEDOUT);
    assert_int_equal(g_failed_calls, 1);
    assert_int_equal(g_failed_err, XSOCK_ETIMEDOUT);
    assert_string_equal(g_failed_proxy, a);
    assert_int_equal(good->accepted, 0);
    xsock_dialer_free(d);
    fake_stop(silent);
    fake_stop(good);
}

static void precedence_fixed_dialer_default(void **state)
{
    (void)state;
    xsock *target = xt_listener("127.0.0.1", 8), *s = NULL;
    xsock *l = xt_listener("127.0.0.1", 1);
    char dead[64];
    snprintf(dead, sizeof dead, "socks5://127.0.0.1:%u", (unsigned)xt_port(l));
    xsock_close(l);
    plan bad = {{dead}, 1, 0, ""};
    xsock_proxy_selector sel = {&bad, plan_select, NULL};
    xsock_set_default_proxy_selector(&sel);
    xsock_dialer *d = xsock_dialer_new();
    xsock_dialer_set_timeout(d, 3000);
    /* the default selector applies to a dialer without one, and to xsock_connect */
    assert_int_equal(xsock_dial(d, &s, "127.0.0.1", xt_port(target)), XSOCK_EPROXYCONNECT);
    assert_int_equal(xsock_connect(&s, "127.0.0.1", xt_port(target), 3000), XSOCK_EPROXYCONNECT);
    /* the dialer's own selector wins over the default */
    plan direct = {{"direct"}, 1, 0, ""};
    xsock_proxy_selector mine = {&direct, plan_select, NULL};
    xsock_dialer_set_proxy_selector(d, &mine);
    assert_int_equal(xsock_dial(d, &s, "127.0.0.1", xt_port(target)), XSOCK_OK);
    xsock_close(s);
    /* a fixed proxy wins over every selector; "direct" forces direct */
    xsock_dialer_set_proxy_selector(d, &sel);
    assert_int_equal(xsock_dialer_set_proxy(d, "direct"), XSOCK_OK);
    assert_int_equal(xsock_dial(d, &s, "127.0.0.1", xt_port(target)), XSOCK_OK);
    xsock_close(s);
    xsock_set_default_proxy_selector(NULL);
    assert_int_equal(xsock_connect(&s, "127.0.0.1", xt_port(target), 3000), XSOCK_OK);
    xsock_close(s);
    xsock_dialer_free(d);
    xsock_close(target);
}

static void bad_urls_are_rejected_where_given(void **state)
{
    (void)state;
    xsock_dialer *d = xsock_dialer_new();
    assert_int_equal(xsock_dialer_set_proxy(d, "ftp://x:1"), XSOCK_EINVAL);
    assert_int_equal(xsock_dialer_set_proxy(d, "socks5://:1080"), XSOCK_EINVAL);
    assert_int_equal(xsock_dialer_set_proxy(d, "socks5://h:99999"), XSOCK_EINVAL);
    assert_int_equal(xsock_dialer_set_proxy(d, "http://a\r\nb:1"), XSOCK_EINVAL);
    assert_int_equal(xsock_dialer_set_proxy(d, "socks5://[::1]:1080"), XSOCK_OK);
    assert_int_equal(xsock_dialer_set_proxy(d, NULL), XSOCK_OK);
    assert_int_equal(xsock_proxy_list_add(NULL, "direct"), XSOCK_EINVAL);
    xsock_dialer_free(d);
}

static void environment_selector(void **state)
{
    (void)state;
    fake *f = fake_start(SOCKS5_OK, 0);
    xsock *target = xt_listener("127.0.0.1", 4), *s = NULL;
    xsock_dialer *d = xsock_dialer_new();
    xsock_dialer_set_timeout(d, 3000);
    xsock_dialer_set_proxy_selector(d, xsock_env_proxy_selector());
    /* Windows: variable names are case-insensitive, so each uppercase name
       is set before its lowercase twin (which then replaces it there) */
    xt_setenv("socks_proxy", NULL);
    xt_setenv("SOCKS_PROXY", NULL);
    xt_setenv("NO_PROXY", NULL);
    xt_setenv("ALL_PROXY", "socks5://127.0.0.1:1"); /* lowercase wins over it */
    xt_setenv("all_proxy", url("socks5", f));
    xt_setenv("no_proxy", "localhost,.internal.test");
    /* no_proxy: direct */
    assert_int_equal(xsock_dial(d, &s, "localhost", xt_port(target)), XSOCK_OK);
    xsock_close(s);
    assert_int_equal(f->accepted, 0);
    /* anything else: through all_proxy, read at this dial */
    assert_int_equal(xsock_dial(d, &s, "127.0.0.1", 9), XSOCK_OK);
    assert_int_equal(f->accepted, 1);
    xsock_close(s);
    fake_stop(f);
    xt_setenv("all_proxy", "not a url");
    assert_int_equal(xsock_dial(d, &s, "127.0.0.1", 9), XSOCK_EINVAL);
    assert_non_null(strstr(xsock_last_error_detail(), "all_proxy"));
    xt_setenv("all_proxy", NULL);
    xt_setenv("ALL_PROXY", NULL);
    xt_setenv("no_proxy", NULL);
    assert_int_equal(xsock_dial(d, &s, "127.0.0.1", xt_port(target)), XSOCK_OK);
    xsock_close(s);
    xsock_dialer_free(d);
    xsock_close(target);
}


/* ---- Field bugs ---------------------------------------------------------- */

/* Bytes that came with the proxy's reply are counted by xsock_buffered,
   and xsock_release refuses while they are held (they would be lost with
   the bare handle); once read, release works.  Before: released, and the
   bytes were gone. */
static void buffered_bytes_hold_the_release(void **state)
{
    (void)state;
    fake *f = fake_start(SOCKS5_OK, 0);
    xsock *s = NULL;
    assert_int_equal(dial_via(url("socks5", f), 3000, "127.0.0.1", 8080, &s), XSOCK_OK);
    assert_int_equal(xsock_buffered(s), 5);
    xt_counts before = xt_counts_now();
    assert_true(xsock_release(s) == XSOCK_INVALID_NATIVE);
    print_message("release with bytes held: %s\n", xsock_last_error_detail());
    assert_non_null(strstr(xsock_last_error_detail(), "5 bytes"));
    xt_assert_counts(before); /* still open, still ours */
    char buf[8] = {0};
    assert_int_equal(xsock_recv(s, buf, 3, 0), 3);
    assert_int_equal(xsock_buffered(s), 2);
    assert_int_equal(xsock_recv(s, buf + 3, sizeof buf - 3, 0), 2);
    assert_string_equal(buf, "hello");
    assert_int_equal(xsock_buffered(s), 0);
    assert_int_equal(xsock_buffered(NULL), 0);
    xsock_native h = xsock_release(s);
    assert_true(h != XSOCK_INVALID_NATIVE);
    assert_int_equal(xsock_adopt(&s, h), XSOCK_OK);
    xsock_close(s);
    fake_stop(f);
}

static int g_selected;
static char g_uri[1200];
static int remember_select(void *user, const char *uri, xsock_proxy_list *out)
{
    (void)user;
    (void)out;
    g_selected++;
    snprintf(g_uri, sizeof g_uri, "%s", uri);
    return XSOCK_OK;
}

/* No fixed buffer changes a route or cuts a name.  Before: a 310-byte name
   went direct with all_proxy=socks5h:// (the env selector's host[300]),
   and a selector uri lost its port past ~568 bytes. */
static void long_names_keep_their_route(void **state)
{
    (void)state;
    fake *f = fake_start(SOCKS5_OK, 0);
    char name[311], huge[700];
    memset(name, 'a', sizeof name - 1);
    name[sizeof name - 1] = 0;
    xsock_dialer *d = xsock_dialer_new();
    xsock *s = (xsock *)&s;
    xsock_dialer_set_timeout(d, 1000);
    xsock_dialer_set_proxy_selector(d, xsock_env_proxy_selector());
    xt_clear_proxy_env();
    xt_setenv("all_proxy", url("socks5h", f));
    /* over SOCKS5's 255-byte limit: refused before any connection, not dialed direct */
    int rc = xsock_dial(d, &s, name, 80);
    print_message("311-byte name, all_proxy=socks5h: %s\n", xsock_errname(rc));
    assert_int_equal(rc, XSOCK_EINVAL);
    assert_non_null(strstr(xsock_last_error_detail(), "proxy"));
    assert_int_equal(f->accepted, 0);
    xt_setenv("all_proxy", NULL);
    xsock_dialer_free(d);
    fake_stop(f);

    /* the selector sees the whole name and the port */
    memset(huge, 'b', sizeof huge - 1);
    huge[sizeof huge - 1] = 0;
    xsock_proxy_selector sel = {NULL, remember_select, NULL};
    d = xsock_dialer_new();
    xsock_dialer_set_timeout(d, 200);
    xsock_dialer_set_proxy_selector(d, &sel);
    g_selected = 0;
    xsock_dial(d, &s, huge, 4321);
    assert_int_equal(g_selected, 1);
    assert_int_equal(strlen(g_uri), strlen("socket://") + strlen(huge) + strlen(":4321"));
    assert_string_equal(g_uri + strlen(g_uri) - 5, ":4321");
    /* a detail too long to keep ends in "..." */
    const char *detail = xsock_last_error_detail();
    print_message("detail of a 699-byte name: ...%s\n", detail + strlen(detail) - 20);
    assert_string_equal(detail + strlen(detail) - 3, "...");
    xsock_dialer_free(d);
}

/* The family preference is about the target: the proxy at 127.0.0.1 is
   reached over IPv4 while socks5:// sends the target's IPv6 address.
   Before: XSOCK_EPROXYCONNECT "not an IPv6 address". */
static void family_is_about_the_target(void **state)
{
    (void)state;
    fake *f = fake_start(SOCKS5_OK, 0);
    xsock_dialer *d = xsock_dialer_new();
    xsock *s = NULL;
    xsock_dialer_set_timeout(d, 3000);
    xsock_dialer_set_family(d, XSOCK_AF_INET6);
    assert_int_equal(xsock_dialer_set_proxy(d, url("socks5", f)), XSOCK_OK);
    int rc = xsock_dial(d, &s, "::1", 8080);
    print_message("family INET6, proxy 127.0.0.1, target ::1: %s %s\n", xsock_errname(rc),
                  rc ? xsock_last_error_detail() : "");
    assert_int_equal(rc, XSOCK_OK);
    assert_int_equal(f->request[3], 4); /* ATYP IPv6 */
    xsock_close(s);
    xsock_dialer_free(d);
    fake_stop(f);
}

typedef struct resetter {
    xsock *listener;
    int n;
} resetter;

/* Accepts and resets at once (SO_LINGER 0), `n` times. */
static void *reset_main(void *arg)
{
    resetter *r = arg;
    for (int i = 0; i < r->n; i++) {
        xsock *c = NULL;
        if (xsock_accept(r->listener, &c, 5000) != XSOCK_OK) break;
        xt_native_reset_on_close(xsock_native_handle(c));
        xsock_close(c);
    }
    return NULL;
}

/* A proxy that accepts, then resets at once: its TCP connect succeeded, so
   it is a proxy that hung up mid-handshake, every time.  Before: SOCKS5
   XSOCK_EPROXYCONNECT 195 times in 200 and XSOCK_EPROXYPROTO 5 times. */
static void proxy_reset_is_one_code(void **state)
{
    (void)state;
    const int rounds = 100;
    const char *schemes[] = {"socks5", "http"};
    for (int k = 0; k < 2; k++) {
        resetter r = {xt_listener("127.0.0.1", 64), rounds};
        char u[64];
        snprintf(u, sizeof u, "%s://127.0.0.1:%u", schemes[k], (unsigned)xt_port(r.listener));
        xt_thread *th = xt_thread_start(reset_main, &r);
        int proto = 0, other = 0, last_other = 0;
        for (int i = 0; i < rounds; i++) {
            xsock *s = NULL;
            int rc = dial_via(u, 3000, "127.0.0.1", 80, &s);
            if (rc == XSOCK_EPROXYPROTO) {
                proto++;
            } else {
                other++;
                last_other = rc;
            }
            xsock_close(s);
        }
        xt_thread_join(th);
        xsock_close(r.listener);
        print_message("%s proxy that resets: EPROXYPROTO %d of %d, other %d (%s)\n", schemes[k], proto,
                      rounds, other, other ? xsock_errname(last_other) : "-");
        assert_int_equal(proto, rounds);
    }
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buffered_bytes_hold_the_release),
        cmocka_unit_test(long_names_keep_their_route),
        cmocka_unit_test(family_is_about_the_target),
        cmocka_unit_test(proxy_reset_is_one_code),
        cmocka_unit_test(socks5_tunnel_keeps_early_bytes),
        cmocka_unit_test(socks5h_sends_the_name),
        cmocka_unit_test(socks5_password_auth),
        cmocka_unit_test(silent_proxy_times_out),
        cmocka_unit_test(slow_proxy_times_out),
        cmocka_unit_test(wrong_version_oversize_and_close_mid_reply),
        cmocka_unit_test(every_socks5_reply_code),
        cmocka_unit_test(socks4_with_userid),
        cmocka_unit_test(http_connect_and_statuses),
        cmocka_unit_test(unreachable_proxy),
        cmocka_unit_test(target_checks_come_before_any_connection),
        cmocka_unit_test(selector_fails_over_and_reports),
        cmocka_unit_test(selector_direct_nothing_and_refusal),
        cmocka_unit_test(no_entry_after_a_timeout),
        cmocka_unit_test(precedence_fixed_dialer_default),
        cmocka_unit_test(bad_urls_are_rejected_where_given),
        cmocka_unit_test(environment_selector),
    };
    return XT_RUN(tests);
}
