/* SPDX-License-Identifier: MIT */
/* The trace hook: one event per OS call, exactly the calls expected, and
   os_calls counting the same calls whether tracing is on or off. */
#include <limits.h>
#include <string.h>

#include "xbackend.h"

static uint64_t os_calls(void)
{
    xsock_stats st;
    xsock_get_stats(&st);
    return st.os_calls;
}

static int has_call(const xt_trace *t, const char *name)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->calls[i], name) == 0) return 1;
    return 0;
}

static void timed_connect_and_close(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 8), *c = NULL;
    xt_trace t;
    char calls[1024];
    uint64_t n0 = os_calls();
    xt_trace_start(&t);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 1000), XSOCK_OK);
    xsock_native h = xsock_native_handle(c);
    xsock_close(c);
    /* every call of this connect was on its one handle */
    assert_true(h != XSOCK_INVALID_NATIVE);
    for (int i = 0; i < t.n; i++) assert_true(t.handles[i] == h);
    xt_trace_stop();
    xt_trace_join(&t, calls, sizeof calls);
    print_message("trace: %s\n", calls);
    assert_int_equal(os_calls() - n0, (uint64_t)t.n);
    if (xt_is_win32()) {
        assert_string_equal(t.calls[0], "WSASocketW");
        assert_string_equal(t.calls[t.n - 1], "closesocket");
        assert_true(has_call(&t, "connect"));
        assert_true(has_call(&t, "getsockopt"));
    } else {
        assert_string_equal(calls, "socket,connect,poll,getsockopt,close");
        /* the pending connect reports its raw EINPROGRESS */
        assert_int_equal(t.results[1], -1);
        assert_int_not_equal(t.errors[1], 0);
        assert_int_equal(t.errors[2], 0);
    }
    xsock_close(l);
}

static void numeric_hosts_skip_the_resolver(void **state)
{
    (void)state;
    xsock *c = NULL;
    xt_trace t;
    xsock *l = xt_listener("127.0.0.1", 8);
    xt_trace_start(&t);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 1000), XSOCK_OK);
    xt_trace_stop();
    assert_false(has_call(&t, "getaddrinfo"));
    xsock_close(c);
    xt_trace_start(&t);
    assert_int_equal(xsock_connect(&c, "localhost", xt_port(l), 1000), XSOCK_OK);
    xt_trace_stop();
    assert_true(has_call(&t, "getaddrinfo"));
    xsock_close(c);
    xsock_close(l);
}

static void events_carry_handle_result_and_error(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 8), *c = NULL;
    uint16_t port = xt_port(l);
    xsock_close(l); /* a port that refuses */
    xt_trace t;
    xt_trace_start(&t);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", port, 3000), XSOCK_ECONNREFUSED);
    xt_trace_stop();
    assert_true(t.n >= 3);
    assert_string_equal(t.calls[t.n - 1], xt_is_win32() ? "closesocket" : "close");
    /* something in the trace reported the refusal or the pending connect */
    int errors = 0;
    for (int i = 0; i < t.n; i++) errors += t.errors[i] != 0;
    assert_true(errors >= 1);
}

static void optimistic_io_makes_one_call(void **state)
{
    (void)state;
    xsock *c, *a;
    char buf[8];
    xt_pair(&c, &a);
    xt_trace t;
    xt_trace_start(&t);
    assert_int_equal(xsock_send(c, "data", 4, 1000), 4);
    xt_trace_stop();
    assert_int_equal(t.n, 1);
    assert_string_equal(t.calls[0], "send");
    assert_int_equal(t.results[0], 4);

    xt_sleep_ms(20);
    xt_trace_start(&t);
    assert_int_equal(xsock_recv(a, buf, sizeof buf, 1000), 4);
    xt_trace_stop();
    assert_int_equal(t.n, 1);
    assert_string_equal(t.calls[0], "recv");

    /* nothing there yet: recv, one wait, recv */
    xt_trace_start(&t);
    assert_int_equal(xsock_recv(a, buf, sizeof buf, 50), XSOCK_ETIMEDOUT);
    xt_trace_stop();
    assert_int_equal(t.n, 2);
    assert_string_equal(t.calls[0], "recv");
    xsock_close(c);
    xsock_close(a);
}

static int hook_calls;
static void counting_hook(void *user, const xsock_trace_event *ev)
{
    (void)user;
    (void)ev;
    hook_calls++;
}

static void off_means_no_events_but_counted(void **state)
{
    (void)state;
    xsock *c, *a;
    xt_pair(&c, &a);
    xsock_set_trace(counting_hook, NULL);
    xsock_set_trace(NULL, NULL);
    hook_calls = 0;
    uint64_t n0 = os_calls();
    assert_int_equal(xsock_send(c, "x", 1, 1000), 1);
    assert_int_equal(hook_calls, 0);
    assert_int_equal(os_calls() - n0, 1);
    xsock_close(c);
    xsock_close(a);
}

static uint64_t longest_ns;
static void longest_hook(void *user, const xsock_trace_event *ev)
{
    (void)user;
    if (ev->duration_ns > longest_ns) longest_ns = ev->duration_ns;
}

/* The wait of a connect that times out lasts (about) the timeout. */
static void durations_are_measured(void **state)
{
    (void)state;
    xt_hang h;
    xt_hang_open(&h);
    xsock *c = NULL;
    longest_ns = 0;
    xsock_set_trace(longest_hook, NULL);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", h.port, 200), XSOCK_ETIMEDOUT);
    xsock_set_trace(NULL, NULL);
    assert_true(longest_ns >= 190000000u);
    xt_hang_close(&h);
}

static int stats_calls;
static void stats_hook(void *user, const xsock_trace_event *ev)
{
    xsock_stats st;
    (void)user;
    (void)ev;
    xsock_get_stats(&st); /* takes the registry lock */
    stats_calls++;
}

/* A report asks the OS for local addresses; that call is traced, and the
   hook may use the library: nothing is held while it runs (this hung). */
static void report_runs_hooks_outside_the_lock(void **state)
{
    (void)state;
    xsock *c, *a;
    xt_pair(&c, &a);
    stats_calls = 0;
    xsock_set_trace(stats_hook, NULL);
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_true(xsock_report_live(f) >= 2);
    fclose(f);
    xsock_set_trace(NULL, NULL);
    assert_true(stats_calls >= 1);
    xsock_close(c);
    xsock_close(a);
}

static int find_call(const xt_trace *t, const char *name)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->calls[i], name) == 0) return i;
    return -1;
}

/* A call that makes a socket reports it whole: `handle` is the new socket
   (for accept too, not the listener) and `result` is it when it fits in a
   long.  A SOCKET above LONG_MAX (64 bits on Win64, where long has 32) is
   injected on Windows: the handle field carries it, the result is
   LONG_MAX, never a truncated value naming some other socket. */
static void new_sockets_are_traced_whole(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 8), *c = NULL, *a = NULL;
    xt_trace t;
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 2000), XSOCK_OK);
    xt_trace_start(&t);
    assert_int_equal(xsock_accept(l, &a, 2000), XSOCK_OK);
    xt_trace_stop();
    int i = find_call(&t, xt_is_win32() ? "accept" : "accept4");
    if (i < 0) i = find_call(&t, "accept");
    assert_true(i >= 0);
    print_message("accept: handle %llu result %ld (listener %llu, accepted %llu)\n",
                  (unsigned long long)t.handles[i], t.results[i],
                  (unsigned long long)xsock_native_handle(l),
                  (unsigned long long)xsock_native_handle(a));
    assert_true(t.handles[i] == xsock_native_handle(a));
    assert_true(t.results[i] == (long)xsock_native_handle(a));
    xsock_close(a);
    xsock_close(c);

    xsock_native big = xt_big_handle();
    if (big) {
        xsock *none = NULL;
        assert_true(xt_fake_socket("WSASocketW", big));
        xt_trace_start(&t);
        int rc = xsock_connect(&none, "127.0.0.1", xt_port(l), 1000);
        xt_trace_stop();
        xt_fake_socket_stop();
        assert_int_not_equal(rc, XSOCK_OK); /* the fake is no socket */
        assert_string_equal(t.calls[0], "WSASocketW");
        print_message("WSASocketW of 0x%llx: handle 0x%llx result %ld (LONG_MAX %ld)\n",
                      (unsigned long long)big, (unsigned long long)t.handles[0], t.results[0],
                      (long)LONG_MAX);
        assert_true(t.handles[0] == big);
        assert_true(t.results[0] == LONG_MAX);
        assert_int_equal(t.errors[0], 0);

        assert_true(xt_fake_socket("accept", big));
        xt_trace_start(&t);
        rc = xsock_accept(l, &none, 0);
        xt_trace_stop();
        xt_fake_socket_stop();
        assert_int_not_equal(rc, XSOCK_OK);
        i = find_call(&t, "accept");
        assert_true(i >= 0);
        print_message("accept of 0x%llx: handle 0x%llx result %ld\n", (unsigned long long)big,
                      (unsigned long long)t.handles[i], t.results[i]);
        assert_true(t.handles[i] == big);
        assert_true(t.results[i] == LONG_MAX);
    }
    xsock_close(l);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(timed_connect_and_close),
        cmocka_unit_test(numeric_hosts_skip_the_resolver),
        cmocka_unit_test(events_carry_handle_result_and_error),
        cmocka_unit_test(optimistic_io_makes_one_call),
        cmocka_unit_test(off_means_no_events_but_counted),
        cmocka_unit_test(durations_are_measured),
        cmocka_unit_test(report_runs_hooks_outside_the_lock),
        cmocka_unit_test(new_sockets_are_traced_whole),
    };
    return XT_RUN(tests);
}
