/* SPDX-License-Identifier: MIT */
/* Field bugs produced for real, inside a network namespace the test made
   itself (tests/netns/run.sh): the OS abandoning a SYN, a keepalive that
   declares a connection dead, Debian's stock "localhost" lines (127.0.0.1
   and ::1), names of several addresses for the local-address rules, and
   a process out of descriptors.  Linux only, as root. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dial/dial.h"
#include "xtest.h"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* With tcp_syn_retries=1 Linux abandons a SYN after ~3 s (ETIMEDOUT).
   A 7 s connect must last 7 s and say XSOCK_ETIMEDOUT then, trying again
   on new sockets meanwhile.  Before: XSOCK_ETIMEDOUT after ~3 s, os 110. */
static void os_give_up_is_not_the_callers_timeout(void **state)
{
    (void)state;
    write_file("/proc/sys/net/ipv4/tcp_syn_retries", "1\n");
    xt_hang h;
    xt_hang_open(&h);
    xsock *c = (xsock *)&c;
    xt_trace t;
    xt_trace_start(&t);
    double t0 = xt_now_ms();
    int rc = xsock_connect(&c, "127.0.0.1", h.port, 7000);
    double took = xt_now_ms() - t0;
    xt_trace_stop();
    print_message("full backlog, tcp_syn_retries=1, timeout 7000: %s after %.0f ms, %d sockets\n",
                  xsock_errname(rc), took, xt_trace_count(&t, "socket"));
    assert_int_equal(rc, XSOCK_ETIMEDOUT);
    assert_true(took >= 7000.0 && took < 7300.0);
    assert_true(xt_trace_count(&t, "socket") >= 2);
    assert_int_equal(xsock_last_os_error(), 0);
    xt_hang_close(&h);
    write_file("/proc/sys/net/ipv4/tcp_syn_retries", "6\n");
}

typedef struct infinite_dial {
    uint16_t port;
    int rc;
    volatile int done;
    xsock *s;
} infinite_dial;

static void *dial_forever(void *arg)
{
    infinite_dial *d = arg;
    d->rc = xsock_connect(&d->s, "127.0.0.1", d->port, XSOCK_INFINITE);
    d->done = 1;
    return NULL;
}

/* XSOCK_INFINITE goes on retrying while the OS keeps giving up, like a user
   pressing "retry", and connects once the listener makes room.  Before:
   XSOCK_ETIMEDOUT after ~3 s. */
static void infinite_connect_outlasts_the_os(void **state)
{
    (void)state;
    write_file("/proc/sys/net/ipv4/tcp_syn_retries", "1\n");
    xt_hang h;
    xt_hang_open(&h);
    infinite_dial d = {h.port, 0, 0, NULL};
    xt_thread *th = xt_thread_start(dial_forever, &d);
    xt_sleep_ms(4000); /* past the first give-up (~3 s) */
    assert_int_equal(d.done, 0);
    /* make room in the queue: the next SYN is answered */
    for (int i = 0; i < 2; i++) {
        xsock *a = NULL;
        assert_int_equal(xsock_accept(h.listener, &a, 1000), XSOCK_OK);
        xsock_close(a);
    }
    double t0 = xt_now_ms();
    while (!d.done && xt_now_ms() - t0 < 10000.0) xt_sleep_ms(20);
    xt_thread_join(th);
    print_message("infinite connect: %s %.0f ms after the queue made room\n", xsock_errname(d.rc),
                  xt_now_ms() - t0);
    assert_int_equal(d.rc, XSOCK_OK);
    xsock_close(d.s);
    xt_hang_close(&h);
    write_file("/proc/sys/net/ipv4/tcp_syn_retries", "6\n");
}

static void keepalive_1_1_1(xsock *s)
{
    int fd = (int)xsock_native_handle(s), one = 1;
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one), 0);
    assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &one, sizeof one), 0);
    assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &one, sizeof one), 0);
    assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &one, sizeof one), 0);
}

/* Keepalive 1/1/1, then `lo` goes down: the OS declares the connection dead
   (ETIMEDOUT) after ~2 s.  That is XSOCK_ECONNABORTED with os 110 on this
   and every later call.  Before: XSOCK_ETIMEDOUT with os 0, then 0 (EOF). */
static void dead_connection_is_aborted(void **state)
{
    (void)state;
    xsock *c, *a;
    char buf[8];
    xt_pair(&c, &a);
    keepalive_1_1_1(c);
    assert_int_equal(system("ip link set lo down"), 0);
    double t0 = xt_now_ms();
    ptrdiff_t n = xsock_recv(c, buf, sizeof buf, 20000);
    double took = xt_now_ms() - t0;
    int os = xsock_last_os_error();
    print_message("keepalive 1/1/1, lo down, recv 20000: %s (os %d) after %.0f ms: %s\n",
                  xsock_errname((int)n), os, took, xsock_last_error_detail());
    assert_int_equal(n, XSOCK_ECONNABORTED);
    assert_int_equal(os, ETIMEDOUT);
    assert_true(took < 10000.0);
    assert_int_equal(xsock_recv(c, buf, sizeof buf, 1000), XSOCK_ECONNABORTED);
    assert_int_equal(xsock_last_os_error(), ETIMEDOUT);
    assert_int_equal(xsock_send(c, "x", 1, 1000), XSOCK_ECONNABORTED);
    assert_int_equal(system("ip link set lo up"), 0);
    xsock_close(c);
    xsock_close(a);
}

/* Debian's stock hosts file gives localhost both 127.0.0.1 and ::1 (::1
   first after sorting).  Listening on "localhost" takes 127.0.0.1, which
   both "127.0.0.1" and a dial of "localhost" reach.  Before: [::1] only,
   so 127.0.0.1 was refused. */
static void localhost_listens_on_ipv4(void **state)
{
    (void)state;
    xsock *l = NULL, *c = NULL;
    char addr[64], want[64];
    assert_int_equal(xsock_listen(&l, "localhost", 0, 8), XSOCK_OK);
    assert_int_equal(xsock_local_addr(l, addr, sizeof addr), XSOCK_OK);
    snprintf(want, sizeof want, "127.0.0.1:%u", (unsigned)xt_port(l));
    assert_string_equal(addr, want);
    assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 2000), XSOCK_OK);
    xsock_close(c);
    assert_int_equal(xsock_connect(&c, "localhost", xt_port(l), 2000), XSOCK_OK);
    xsock_close(c);
    xsock_close(l);
    xt_wait_for_resolver_threads(1000);
}

static uint16_t free_port(void)
{
    xsock *l = xt_listener("127.0.0.1", 1);
    uint16_t p = xt_port(l);
    xsock_close(l);
    return p;
}

/* A fixed local port with happy eyeballs: the dial's own attempts never
   collide ([::]:P binds IPv6 only; two IPv4 attempts take turns).
   Before: XSOCK_EADDRINUSE from the second attempt. */
static void fixed_local_port_never_collides_with_itself(void **state)
{
    (void)state;
    xt_hang h6;
    xsock *ok = xt_listener("127.0.0.1", 8), *c = NULL;
    xt_hang_open_at(&h6, "::1", xt_port(ok));
    xsock_dialer *d = xsock_dialer_new();
    xsock_dialer_set_timeout(d, 4000);
    xsock_dialer_set_happy_eyeballs(d, 250);
    uint16_t lp = free_port();
    assert_int_equal(xsock_dialer_set_local(d, NULL, lp), XSOCK_OK);
    int rc = xsock_dial(d, &c, "dual.test", xt_port(ok));
    if (rc != XSOCK_OK) xsock_dialer_free(d);
    print_message("local port %u, dual.test ([::1] hangs): %s %s\n", (unsigned)lp, xsock_errname(rc),
                  rc ? xsock_last_error_detail() : "");
    assert_int_equal(rc, XSOCK_OK);
    assert_int_equal(xsock_local_port(c), lp);
    xsock_close(c);
    xt_hang_close(&h6);
    xsock_close(ok);

    /* two IPv4 addresses on one local port: the first hangs, then the second */
    xt_hang h4;
    xt_hang_open_at(&h4, "127.0.0.1", 0);
    xsock *ok2 = NULL;
    assert_int_equal(xsock_listen(&ok2, "127.0.0.2", h4.port, 8), XSOCK_OK);
    lp = free_port();
    assert_int_equal(xsock_dialer_set_local(d, NULL, lp), XSOCK_OK);
    double t0 = xt_now_ms();
    rc = xsock_dial(d, &c, "two4.test", h4.port);
    double took = xt_now_ms() - t0;
    if (rc != XSOCK_OK) xsock_dialer_free(d);
    print_message("local port %u, two4.test (127.0.0.1 hangs): %s after %.0f ms %s\n", (unsigned)lp,
                  xsock_errname(rc), took, rc ? xsock_last_error_detail() : "");
    assert_int_equal(rc, XSOCK_OK);
    char peer[64];
    xsock_peer_addr(c, peer, sizeof peer);
    assert_non_null(strstr(peer, "127.0.0.2:"));
    xsock_close(c);
    xsock_close(ok2);
    xt_hang_close(&h4);
    xsock_dialer_free(d);
    xt_wait_for_resolver_threads(1000);
}

/* A skipped address (the local address is of the other family) is no
   attempt: the one real attempt's timeout is the result.  Only when every
   address is skipped is it XSOCK_EAFNOSUPPORT, with os 0.  Before:
   XSOCK_EAFNOSUPPORT after 600 ms, with an os code left over. */
static void skipped_addresses_are_not_ranked(void **state)
{
    (void)state;
    xt_hang h6;
    xt_hang_open_at(&h6, "::1", 0);
    xsock_dialer *d = xsock_dialer_new();
    xsock *c = (xsock *)&c;
    xsock_dialer_set_timeout(d, 600);
    assert_int_equal(xsock_dialer_set_local(d, "::1", 0), XSOCK_OK);
    double t0 = xt_now_ms();
    assert_int_equal(xsock_dial(d, &c, "dual.test", h6.port), XSOCK_ETIMEDOUT);
    assert_true(xt_now_ms() - t0 >= 600.0);
    assert_int_equal(xsock_dial(d, &c, "four.test", h6.port), XSOCK_EAFNOSUPPORT);
    assert_int_equal(xsock_last_os_error(), 0);
    print_message("every address skipped: %s\n", xsock_last_error_detail());
    xsock_dialer_free(d);
    xt_hang_close(&h6);
    xt_wait_for_resolver_threads(1000);
}

/* Fill the descriptor table, keeping `keep` free. */
static int fill_descriptors(int *fds, int max, int keep)
{
    int n = 0;
    while (n < max) {
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd < 0) break;
        fds[n++] = fd;
    }
    for (int i = 0; i < keep && n > 0; i++) close(fds[--n]);
    return n;
}

#define CHILD_CHECK(cond)                                                   \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "child: %s:%d: %s failed\n", __FILE__, __LINE__, #cond); \
            _exit(1);                                                       \
        }                                                                   \
    } while (0)

/* In a child of its own: glibc keeps what its first lookup learned (the
   NSS modules it loaded, the interfaces AI_ADDRCONFIG saw), and a lookup
   made at EMFILE would teach the rest of this process nonsense. */
static void out_of_descriptors_child(void)
{
    struct rlimit low;
    CHILD_CHECK(getrlimit(RLIMIT_NOFILE, &low) == 0);
    low.rlim_cur = 256;
    CHILD_CHECK(setrlimit(RLIMIT_NOFILE, &low) == 0);
    static int fds[512];
    xsock *l = NULL, *c = NULL, *a = (xsock *)&a;
    CHILD_CHECK(xsock_listen(&l, "127.0.0.1", 0, 8) == XSOCK_OK);
    CHILD_CHECK(xsock_connect(&c, "127.0.0.1", (uint16_t)xsock_local_port(l), 1000) == XSOCK_OK);
    int n = fill_descriptors(fds, 512, 0);

    /* on the calling thread (no deadline) and on a resolver thread */
    int timeouts[2] = {XSOCK_INFINITE, 2000};
    for (int i = 0; i < 2; i++) {
        xsock *s = (xsock *)&s;
        xsock_dialer *d = xsock_dialer_new();
        CHILD_CHECK(d != NULL);
        xsock_dialer_set_timeout(d, timeouts[i]);
        int rc = xsock_dial(d, &s, "localhost", (uint16_t)xsock_local_port(l));
        xsock_dialer_free(d);
        printf("EMFILE, dial localhost, timeout %d: %s: %s\n", timeouts[i], xsock_errname(rc),
               xsock_last_error_detail());
        CHILD_CHECK(rc == XSOCK_EMFILE);
        CHILD_CHECK(xsock_last_os_error() == EMFILE);
        CHILD_CHECK(s == NULL);
    }
    for (int i = 0; i < 3; i++) {
        double t0 = xt_now_ms();
        CHILD_CHECK(xsock_accept(l, &a, 2000) == XSOCK_EMFILE);
        CHILD_CHECK(xt_now_ms() - t0 < 500.0);
        CHILD_CHECK(a == NULL);
    }
    for (int i = 0; i < n; i++) close(fds[i]);
    /* the connection was queued all along */
    CHILD_CHECK(xsock_accept(l, &a, 1000) == XSOCK_OK);
    xsock_close(a);
    xsock_close(c);
    xsock_close(l);
    fflush(stdout);
    _exit(0);
}

/* Out of descriptors, "localhost" cannot be looked up (glibc cannot load
   its NSS module or open /etc/hosts): that is XSOCK_EMFILE, never "no such
   name".  Before: XSOCK_ENOTFOUND.  And an accept at EMFILE returns at
   once, every time, with the connection left queued (no spinning inside
   xsock_accept). */
static void out_of_descriptors(void **state)
{
    (void)state;
    fflush(stdout);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) out_of_descriptors_child();
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    xt_crash_guard();
    if (!getenv("XTEST_NETNS")) xt_skip("needs tests/netns/run.sh (its own network namespace)");
    const struct CMUnitTest tests[] = {
        /* first: glibc's first lookup loads its NSS modules, which is
           what fails at EMFILE with "no such name" */
        cmocka_unit_test(out_of_descriptors),
        cmocka_unit_test(localhost_listens_on_ipv4),
        cmocka_unit_test(fixed_local_port_never_collides_with_itself),
        cmocka_unit_test(skipped_addresses_are_not_ranked),
        cmocka_unit_test(dead_connection_is_aborted),
        cmocka_unit_test(os_give_up_is_not_the_callers_timeout),
        cmocka_unit_test(infinite_connect_outlasts_the_os),
    };
    return XT_RUN(tests);
}
