/* SPDX-License-Identifier: MIT */
/* Dialing several addresses (RFC 8305): a hanging address does not hold
   up a working one, the timeout is never multiplied by the number of
   addresses, losers are closed, and the most informative error wins.
   The address lists are given to the dial engine directly, so no name
   resolution (and no namespace) is needed; tests/netns_dial.c does the
   same end to end through a real resolver. */
#include <string.h>

#include "dial/dial.h"
#include "xtest.h"

typedef struct dial_env {
    xsock_dialer *d;
    xsock__dial_ctx ctx;
} dial_env;

static void env_start(dial_env *e, int timeout_ms, int delay_ms)
{
    e->d = xsock_dialer_new();
    assert_non_null(e->d);
    assert_int_equal(xsock_dialer_set_happy_eyeballs(e->d, delay_ms), XSOCK_OK);
    memset(&e->ctx, 0, sizeof e->ctx);
    e->ctx.opts = e->d;
    e->ctx.zero_timeout = timeout_ms == 0;
    xsock__deadline_start(&e->ctx.deadline, timeout_ms);
}

static xsock__addr addr(const char *ip, uint16_t port)
{
    xsock__addr a;
    assert_int_equal(xsock__addr_parse(ip, port, &a), XSOCK_OK);
    return a;
}

/* A port on 127.0.0.1 where nothing listens. */
static uint16_t closed_port(void)
{
    xsock *l = xt_listener("127.0.0.1", 1);
    uint16_t p = xt_port(l);
    xsock_close(l);
    return p;
}

static void hanging_then_working_connects_after_the_delay(void **state)
{
    (void)state;
    xt_hang h;
    xt_hang_open(&h);
    xsock *ok = xt_listener("127.0.0.1", 8), *c = NULL;
    xsock__addr list[2] = {addr("127.0.0.1", h.port), addr("127.0.0.1", xt_port(ok))};
    xt_counts before = xt_counts_now();
    dial_env e;
    env_start(&e, 5000, 250);
    double t0 = xt_now_ms();
    assert_int_equal(xsock__connect_addrs(&e.ctx, list, 2, "test", 1, &c), XSOCK_OK);
    double took = xt_now_ms() - t0;
    print_message("hanging then working, delay 250, timeout 5000: %.1f ms\n", took);
    assert_true(took >= 250.0 && took < 250.0 + 200.0);
    char peer[64], want[64];
    xsock_peer_addr(c, peer, sizeof peer);
    snprintf(want, sizeof want, "127.0.0.1:%u", (unsigned)xt_port(ok));
    assert_string_equal(peer, want);
    /* the hanging attempt was closed before the dial returned */
    xt_counts after = xt_counts_now();
    assert_int_equal(after.live, before.live + 1);
    if (before.os >= 0) assert_int_equal(after.os, before.os + 1);
    xsock_close(c);
    xsock_dialer_free(e.d);
    xsock_close(ok);
    xt_hang_close(&h);
}

static void a_failure_starts_the_next_attempt_at_once(void **state)
{
    (void)state;
    xsock *ok = xt_listener("127.0.0.1", 8), *c = NULL;
    xsock__addr list[3] = {addr("127.0.0.1", closed_port()), addr("127.0.0.1", closed_port()),
                          addr("127.0.0.1", xt_port(ok))};
    dial_env e;
    env_start(&e, 5000, 250);
    double t0 = xt_now_ms();
    assert_int_equal(xsock__connect_addrs(&e.ctx, list, 3, "test", 1, &c), XSOCK_OK);
    assert_true(xt_now_ms() - t0 < 200.0);
    xsock_close(c);
    xsock_dialer_free(e.d);
    xsock_close(ok);
}

static void all_refused_is_refused_at_once_with_every_address(void **state)
{
    (void)state;
    uint16_t p1 = closed_port(), p2 = closed_port();
    xsock__addr list[2] = {addr("127.0.0.1", p1), addr("127.0.0.1", p2)};
    xsock *c = (xsock *)&c;
    xt_counts before = xt_counts_now();
    dial_env e;
    env_start(&e, 5000, 250);
    double t0 = xt_now_ms();
    assert_int_equal(xsock__connect_addrs(&e.ctx, list, 2, "two.test", 80, &c), XSOCK_ECONNREFUSED);
    assert_true(xt_now_ms() - t0 < 200.0);
    char want[64];
    const char *detail = xsock_last_error_detail();
    print_message("detail: %s\n", detail);
    assert_non_null(strstr(detail, "two.test"));
    snprintf(want, sizeof want, "127.0.0.1:%u: connection refused", (unsigned)p1);
    assert_non_null(strstr(detail, want));
    snprintf(want, sizeof want, "127.0.0.1:%u: connection refused", (unsigned)p2);
    assert_non_null(strstr(detail, want));
    xt_assert_counts(before);
    xsock_dialer_free(e.d);
}

static void timeout_is_not_multiplied(void **state)
{
    (void)state;
    xt_hang h1, h2;
    xt_hang_open(&h1);
    xt_hang_open(&h2);
    xsock__addr list[2] = {addr("127.0.0.1", h1.port), addr("127.0.0.1", h2.port)};
    xt_counts before = xt_counts_now();
    for (int delay = 0; delay <= 250; delay += 250) {
        xsock *c = (xsock *)&c;
        dial_env e;
        env_start(&e, 600, delay);
        double t0 = xt_now_ms();
        assert_int_equal(xsock__connect_addrs(&e.ctx, list, 2, "test", 1, &c), XSOCK_ETIMEDOUT);
        double took = xt_now_ms() - t0;
        print_message("two hanging addresses, delay %d, timeout 600: %.1f ms\n", delay, took);
        assert_true(took >= 600.0 && took < 600.0 + 150.0);
        assert_null(c);
        xsock_dialer_free(e.d);
    }
    xt_assert_counts(before);
    xt_hang_close(&h2);
    xt_hang_close(&h1);
}

static void refused_beats_timed_out(void **state)
{
    (void)state;
    xt_hang h;
    xt_hang_open(&h);
    xsock__addr list[2] = {addr("127.0.0.1", h.port), addr("127.0.0.1", closed_port())};
    xsock *c = (xsock *)&c;
    dial_env e;
    env_start(&e, 500, 100);
    double t0 = xt_now_ms();
    assert_int_equal(xsock__connect_addrs(&e.ctx, list, 2, "test", 1, &c), XSOCK_ECONNREFUSED);
    /* the refusal came early, but the hanging attempt could still have won */
    assert_true(xt_now_ms() - t0 >= 500.0);
    assert_non_null(strstr(xsock_last_error_detail(), "timed out"));
    xsock_dialer_free(e.d);
    xt_hang_close(&h);
}

/* One at a time (delay 0): each attempt gets at most an equal share of
   the time left, at least 2 s when the deadline allows (Go's rule). */
static void sequential_attempts_share_the_time(void **state)
{
    (void)state;
    xt_hang h;
    xt_hang_open(&h);
    xsock *ok = xt_listener("127.0.0.1", 8), *c = NULL;
    xsock__addr list[2] = {addr("127.0.0.1", h.port), addr("127.0.0.1", xt_port(ok))};
    dial_env e;
    env_start(&e, 5000, 0);
    double t0 = xt_now_ms();
    assert_int_equal(xsock__connect_addrs(&e.ctx, list, 2, "test", 1, &c), XSOCK_OK);
    double took = xt_now_ms() - t0;
    print_message("delay 0, hanging then working, timeout 5000: %.1f ms\n", took);
    assert_true(took >= 2500.0 && took < 2500.0 + 200.0); /* 5000 / 2 addresses */
    xsock_close(c);
    xsock_dialer_free(e.d);
    xsock_close(ok);
    xt_hang_close(&h);
}

static void families_interleave_after_resolution(void **state)
{
    (void)state;
    /* a literal list is taken as given; the resolver's order is
       interleaved by family (covered end to end in netns_dial.c) */
    xsock *l4 = xt_listener("127.0.0.1", 8), *l6 = NULL, *c = NULL;
    if (xsock_listen(&l6, "::1", 0, 8) != XSOCK_OK) {
        xsock_close(l4);
        skip();
    }
    xsock__addr list[2] = {addr("::1", xt_port(l6)), addr("127.0.0.1", xt_port(l4))};
    dial_env e;
    env_start(&e, 2000, 250);
    assert_int_equal(xsock__connect_addrs(&e.ctx, list, 2, "test", 1, &c), XSOCK_OK);
    char peer[64];
    xsock_peer_addr(c, peer, sizeof peer);
    assert_non_null(strstr(peer, "[::1]:"));
    xsock_close(c);
    xsock_dialer_free(e.d);
    xsock_close(l6);
    xsock_close(l4);
}

/* At the socket limit there is no slot for a second attempt: the dial goes
   on one at a time (the pending attempt gets its share) instead of giving
   up on an address that works (it returned XSOCK_ELIMIT). */
static void the_limit_makes_attempts_sequential(void **state)
{
    (void)state;
    xt_hang h;
    xt_hang_open(&h);
    xsock *ok = xt_listener("127.0.0.1", 8), *c = NULL;
    xsock__addr list[2] = {addr("127.0.0.1", h.port), addr("127.0.0.1", xt_port(ok))};
    xsock_stats st;
    xsock_get_stats(&st);
    xsock_set_limit(st.live + 1);
    dial_env e;
    env_start(&e, 3000, 250);
    double t0 = xt_now_ms();
    int rc = xsock__connect_addrs(&e.ctx, list, 2, "test", 1, &c);
    double took = xt_now_ms() - t0;
    xsock_set_limit(0);
    print_message("limit live+1, hanging then working, timeout 3000: %s after %.1f ms\n",
                  xsock_errname(rc), took);
    assert_int_equal(rc, XSOCK_OK);
    assert_true(took >= 2000.0 && took < 2700.0);
    xsock_close(c);
    xsock_dialer_free(e.d);
    xsock_close(ok);
    xt_hang_close(&h);
}

/* A pending attempt that fails starts the next one at once, even while an
   older attempt is still pending (it waited for the delay). */
static void a_pending_failure_does_not_wait_for_the_delay(void **state)
{
    (void)state;
    xt_hang h;
    xt_hang_open(&h);
    xsock *ok = xt_listener("127.0.0.1", 8), *c = NULL;
    xsock__addr list[3] = {addr("127.0.0.1", h.port), addr("127.0.0.1", xt_port(ok)),
                          addr("127.0.0.1", xt_port(ok))};
    dial_env e;
    env_start(&e, 5000, 250);
    /* the second attempt connects, but its result says refused */
    assert_int_equal(xsock__inject_fault("connect_result", XSOCK_ECONNREFUSED, 0, 1), XSOCK_OK);
    double t0 = xt_now_ms();
    int rc = xsock__connect_addrs(&e.ctx, list, 3, "test", 1, &c);
    double took = xt_now_ms() - t0;
    xsock__clear_faults();
    print_message("hang, fails after 250 ms, works: %s after %.1f ms\n", xsock_errname(rc), took);
    assert_int_equal(rc, XSOCK_OK);
    assert_true(took >= 250.0 && took < 250.0 + 150.0);
    xsock_close(c);
    xsock_dialer_free(e.d);
    xsock_close(ok);
    xt_hang_close(&h);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hanging_then_working_connects_after_the_delay),
        cmocka_unit_test(a_failure_starts_the_next_attempt_at_once),
        cmocka_unit_test(all_refused_is_refused_at_once_with_every_address),
        cmocka_unit_test(timeout_is_not_multiplied),
        cmocka_unit_test(refused_beats_timed_out),
        cmocka_unit_test(sequential_attempts_share_the_time),
        cmocka_unit_test(families_interleave_after_resolution),
        cmocka_unit_test(the_limit_makes_attempts_sequential),
        cmocka_unit_test(a_pending_failure_does_not_wait_for_the_delay),
    };
    return XT_RUN(tests);
}
