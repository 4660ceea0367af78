/* SPDX-License-Identifier: MIT */
/* Per-socket counters (exact against a known exchange: the calls the trace
   shows on the socket's handle, the bytes moved, the waits), the kernel's
   figures from xsock_socket_stats (present and plausible; "unknown" where
   the OS has none, as under Wine), and both in the report line. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "xtest.h"

static xsock_info info_of(const xsock *s)
{
    return xt_live_info(s).info;
}

static uint64_t global_calls(void)
{
    xsock_stats st;
    xsock_get_stats(&st);
    return st.os_calls;
}

/* Trace events on one handle, and how many of them were waits. */
static int on_handle(const xt_trace *t, xsock_native h, int *waits)
{
    int n = 0;
    if (waits) *waits = 0;
    for (int i = 0; i < t->n; i++) {
        if (t->handles[i] != h) continue;
        n++;
        if (waits && (!strcmp(t->calls[i], "poll") || !strcmp(t->calls[i], "WSAPoll") ||
                      !strcmp(t->calls[i], "select")))
            (*waits)++;
    }
    return n;
}

#define N_UP 1000
#define N_DOWN 300

static void counters_exact_for_a_known_exchange(void **state)
{
    (void)state;
    static char up[N_UP], down[N_DOWN], buf[N_UP];
    memset(up, 'u', sizeof up);
    memset(down, 'd', sizeof down);
    xsock *l = xt_listener("127.0.0.1", 4), *c = NULL, *a = NULL;
    xsock_info li0 = info_of(l);
    assert_true(li0.os_calls >= 4); /* socket, setsockopt..., bind, listen, getsockname */
    assert_int_equal(li0.connect_ns, -1);
    assert_int_equal(li0.listener, XSOCK_INVALID_NATIVE);

    xt_trace t;
    xt_trace_start(&t);
    uint64_t g0 = global_calls();
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 2000), XSOCK_OK);
    uint64_t g1 = global_calls();
    xt_trace_stop();
    int waits = 0;
    int calls = on_handle(&t, xsock_native_handle(c), &waits);
    xsock_info ci = info_of(c);
    /* the whole connect, and nothing else, is the socket's */
    assert_int_equal(ci.os_calls, g1 - g0);
    assert_int_equal(ci.os_calls, (uint64_t)calls);
    assert_int_equal(ci.waits, (uint64_t)waits);
    assert_true(ci.connect_ns > 0);
    assert_int_equal(ci.handshake_ns, -1);
    assert_int_equal(ci.bytes_sent, 0);
    assert_int_equal(ci.listener, XSOCK_INVALID_NATIVE);

    uint64_t g2 = global_calls();
    assert_int_equal(xsock_accept(l, &a, 2000), XSOCK_OK);
    uint64_t g3 = global_calls();
    xsock_info ai = info_of(a);
    assert_int_equal(ai.os_calls, 0); /* the accept is the listener's */
    assert_int_equal(ai.listener, xsock_native_handle(l));
    assert_int_equal(info_of(l).os_calls, li0.os_calls + (g3 - g2));

    /* K calls, N bytes each way, traced */
    xt_trace_start(&t);
    assert_int_equal(xsock_send_all(c, up, N_UP, 2000), XSOCK_OK);
    assert_int_equal(xsock_recv_all(a, buf, N_UP, 2000), XSOCK_OK);
    assert_int_equal(xsock_send_all(a, down, N_DOWN, 2000), XSOCK_OK);
    assert_int_equal(xsock_recv_all(c, buf, N_DOWN, 2000), XSOCK_OK);
    assert_int_equal(xsock_set_nodelay(c, 1), XSOCK_OK);
    xt_trace_stop();
    int cw = 0, aw = 0;
    int cc = on_handle(&t, xsock_native_handle(c), &cw);
    int ac = on_handle(&t, xsock_native_handle(a), &aw);
    xsock_info c2 = info_of(c), a2 = info_of(a);
    assert_int_equal(c2.os_calls - ci.os_calls, (uint64_t)cc);
    assert_int_equal(a2.os_calls - ai.os_calls, (uint64_t)ac);
    assert_int_equal(c2.waits - ci.waits, (uint64_t)cw);
    assert_int_equal(a2.waits - ai.waits, (uint64_t)aw);
    assert_int_equal(c2.bytes_sent, N_UP);
    assert_int_equal(c2.bytes_received, N_DOWN);
    assert_int_equal(a2.bytes_sent, N_DOWN);
    assert_int_equal(a2.bytes_received, N_UP);

    /* a recv that waits: the wait and its time are counted */
    xsock_info c3 = info_of(c);
    assert_int_equal(xsock_recv(c, buf, 1, 150), XSOCK_ETIMEDOUT);
    xsock_info c4 = info_of(c);
    assert_true(c4.waits > c3.waits);
    assert_true(c4.wait_ns - c3.wait_ns >= 140u * 1000000u);
    assert_true(c4.os_calls >= c3.os_calls + 2); /* recv (would block), poll */

    /* the report line carries them */
    const char *path = "test_socket_stats.report.txt";
    FILE *f = fopen(path, "w+");
    assert_non_null(f);
    assert_true(xsock_report_live(f) >= 3);
    rewind(f);
    char line[2048], want[128];
    int hit = 0;
    snprintf(want, sizeof want, " sent=%d recv=%d waits=", N_UP, N_DOWN);
    while (fgets(line, sizeof line, f)) {
        if (strstr(line, want) && strstr(line, " connect=") && strstr(line, " sndbuf=")) hit |= 1;
        snprintf(want + 64, 64, "from=listener:%llu", (unsigned long long)xsock_native_handle(l));
        if (strstr(line, want + 64) && strstr(line, " accepted ")) hit |= 2;
        print_message("%s", line);
    }
    fclose(f);
    remove(path);
    assert_int_equal(hit, 3);

    xsock_close(a);
    xsock_close(c);
    xsock_close(l);
}

static void kernel_figures_present_and_plausible(void **state)
{
    (void)state;
    xsock *c = NULL, *a = NULL;
    xt_pair(&c, &a);
    char msg[100];
    memset(msg, 'k', sizeof msg);
    assert_int_equal(xsock_send_all(a, msg, sizeof msg, 2000), XSOCK_OK);
    /* wait until it has arrived, without reading it */
    xsock_pollfd p = {c, XSOCK_POLLIN, 0};
    assert_int_equal(xsock_poll(&p, 1, 2000), 1);

    struct xsock_socket_stats st;
    memset(&st, 0x55, sizeof st);
    st.size = sizeof st;
    uint64_t before = info_of(c).os_calls;
    xt_trace t;
    xt_trace_start(&t);
    uint64_t g0 = global_calls();
    assert_int_equal(xsock_socket_stats(c, &st), XSOCK_OK);
    uint64_t g1 = global_calls();
    xt_trace_stop();
    print_message("kernel: sndbuf=%lld rcvbuf=%lld unsent=%lld unread=%lld state=%s rtt=%lld "
                  "rttvar=%lld retrans=%lld cwnd=%lld mss=%lld (%d OS calls)\n",
                  (long long)st.sndbuf, (long long)st.rcvbuf, (long long)st.unsent,
                  (long long)st.unread, st.tcp_state, (long long)st.rtt_us,
                  (long long)st.rttvar_us, (long long)st.retransmits, (long long)st.cwnd_bytes,
                  (long long)st.mss, t.n);
    for (int i = 0; i < t.n; i++) /* what this OS answers, in the log */
        print_message("  %s -> %ld (os error %d)\n", t.calls[i], t.results[i], t.errors[i]);
    assert_int_equal(st.size, sizeof st);
    /* counted and traced like any other call, and counted for the socket */
    assert_true(g1 > g0);
    assert_int_equal((uint64_t)t.n, g1 - g0);
    assert_int_equal(info_of(c).os_calls - before, g1 - g0); /* info_of's own calls are its own */
    assert_int_equal(st.os_calls, before); /* the counters as they were before the call */
    assert_int_equal(st.bytes_received, 0);
    assert_true(st.connect_ns > 0);
    assert_int_equal(st.handshake_ns, -1);
    /* every OS we run on knows these */
    assert_true(st.sndbuf > 0);
    assert_true(st.rcvbuf > 0);
    assert_int_equal(st.unread, (int64_t)sizeof msg);
    assert_non_null(st.tcp_state);
    if (!xt_is_win32()) {
        assert_string_equal(st.tcp_state, "ESTABLISHED");
        assert_int_equal(st.unsent, 0);
        assert_true(st.rtt_us >= 0 && st.rtt_us < 1000000);
        assert_true(st.rttvar_us >= 0);
        assert_int_equal(st.retransmits, 0);
        assert_true(st.mss > 0);
        assert_true(st.cwnd_bytes >= st.mss);
    } else if (strcmp(st.tcp_state, "unknown") == 0) {
        /* no SIO_TCP_INFO (Wine 8, Windows before 10 1703): unknown, not made up */
        assert_int_equal(st.rtt_us, -1);
        assert_int_equal(st.cwnd_bytes, -1);
        assert_int_equal(st.mss, -1);
        assert_int_equal(st.retransmits, -1);
        assert_int_equal(st.unsent, -1);
    } else {
        assert_string_equal(st.tcp_state, "ESTABLISHED");
        assert_true(st.mss > 0);
    }
    assert_int_equal(st.rttvar_us == -1, xt_is_win32());

    /* a newer caller's bigger struct: only what the library knows is filled */
    struct {
        struct xsock_socket_stats st;
        unsigned char more[16];
    } big;
    memset(&big, 0x77, sizeof big);
    big.st.size = sizeof big;
    assert_int_equal(xsock_socket_stats(c, &big.st), XSOCK_OK);
    assert_int_equal(big.st.size, sizeof big.st);
    assert_int_equal(big.more[15], 0x77);
    /* an older, smaller one than the first version is refused */
    st.size = sizeof st - 1;
    assert_int_equal(xsock_socket_stats(c, &st), XSOCK_EINVAL);
    assert_int_equal(xsock_socket_stats(NULL, &st), XSOCK_EINVAL);
    st.size = sizeof st;
    assert_int_equal(xsock_socket_stats(c, NULL), XSOCK_EINVAL);

    /* a listener: its state, and no byte queues made up from its accept queue */
    xsock *l = xt_listener("127.0.0.1", 4);
    st.size = sizeof st;
    assert_int_equal(xsock_socket_stats(l, &st), XSOCK_OK);
    if (!xt_is_win32()) {
        assert_string_equal(st.tcp_state, "LISTEN");
        assert_int_equal(st.unsent, -1);
        assert_int_equal(st.rtt_us, -1);
    }
    xsock_close(l);
    xsock_close(a);
    xsock_close(c);
}

/* A poll of several sockets is a wait (and a call) of each. */
static void poll_counts_for_each_socket(void **state)
{
    (void)state;
    xsock *c = NULL, *a = NULL;
    xt_pair(&c, &a);
    xsock_info c0 = info_of(c), a0 = info_of(a);
    xsock_pollfd p[2] = {{c, XSOCK_POLLIN, 0}, {a, XSOCK_POLLIN, 0}};
    assert_int_equal(xsock_poll(p, 2, 50), 0);
    xsock_info c1 = info_of(c), a1 = info_of(a);
    assert_int_equal(c1.waits - c0.waits, 1);
    assert_int_equal(a1.waits - a0.waits, 1);
    assert_true(c1.wait_ns - c0.wait_ns >= 40u * 1000000u);
    assert_true(c1.os_calls > c0.os_calls);
    xsock_close(a);
    xsock_close(c);
}

/* A SOCKS5 proxy that speaks just enough: no authentication, CONNECT to an
   IPv4 address, success, then "ping" answered by "pong". */
static void *fake_socks5(void *arg)
{
    xsock *pl = arg, *p = NULL;
    unsigned char buf[16];
    static const unsigned char method[2] = {5, 0}, ok[10] = {5, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    if (xsock_accept(pl, &p, 5000) != XSOCK_OK) return NULL;
    if (xsock_recv_all(p, buf, 3, 5000) == XSOCK_OK && xsock_send_all(p, method, 2, 5000) == XSOCK_OK &&
        xsock_recv_all(p, buf, 10, 5000) == XSOCK_OK && xsock_send_all(p, ok, 10, 5000) == XSOCK_OK &&
        xsock_recv_all(p, buf, 4, 5000) == XSOCK_OK)
        xsock_send_all(p, "pong", 4, 5000);
    xsock_recv(p, buf, 1, 5000); /* until the client closes */
    xsock_close(p);
    return NULL;
}

static void proxied_socket_counts_its_handshake(void **state)
{
    (void)state;
    xsock *pl = xt_listener("127.0.0.1", 4), *c = NULL;
    char url[64], buf[4];
    snprintf(url, sizeof url, "socks5://127.0.0.1:%u", (unsigned)xt_port(pl));
    xt_thread *th = xt_thread_start(fake_socks5, pl);
    xsock_dialer *d = xsock_dialer_new();
    assert_non_null(d);
    assert_int_equal(xsock_dialer_set_proxy(d, url), XSOCK_OK);
    assert_int_equal(xsock_dialer_set_timeout(d, 5000), XSOCK_OK);
    /* this thread's own counts (the proxy thread makes calls meanwhile) */
    uint64_t c0 = xsock__thread_os_calls, w0 = xsock__thread_waits;
    assert_int_equal(xsock_dial(d, &c, "127.0.0.1", 9), XSOCK_OK);
    uint64_t calls = xsock__thread_os_calls - c0, waits = xsock__thread_waits - w0;
    xsock_info ci = info_of(c);
    print_message("proxied: calls=%llu waits=%llu connect=%lld ns handshake=%lld ns\n",
                  (unsigned long long)ci.os_calls, (unsigned long long)ci.waits,
                  (long long)ci.connect_ns, (long long)ci.handshake_ns);
    /* the connect to the proxy and the whole handshake are the socket's */
    assert_int_equal(ci.os_calls, calls);
    assert_int_equal(ci.waits, waits);
    assert_true(ci.waits >= 2); /* the proxy's two replies were waited for */
    assert_true(ci.connect_ns > 0);
    assert_true(ci.handshake_ns > 0);
    /* the data phase only: the handshake's bytes are not the application's */
    assert_int_equal(ci.bytes_sent, 0);
    assert_int_equal(ci.bytes_received, 0);
    assert_int_equal(xsock_send_all(c, "ping", 4, 5000), XSOCK_OK);
    assert_int_equal(xsock_recv_all(c, buf, 4, 5000), XSOCK_OK);
    assert_memory_equal(buf, "pong", 4);
    ci = info_of(c);
    assert_int_equal(ci.bytes_sent, 4);
    assert_int_equal(ci.bytes_received, 4);
    xsock_close(c);
    xt_thread_join(th);
    xsock_dialer_free(d);
    xsock_close(pl);
}

/* A selector that takes its time and then says "direct". */
static int slow_direct(void *user, const char *uri, xsock_proxy_list *out)
{
    (void)uri;
    (void)out;
    xt_sleep_ms(*(int *)user);
    return XSOCK_OK;
}

/* A socket's age and connect latency start when it is made, not when its
   dial began: the route's work before (a selector, a resolution, proxies
   that failed) is the dial's, whatever its timeout. */
static void latency_starts_with_the_socket(void **state)
{
    (void)state;
    int sleep_ms = 300;
    xsock_proxy_selector sel = {&sleep_ms, slow_direct, NULL};
    xsock *l = xt_listener("127.0.0.1", 4), *c = NULL;
    xsock_dialer *d = xsock_dialer_new();
    assert_non_null(d);
    assert_int_equal(xsock_dialer_set_proxy_selector(d, &sel), XSOCK_OK);
    for (int timeout_ms = -1; timeout_ms <= 5000; timeout_ms += 5001) {
        assert_int_equal(xsock_dialer_set_timeout(d, timeout_ms), XSOCK_OK);
        assert_int_equal(xsock_dial(d, &c, "127.0.0.1", xt_port(l)), XSOCK_OK);
        xsock_info ci = info_of(c);
        print_message("timeout %d: connect=%lld ns age=%llu ms\n", timeout_ms,
                      (long long)ci.connect_ns, (unsigned long long)ci.age_ms);
        assert_true(ci.connect_ns > 0);
        assert_true(ci.connect_ns < 150 * 1000000LL); /* the selector slept 300 ms */
        assert_true(ci.age_ms < 150);
        xsock_close(c);
    }
    xsock_dialer_free(d);
    xsock_close(l);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counters_exact_for_a_known_exchange),
        cmocka_unit_test(kernel_figures_present_and_plausible),
        cmocka_unit_test(poll_counts_for_each_socket),
        cmocka_unit_test(proxied_socket_counts_its_handshake),
        cmocka_unit_test(latency_starts_with_the_socket),
    };
    return XT_RUN(tests);
}
