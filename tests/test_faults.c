/* SPDX-License-Identifier: MIT */
/* Every error path of connect, accept and I/O, made real through the
   syscall table: the right code comes back, and neither the library's
   count of live sockets nor the OS's count of socket handles moves. */
#include <stdarg.h>
#include <string.h>

#include "os_hooks.h" /* XSOCK__PRINTF */
#include "xtest.h"

static int teardown(void **state)
{
    (void)state;
    xsock__clear_faults();
    return 0;
}

/* The thread's detail is exactly the formatted text. */
static XSOCK__PRINTF(1, 2) void assert_detail(const char *fmt, ...)
{
    char want[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(want, sizeof want, fmt, ap);
    va_end(ap);
    assert_string_equal(xsock_last_error_detail(), want);
}

static void connect_fails_with(const char *call, int err, unsigned skip, int want)
{
    xsock *l = xt_listener("127.0.0.1", 8), *c = (xsock *)&c;
    xt_counts before = xt_counts_now();
    assert_int_equal(xsock__inject_fault(call, err, skip, 1), XSOCK_OK);
    int rc = xsock_connect(&c, "127.0.0.1", xt_port(l), 2000);
    xsock__clear_faults();
    assert_int_equal(rc, want);
    assert_null(c);
    assert_non_null(strstr(xsock_last_error_detail(), "connect 127.0.0.1:"));
    xt_assert_counts(before);
    xsock_close(l);
}

static void socket_emfile(void **state)
{
    (void)state;
    connect_fails_with("socket", XSOCK_EMFILE, 0, XSOCK_EMFILE);
    assert_int_not_equal(xsock_last_os_error(), 0);
}

static void connect_call_fails(void **state)
{
    (void)state;
    connect_fails_with("connect", XSOCK_ENETUNREACH, 0, XSOCK_ENETUNREACH);
    connect_fails_with("connect", XSOCK_EADDRNOTAVAIL, 0, XSOCK_EADDRNOTAVAIL);
}

static void wait_fails(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 8), *c = (xsock *)&c;
    xt_counts before = xt_counts_now();
    assert_int_equal(xsock__inject_fault("wait", XSOCK_ENOMEM, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 2000), XSOCK_ENOMEM);
    xsock__clear_faults();
    assert_null(c);
    xt_assert_counts(before);
    xsock_close(l);
}

/* A literal dials its one address without the race (dial_one): its
   failures read as they did when a race of one reported them. */
static void one_address_fails_as_a_race_of_one(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 8), *c = (xsock *)&c;
    unsigned port = xt_port(l);
    xt_counts before = xt_counts_now();
    assert_int_equal(xsock__inject_fault("wait", XSOCK_ENOMEM, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 2000), XSOCK_ENOMEM);
    xsock__clear_faults();
    assert_detail("poll of 1 connecting sockets: out of memory (os %d)", xsock_last_os_error());
    assert_int_equal(xsock__inject_fault("connect_result", XSOCK_ECONNREFUSED, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 2000), XSOCK_ECONNREFUSED);
    xsock__clear_faults();
    assert_detail("connect 127.0.0.1:%u: connection refused (os %d)", port, xsock_last_os_error());
    xsock_dialer *d = xsock_dialer_new();
    assert_non_null(d);
    assert_int_equal(xsock_dialer_set_local(d, "::1", 0), XSOCK_OK);
    assert_int_equal(xsock_dial(d, &c, "127.0.0.1", xt_port(l)), XSOCK_EAFNOSUPPORT);
    assert_detail("connect 127.0.0.1 port %u: no address of the local address's family: "
                  "address family not supported",
                  port);
    assert_int_equal(xsock_last_os_error(), 0);
    xsock_dialer_free(d);
    assert_null(c);
    xt_assert_counts(before);
    xsock_close(l);
}

/* A dial that ends for want of memory says where: never the detail of an
   earlier call. */
static void out_of_memory_has_its_own_detail(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 8), *c = (xsock *)&c;
    xt_counts before = xt_counts_now();
    assert_int_equal(xsock_connect(&c, "127.0.0.1", 1, 100), XSOCK_ECONNREFUSED); /* a detail to replace */
    assert_int_equal(xsock__inject_fault("socket", XSOCK_ENOMEM, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 2000), XSOCK_ENOMEM);
    xsock__clear_faults();
    assert_detail("connect 127.0.0.1:%u: socket: out of memory (os %d)", (unsigned)xt_port(l),
                  xsock_last_os_error());
    assert_null(c);
    xt_assert_counts(before);
    xsock_close(l);
}

/* The OS gave up on the first socket and the new one cannot be made: the
   address's failure, reported as such (a race of one notes it), not the
   allocator's bare detail. */
static void failed_retry_is_the_address_failure(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 8), *c = (xsock *)&c;
    xt_counts before = xt_counts_now();
    assert_int_equal(xsock__inject_fault("connect_result", XSOCK_ETIMEDOUT, 0, 1), XSOCK_OK);
    assert_int_equal(xsock__inject_fault("socket", XSOCK_ENOMEM, 1, 1), XSOCK_OK);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 2000), XSOCK_ENOMEM);
    xsock__clear_faults();
    assert_detail("connect 127.0.0.1:%u: out of memory (os %d)", (unsigned)xt_port(l),
                  xsock_last_os_error());
    assert_null(c);
    xt_assert_counts(before);
    xsock_close(l);
}

static void connect_result_reports_error(void **state)
{
    (void)state;
    connect_fails_with("connect_result", XSOCK_ECONNREFUSED, 0, XSOCK_ECONNREFUSED);
    connect_fails_with("connect_result", XSOCK_EHOSTUNREACH, 0, XSOCK_EHOSTUNREACH);
}

/* An interrupted wait is retried with the time left: it never ends the
   connect early and never stretches its deadline. */
static void interrupted_waits_keep_the_deadline(void **state)
{
    (void)state;
    xt_hang h;
    xt_hang_open(&h);
    xt_counts before = xt_counts_now();
    xsock *c = NULL;
    assert_int_equal(xsock__inject_fault("wait", XSOCK__EINTR, 0, 3), XSOCK_OK);
    double t0 = xt_now_ms();
    assert_int_equal(xsock_connect(&c, "127.0.0.1", h.port, 300), XSOCK_ETIMEDOUT);
    double took = xt_now_ms() - t0;
    xsock__clear_faults();
    assert_true(took >= 300.0);
    assert_true(took < 600.0);
    xt_assert_counts(before);

    xsock *l = xt_listener("127.0.0.1", 8);
    assert_int_equal(xsock__inject_fault("wait", XSOCK__EINTR, 0, 2), XSOCK_OK);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 1000), XSOCK_OK);
    xsock_close(c);
    xsock_close(l);
    xt_hang_close(&h);
}

static void accept_fails_and_connection_stays_queued(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 8), *c = NULL, *a = (xsock *)&a;
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 1000), XSOCK_OK);
    xt_counts before = xt_counts_now();
    assert_int_equal(xsock__inject_fault("accept", XSOCK_EMFILE, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_accept(l, &a, 1000), XSOCK_EMFILE);
    assert_null(a);
    assert_non_null(strstr(xsock_last_error_detail(), "accept on 127.0.0.1:"));
    xt_assert_counts(before);
    assert_int_equal(xsock_accept(l, &a, 1000), XSOCK_OK);
    xsock_close(a);
    xsock_close(c);
    xsock_close(l);
}

static void accept_wait_fails(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 8), *a = (xsock *)&a;
    xt_counts before = xt_counts_now();
    assert_int_equal(xsock__inject_fault("wait", XSOCK_ENOMEM, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_accept(l, &a, 1000), XSOCK_ENOMEM);
    assert_null(a);
    xt_assert_counts(before);
    xsock_close(l);
}

static void send_and_recv_fail(void **state)
{
    (void)state;
    xsock *c, *a;
    char buf[4];
    xt_pair(&c, &a);
    assert_int_equal(xsock__inject_fault("send", XSOCK_ECONNRESET, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_send(c, "abcd", 4, 1000), XSOCK_ECONNRESET);
    assert_non_null(strstr(xsock_last_error_detail(), "send to 127.0.0.1:"));
    assert_int_equal(xsock__inject_fault("recv", XSOCK_ECONNRESET, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_recv(a, buf, 4, 1000), XSOCK_ECONNRESET);
    /* the faults are spent: the connection still works (a dead connection,
       ECONNABORTED, stays dead: test_deadlines) */
    assert_int_equal(xsock_send_all(c, "abcd", 4, 1000), XSOCK_OK);
    assert_int_equal(xsock_recv_all(a, buf, 4, 1000), XSOCK_OK);
    xsock_close(c);
    xsock_close(a);
}

static void close_failure_still_releases(void **state)
{
    (void)state;
    xsock *c, *a;
    xt_pair(&c, &a);
    xt_counts before = xt_counts_now();
    assert_int_equal(xsock__inject_fault("close", XSOCK_EOS, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_close(c), XSOCK_EOS);
    xt_counts after = xt_counts_now();
    assert_int_equal(before.live - after.live, 1);
    if (before.os >= 0) assert_int_equal(before.os - after.os, 1);
    xsock_close(a);
}

static void resolver_failures_are_distinct(void **state)
{
    (void)state;
    xsock *c = (xsock *)&c;
    xt_counts before = xt_counts_now();
    assert_int_equal(xsock__inject_fault("resolve", XSOCK_ENOTFOUND, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_connect(&c, "localhost", 80, 1000), XSOCK_ENOTFOUND);
    assert_null(c);
    assert_non_null(strstr(xsock_last_error_detail(), "resolve localhost"));
    assert_int_equal(xsock__inject_fault("resolve", XSOCK_EDNSTEMP, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_connect(&c, "localhost", 80, 1000), XSOCK_EDNSTEMP);
    xt_assert_counts(before);
}

static void skip_lets_earlier_calls_through(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 8), *c1 = NULL, *c2 = (xsock *)&c2;
    assert_int_equal(xsock__inject_fault("socket", XSOCK_EMFILE, 1, 1), XSOCK_OK);
    assert_int_equal(xsock_connect(&c1, "127.0.0.1", xt_port(l), 1000), XSOCK_OK);
    assert_int_equal(xsock_connect(&c2, "127.0.0.1", xt_port(l), 1000), XSOCK_EMFILE);
    assert_null(c2);
    xsock_close(c1);
    xsock_close(l);
}

static void unknown_fault_names_are_rejected(void **state)
{
    (void)state;
    assert_int_equal(xsock__inject_fault("no-such-call", XSOCK_EOS, 0, 1), XSOCK_EINVAL);
    assert_int_equal(xsock__inject_fault("socket", XSOCK_EOS, 0, 0), XSOCK_EINVAL);
}

/* An interrupted call is tried again; the internal code never escapes
   (recv, send and accept returned it, -1002). */
static void interrupted_io_is_retried(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 8), *c = NULL, *a = NULL;
    char buf[4];
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 1000), XSOCK_OK);
    assert_int_equal(xsock__inject_fault("accept", XSOCK__EINTR, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_accept(l, &a, 1000), XSOCK_OK);
    assert_int_equal(xsock__inject_fault("send", XSOCK__EINTR, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_send(c, "abcd", 4, 1000), 4);
    assert_int_equal(xsock__inject_fault("recv", XSOCK__EINTR, 0, 1), XSOCK_OK);
    assert_int_equal(xsock_recv(a, buf, 4, 1000), 4);
    assert_memory_equal(buf, "abcd", 4);
    xsock_close(a);
    xsock_close(c);
    xsock_close(l);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(socket_emfile, teardown),
        cmocka_unit_test_teardown(connect_call_fails, teardown),
        cmocka_unit_test_teardown(wait_fails, teardown),
        cmocka_unit_test_teardown(one_address_fails_as_a_race_of_one, teardown),
        cmocka_unit_test_teardown(failed_retry_is_the_address_failure, teardown),
        cmocka_unit_test_teardown(out_of_memory_has_its_own_detail, teardown),
        cmocka_unit_test_teardown(connect_result_reports_error, teardown),
        cmocka_unit_test_teardown(interrupted_waits_keep_the_deadline, teardown),
        cmocka_unit_test_teardown(accept_fails_and_connection_stays_queued, teardown),
        cmocka_unit_test_teardown(accept_wait_fails, teardown),
        cmocka_unit_test_teardown(send_and_recv_fail, teardown),
        cmocka_unit_test_teardown(close_failure_still_releases, teardown),
        cmocka_unit_test_teardown(resolver_failures_are_distinct, teardown),
        cmocka_unit_test_teardown(skip_lets_earlier_calls_through, teardown),
        cmocka_unit_test_teardown(unknown_fault_names_are_rejected, teardown),
        cmocka_unit_test_teardown(interrupted_io_is_retried, teardown),
    };
    return XT_RUN(tests);
}
