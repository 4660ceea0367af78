/* SPDX-License-Identifier: MIT */
/* Helpers of the real-proxy tests (see real_common.h). */
#include "real_common.h"

#include <stdlib.h>
#include <string.h>

#define PR_TIMEOUT_MS 5000

const char *pr_env(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v) {
        char why[200];
        snprintf(why, sizeof why, "%s is not set: run this test through tests/proxies/run.sh (ctest does)",
                 name);
        xt_skip(why);
    }
    return v;
}

uint16_t pr_env_port(const char *name)
{
    const char *v = pr_env(name);
    char *end = NULL;
    long p = strtol(v, &end, 10);
    if (*end || p <= 0 || p > 65535) fail_msg("%s=%s is not a port", name, v);
    return (uint16_t)p;
}

static void serve_echo(pr_target *t, xsock *c)
{
    if (t->accepted++ == 0) xsock_peer_addr(c, t->peer, sizeof t->peer);
    char buf[512];
    ptrdiff_t n;
    while ((n = xsock_recv(c, buf, sizeof buf, 10000)) > 0)
        if (xsock_send_all(c, buf, (size_t)n, 10000) != XSOCK_OK) break;
    xsock_close(c);
}

/* Serves connections one after another until told to stop; then takes
   what is still queued (a proxy may have connected just before). */
static void *target_main(void *arg)
{
    pr_target *t = arg;
    xsock *c = NULL;
    while (!atomic_load(&t->stop))
        if (xsock_accept(t->listener, &c, 20) == XSOCK_OK) serve_echo(t, c);
    while (xsock_accept(t->listener, &c, 0) == XSOCK_OK) serve_echo(t, c);
    return NULL;
}

pr_target *pr_target_start(const char *host)
{
    pr_target *t = calloc(1, sizeof *t);
    assert_non_null(t);
    atomic_init(&t->stop, 0);
    t->listener = xt_listener(host, 8);
    t->port = xt_port(t->listener);
    t->thread = xt_thread_start(target_main, t);
    return t;
}

int pr_target_stop(pr_target *t, char *peer, size_t len)
{
    atomic_store(&t->stop, 1);
    xt_thread_join(t->thread);
    xsock_close(t->listener);
    int accepted = t->accepted;
    if (peer) snprintf(peer, len, "%s", t->peer);
    free(t);
    return accepted;
}

uint16_t pr_closed_port(const char *host)
{
    xsock *l = xt_listener(host, 1);
    uint16_t p = xt_port(l);
    xsock_close(l);
    return p;
}

static size_t pct(char *out, size_t len, const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~';
        int w = plain ? snprintf(out + n, len - n, "%c", c) : snprintf(out + n, len - n, "%%%02X", c);
        assert_true(w > 0 && (size_t)w < len - n);
        n += (size_t)w;
    }
    return n;
}

char *pr_url(char *buf, size_t len, const char *scheme, const char *user, const char *pass,
             const char *host, uint16_t port)
{
    size_t n = (size_t)snprintf(buf, len, "%s://", scheme);
    if (user) {
        n += pct(buf + n, len - n, user);
        if (pass) {
            n += (size_t)snprintf(buf + n, len - n, ":");
            n += pct(buf + n, len - n, pass);
        }
        n += (size_t)snprintf(buf + n, len - n, "@");
    }
    int bracket = strchr(host, ':') != NULL;
    int w = snprintf(buf + n, len - n, bracket ? "[%s]:%u" : "%s:%u", host, (unsigned)port);
    assert_true(w > 0 && (size_t)w < len - n);
    return buf;
}

int pr_dial(const char *url, const char *host, uint16_t port, int timeout_ms, xsock **out)
{
    xsock_dialer *d = xsock_dialer_new();
    assert_non_null(d);
    assert_int_equal(xsock_dialer_set_timeout(d, timeout_ms), XSOCK_OK);
    assert_int_equal(xsock_dialer_set_proxy(d, url), XSOCK_OK);
    int rc = xsock_dial(d, out, host, port);
    xsock_dialer_free(d);
    return rc;
}

void pr_echo(xsock *s, const char *msg)
{
    size_t n = strlen(msg);
    char buf[512];
    assert_true(n < sizeof buf);
    assert_int_equal(xsock_send_all(s, msg, n, PR_TIMEOUT_MS), XSOCK_OK);
    int rc = xsock_recv_all(s, buf, n, PR_TIMEOUT_MS);
    if (rc != XSOCK_OK)
        fail_msg("echo through the tunnel: %s: %s", xsock_errname(rc), xsock_last_error_detail());
    assert_memory_equal(buf, msg, n);
}

/* The URL without its password, for messages. */
static void printable(char *out, size_t len, const char *url)
{
    const char *at = strrchr(url, '@'), *sep = strstr(url, "://");
    if (at && sep) snprintf(out, len, "%.*s***%s", (int)(sep + 3 - url), url, at);
    else snprintf(out, len, "%s", url);
}

void pr_expect_echo(const char *url, const char *target_host, const char *dial_host)
{
    char shown[300];
    printable(shown, sizeof shown, url);
    xt_counts before = xt_counts_now();
    pr_target *t = pr_target_start(target_host);
    xsock *s = NULL;
    const char *host = dial_host ? dial_host : target_host;
    uint16_t port = t->port;
    int rc = pr_dial(url, host, port, PR_TIMEOUT_MS, &s);
    if (rc != XSOCK_OK) {
        pr_target_stop(t, NULL, 0);
        fail_msg("dial %s:%u via %s: %s: %s", host, (unsigned)port, shown, xsock_errname(rc),
                 xsock_last_error_detail());
    }
    char msg[400];
    snprintf(msg, sizeof msg, "through %.200s to %.100s:%u", shown, host, (unsigned)port);
    pr_echo(s, msg);
    pr_echo(s, "and a second round trip");
    xsock_close(s);
    char from[80];
    /* joins: the proxy passed our close on to the target as EOF */
    assert_int_equal(pr_target_stop(t, from, sizeof from), 1);
    xt_assert_counts(before);
    print_message("ok: echo %s (the proxy connected to the target from %s)\n", msg, from);
}

void pr_expect_fail(const char *url, const char *host, uint16_t port, int want, const char *detail_has)
{
    char shown[300];
    printable(shown, sizeof shown, url);
    xt_counts before = xt_counts_now();
    xsock *s = (xsock *)&s;
    double t0 = xt_now_ms();
    int rc = pr_dial(url, host, port, PR_TIMEOUT_MS, &s);
    double took = xt_now_ms() - t0;
    const char *detail = xsock_last_error_detail();
    print_message("%s to %s:%u via %s in %.1f ms: %s\n", xsock_errname(rc), host, (unsigned)port, shown, took,
                  detail);
    if (rc != want) fail_msg("want %s, got %s (%s)", xsock_errname(want), xsock_errname(rc), detail);
    assert_null(s);
    if (detail_has && !strstr(detail, detail_has)) fail_msg("detail \"%s\" lacks \"%s\"", detail, detail_has);
    const char *pass = getenv("XT_PROXY_PASS");
    if (pass && *pass) assert_null(strstr(detail, pass));
    xt_assert_counts(before);
}
