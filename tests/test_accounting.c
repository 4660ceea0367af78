/* SPDX-License-Identifier: MIT */
/* Accounting: counters, the limit, the live list and its report, sites,
   adopt/release, the OS's own count, and cleanup's leak count. */
#define XSOCK_TRACK_SITES
#include <string.h>

#include "xbackend.h"

static xsock_stats stats(void)
{
    xsock_stats st;
    xsock_get_stats(&st);
    return st;
}

static void counters_follow_sockets(void **state)
{
    (void)state;
    xsock_stats s0 = stats();
    long os0 = xsock_os_handle_count();
    print_message("OS socket handles at start: %ld\n", os0);
    /* Windows reads it from its handle table, Wine by probing handles */
    if (xt_is_win32()) assert_true(os0 >= 0);
    xsock *l = xt_listener("127.0.0.1", 4), *c = NULL, *a = NULL;
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 1000), XSOCK_OK);
    assert_int_equal(xsock_accept(l, &a, 1000), XSOCK_OK);
    xsock_stats s1 = stats();
    assert_int_equal(s1.opened - s0.opened, 3);
    assert_int_equal(s1.live - s0.live, 3);
    assert_true(s1.peak >= s1.live);
    assert_int_equal(s1.opened - s1.closed, s1.live);
    if (os0 >= 0) assert_int_equal(xsock_os_handle_count() - os0, 3);
    xsock_close(a);
    xsock_close(c);
    xsock_close(l);
    xsock_stats s2 = stats();
    assert_int_equal(s2.closed - s0.closed, 3);
    assert_int_equal(s2.live, s0.live);
    assert_int_equal(s2.opened - s2.closed, s2.live);
    if (os0 >= 0) assert_int_equal(xsock_os_handle_count(), os0);
}

static void limit_refuses_without_os_calls(void **state)
{
    (void)state;
    xsock *l = xt_listener("127.0.0.1", 4), *c = NULL, *c2 = (xsock *)&c2, *a = (xsock *)&a;
    xsock_stats s0 = stats();
    xsock_set_limit(s0.live + 1);
    assert_int_equal(stats().limit, s0.live + 1);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 1000), XSOCK_OK);
    xsock_stats s1 = stats();
    assert_int_equal(xsock_connect(&c2, "127.0.0.1", xt_port(l), 1000), XSOCK_ELIMIT);
    assert_null(c2);
    assert_int_equal(xsock_listen(&c2, "127.0.0.1", 0, 1), XSOCK_ELIMIT);
    /* accept at the limit: refused, and the connection stays queued */
    assert_int_equal(xsock_accept(l, &a, 0), XSOCK_ELIMIT);
    assert_null(a);
    xsock_stats s2 = stats();
    assert_int_equal(s2.os_calls, s1.os_calls);
    assert_int_equal(s2.live, s1.live);
    assert_non_null(strstr(xsock_last_error_detail(), "limit"));
    xsock_set_limit(0);
    assert_int_equal(xsock_accept(l, &a, 1000), XSOCK_OK);
    xsock_close(a);
    xsock_close(c);
    xsock_close(l);
}

typedef struct seen {
    int n;
    int found_site;
    char kinds[8][16];
} seen;

static void collect(void *user, const xsock_info *info)
{
    seen *s = user;
    if (s->n < 8) snprintf(s->kinds[s->n], sizeof s->kinds[0], "%s", info->kind);
    s->n++;
    if (strstr(info->site, "test_accounting.c:")) s->found_site++;
    assert_non_null(info->local);
    assert_non_null(info->peer);
}

static void foreach_sees_kinds_and_sites(void **state)
{
    (void)state;
    xsock *l = NULL, *c = NULL, *a = NULL;
    assert_int_equal(xsock_listen(&l, "127.0.0.1", 0, 4), XSOCK_OK);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", (uint16_t)xsock_local_port(l), 1000), XSOCK_OK);
    assert_int_equal(xsock_accept(l, &a, 1000), XSOCK_OK);
    seen s;
    memset(&s, 0, sizeof s);
    assert_int_equal(xsock_foreach_live(collect, &s), 3);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.found_site, 3);
    /* newest first */
    assert_string_equal(s.kinds[0], "accepted");
    assert_string_equal(s.kinds[1], "connected");
    assert_string_equal(s.kinds[2], "listening");
    xsock_close(a);
    xsock_close(c);
    xsock_close(l);
    assert_int_equal(xsock_foreach_live(NULL, NULL), 0);
}

static void report_lines(void **state)
{
    (void)state;
    xsock *l = NULL;
    assert_int_equal(xsock_listen(&l, "127.0.0.1", 0, 4), XSOCK_OK);
    int line = __LINE__ - 1;
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(xsock_report_live(f), 1);
    rewind(f);
    char text[512] = {0};
    assert_true(fread(text, 1, sizeof text - 1, f) > 0);
    fclose(f);
    char want[64];
    snprintf(want, sizeof want, "test_accounting.c:%d", line);
    assert_non_null(strstr(text, want));
    assert_non_null(strstr(text, "listening"));
    snprintf(want, sizeof want, "127.0.0.1:%d", xsock_local_port(l));
    assert_non_null(strstr(text, want));
    assert_non_null(strstr(text, "age="));
    xsock_close(l);
}

/* Without XSOCK_TRACK_SITES the site is the caller's code address. */
static void site_without_tracking_is_a_code_address(void **state)
{
    (void)state;
    xsock *l = NULL;
    assert_int_equal((xsock_listen)(&l, "127.0.0.1", 0, 4), XSOCK_OK);
    seen s;
    memset(&s, 0, sizeof s);
    xsock_foreach_live(collect, &s);
    assert_int_equal(s.found_site, 0);
    FILE *f = tmpfile();
    xsock_report_live(f);
    rewind(f);
    char text[512] = {0};
    assert_true(fread(text, 1, sizeof text - 1, f) > 0);
    fclose(f);
    assert_non_null(strstr(text, "site="));
    assert_non_null(strstr(text, "0x"));
    xsock_close(l);
}

static void adopt_and_release(void **state)
{
    (void)state;
    xsock *c, *a, *adopted = NULL;
    xt_pair(&c, &a);
    long os0 = xsock_os_handle_count();
    xsock_stats s0 = stats();
    xsock_native h = xsock_release(c);
    assert_true(h != XSOCK_INVALID_NATIVE);
    xsock_stats s1 = stats();
    assert_int_equal(s1.closed - s0.closed, 1);
    assert_int_equal(s0.live - s1.live, 1);
    /* the handle itself stays open: the OS count does not move */
    if (os0 >= 0) assert_int_equal(xsock_os_handle_count(), os0);
    assert_int_equal(xsock_adopt(&adopted, h), XSOCK_OK);
    assert_true(xsock_native_handle(adopted) == h);
    seen s;
    memset(&s, 0, sizeof s);
    xsock_foreach_live(collect, &s);
    assert_string_equal(s.kinds[0], "adopted");
    /* still a working connection */
    char buf[2];
    assert_int_equal(xsock_send_all(adopted, "hi", 2, 1000), XSOCK_OK);
    assert_int_equal(xsock_recv_all(a, buf, 2, 1000), XSOCK_OK);
    assert_memory_equal(buf, "hi", 2);
    xsock_close(adopted);
    xsock_close(a);
    if (os0 >= 0) assert_int_equal(xsock_os_handle_count(), os0 - 2);
    assert_int_equal(stats().opened - stats().closed, stats().live);
}

static void adopt_rejects_non_sockets(void **state)
{
    (void)state;
    xsock *s = (xsock *)&s;
    xt_counts before = xt_counts_now();
    /* a handle value that is not an open socket */
    assert_int_equal(xsock_adopt(&s, (xsock_native)999999), XSOCK_EINVAL);
    assert_null(s);
    xt_assert_counts(before);
}

static void cleanup_counts_leaks(void **state)
{
    (void)state;
    xsock *l = NULL;
    assert_int_equal(xsock_init(), XSOCK_OK);
    assert_int_equal(xsock_listen(&l, "127.0.0.1", 0, 4), XSOCK_OK);
    assert_int_equal(xsock_cleanup(), 1); /* prints the leak to stderr */
    /* the socket still works: cleanup does not pull the OS layer from under it */
    assert_true(xsock_local_port(l) > 0);
    xsock_close(l);
    assert_int_equal(xsock_init(), XSOCK_OK);
    assert_int_equal(xsock_init(), XSOCK_OK);
    assert_int_equal(xsock_cleanup(), 0);
    xsock *c = NULL;
    l = xt_listener("127.0.0.1", 4);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 1000), XSOCK_OK);
    xsock_close(c);
    xsock_close(l);
    assert_int_equal(xsock_cleanup(), 0);
}

/* At the limit a name is not even resolved: no OS call at all. */
static void limit_comes_before_the_resolver(void **state)
{
    (void)state;
    xsock *s = (xsock *)&s;
    xsock_stats s0, s1;
    xsock_get_stats(&s0);
    xsock_set_limit(s0.live > 0 ? s0.live : 1);
    xsock *hold = NULL;
    if (s0.live == 0) assert_int_equal(xsock_listen(&hold, "127.0.0.1", 0, 1), XSOCK_OK);
    xsock_get_stats(&s0);
    assert_int_equal(xsock_connect(&s, "localhost", 80, 1000), XSOCK_ELIMIT);
    assert_int_equal(xsock_listen(&s, "localhost", 0, 1), XSOCK_ELIMIT);
    xsock_dialer *d = xsock_dialer_new();
    assert_int_equal(xsock_dial(d, &s, "localhost", 80), XSOCK_ELIMIT);
    xsock_dialer_free(d);
    xsock_get_stats(&s1);
    xsock_set_limit(0);
    assert_null(s);
    assert_int_equal(s1.os_calls, s0.os_calls);
    xsock_close(hold);
}


typedef struct waiting_accept {
    xsock *listener, *got;
    int rc;
} waiting_accept;

static void *accept_1500(void *arg)
{
    waiting_accept *w = arg;
    w->rc = xsock_accept(w->listener, &w->got, 1500);
    return NULL;
}

/* A thread waiting in accept holds no slot: with a limit of 2 and one
   listener, another thread's connect gets the second slot; the accept then
   finds the limit reached and leaves the connection queued.  Before: the
   connect got XSOCK_ELIMIT while live was 1. */
static void waiting_accept_holds_no_slot(void **state)
{
    (void)state;
    xsock_stats s0 = stats();
    xsock_set_limit(s0.live + 2);
    waiting_accept w = {NULL, NULL, 0};
    assert_int_equal(xsock_listen(&w.listener, "127.0.0.1", 0, 8), XSOCK_OK);
    xt_thread *th = xt_thread_start(accept_1500, &w);
    xt_sleep_ms(200); /* the accept is waiting now */
    xsock *c = NULL;
    int rc = xsock_connect(&c, "127.0.0.1", xt_port(w.listener), 1000);
    xt_thread_join(th);
    xsock_set_limit(0);
    print_message("limit 2, accept waiting: connect %s, accept %s\n", xsock_errname(rc),
                  xsock_errname(w.rc));
    assert_int_equal(rc, XSOCK_OK);
    assert_int_equal(w.rc, XSOCK_ELIMIT);
    assert_null(w.got);
    /* queued, not lost */
    assert_int_equal(xsock_accept(w.listener, &w.got, 1000), XSOCK_OK);
    xsock_close(w.got);
    xsock_close(c);
    xsock_close(w.listener);
}

/* The limit's detail says it once.  Before: "socket limit 2 reached:
   socket limit of the library reached". */
static void limit_detail_does_not_repeat_itself(void **state)
{
    (void)state;
    xsock_stats s0 = stats();
    xsock_set_limit(s0.live > 0 ? s0.live : 1);
    xsock *hold = NULL, *s = (xsock *)&s;
    if (s0.live == 0) assert_int_equal(xsock_listen(&hold, "127.0.0.1", 0, 1), XSOCK_OK);
    assert_int_equal(xsock_listen(&s, "127.0.0.1", 0, 1), XSOCK_ELIMIT);
    xsock_set_limit(0);
    const char *d = xsock_last_error_detail();
    print_message("%s\n", d);
    int times = 0;
    for (const char *p = d; (p = strstr(p, "limit")) != NULL; p++) times++;
    assert_int_equal(times, 1);
    assert_non_null(strstr(d, xsock_strerror(XSOCK_ELIMIT)));
    xsock_close(hold);
}

/* Only TCP over IPv4/IPv6 is adopted; anything else is XSOCK_EINVAL with
   os 0 (no OS call failed), and the handle stays the caller's.  Before: a
   UDP socket gave "invalid argument (os 111)", an errno left from an
   earlier refused connect, and a Unix-domain stream was taken. */
static void adopt_takes_tcp_only(void **state)
{
    (void)state;
    assert_int_equal(xsock_init(), XSOCK_OK);
    /* leave an OS error behind, as an earlier refused connect does */
    xsock *l = xt_listener("127.0.0.1", 1), *c = (xsock *)&c, *s = (xsock *)&s;
    uint16_t closed = xt_port(l);
    xsock_close(l);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", closed, 1000), XSOCK_ECONNREFUSED);
    assert_int_not_equal(xsock_last_os_error(), 0);
    xt_counts before = xt_counts_now();

    xsock_native udp = xt_native_udp_socket();
    assert_true(udp != XSOCK_INVALID_NATIVE);
    assert_int_equal(xsock_adopt(&s, udp), XSOCK_EINVAL);
    assert_null(s);
    print_message("adopt UDP: %s (os %d)\n", xsock_last_error_detail(), xsock_last_os_error());
    assert_int_equal(xsock_last_os_error(), 0);
    assert_null(strstr(xsock_last_error_detail(), "(os"));
    xt_native_close(udp);

    xsock_native unix_stream = xt_native_unix_stream_socket();
    if (unix_stream != XSOCK_INVALID_NATIVE) {
        s = (xsock *)&s;
        assert_int_equal(xsock_adopt(&s, unix_stream), XSOCK_EINVAL);
        assert_null(s);
        assert_int_equal(xsock_last_os_error(), 0);
        xt_native_close(unix_stream);
    } else {
        print_message("no AF_UNIX stream sockets here (Wine): that half is not run\n");
    }
    xt_assert_counts(before);
    assert_int_equal(xsock_cleanup(), 0);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counters_follow_sockets),
        cmocka_unit_test(limit_refuses_without_os_calls),
        cmocka_unit_test(limit_comes_before_the_resolver),
        cmocka_unit_test(foreach_sees_kinds_and_sites),
        cmocka_unit_test(report_lines),
        cmocka_unit_test(site_without_tracking_is_a_code_address),
        cmocka_unit_test(adopt_and_release),
        cmocka_unit_test(adopt_rejects_non_sockets),
        cmocka_unit_test(adopt_takes_tcp_only),
        cmocka_unit_test(waiting_accept_holds_no_slot),
        cmocka_unit_test(limit_detail_does_not_repeat_itself),
        cmocka_unit_test(cleanup_counts_leaks),
    };
    return XT_RUN(tests);
}
