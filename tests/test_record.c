/* SPDX-License-Identifier: MIT */
/* The record of a live socket: small enough for one 128-byte malloc chunk
   (what every connected and accepted socket costs the heap), and reused
   from the spare records with nothing of its last socket left over. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "xtest.h"

static void record_fits_a_128_byte_chunk(void **state)
{
    (void)state;
    print_message("sizeof(struct xsock) %u, sizeof(xsock__cold) %u\n",
                  (unsigned)sizeof(struct xsock), (unsigned)sizeof(xsock__cold));
    /* with malloc's 8-byte header, 120 bytes are a 128-byte chunk */
    assert_true(sizeof(struct xsock) <= 120u);
    /* what a listener or a proxied socket adds: a 96-byte chunk */
    assert_true(sizeof(xsock__cold) <= 88u);
}

/* Each kind in turn takes the record the other kinds left (the spares are
   newest first): a listener's known address, an accepted socket's
   listener and a dialed one's latency never show up on the next socket. */
static void spare_records_carry_nothing_over(void **state)
{
    (void)state;
    for (int round = 0; round < 4; round++) {
        xsock *l = xt_listener("127.0.0.1", 4), *c = NULL, *a = NULL;
        char want[XSOCK__ADDRSTRLEN];
        snprintf(want, sizeof want, "127.0.0.1:%u", (unsigned)xt_port(l));
        /* the listener's address is known: no OS call for it */
        uint64_t calls = xsock__thread_os_calls;
        assert_int_equal(xsock_local_port(l), xt_port(l));
        assert_int_equal(xsock__thread_os_calls, calls);
        xt_live li = xt_live_info(l);
        assert_string_equal(li.kind, "listening");
        assert_string_equal(li.local, want);
        assert_string_equal(li.peer, "");
        assert_int_equal(li.info.connect_ns, -1);
        assert_int_equal(li.info.listener, XSOCK_INVALID_NATIVE);

        if (round % 2) {
            assert_int_equal(xsock_connect(&c, "127.0.0.1", xt_port(l), 2000), XSOCK_OK);
            assert_int_equal(xsock_accept(l, &a, 2000), XSOCK_OK);
        } else {
            xt_pair(&c, &a); /* its own listener, closed: a spare for the next */
            xsock_close(l);
            l = NULL;
        }
        xt_live ci = xt_live_info(c), ai = xt_live_info(a);
        assert_string_equal(ci.kind, "connected");
        assert_true(ci.info.connect_ns > 0);
        assert_int_equal(ci.info.handshake_ns, -1);
        assert_int_equal(ci.info.listener, XSOCK_INVALID_NATIVE);
        assert_string_equal(ci.peer, ai.local);
        assert_string_equal(ai.kind, "accepted");
        assert_int_equal(ai.info.connect_ns, -1);
        assert_int_equal(ai.info.handshake_ns, -1);
        assert_true(ai.info.listener != XSOCK_INVALID_NATIVE);
        if (l) assert_int_equal(ai.info.listener, xsock_native_handle(l));
        assert_string_equal(ai.peer, ci.local);
        /* the OS's addresses, not a listener's left in the record */
        char local[XSOCK__ADDRSTRLEN], peer[XSOCK__ADDRSTRLEN];
        assert_int_equal(xsock_local_addr(c, local, sizeof local), XSOCK_OK);
        assert_int_equal(xsock_peer_addr(a, peer, sizeof peer), XSOCK_OK);
        assert_string_equal(local, peer);
        assert_int_equal(xsock_local_addr(a, local, sizeof local), XSOCK_OK);
        assert_int_equal(xsock_peer_addr(c, peer, sizeof peer), XSOCK_OK);
        assert_string_equal(local, peer);
        assert_true(xsock_local_port(c) > 0);
        assert_true(xsock_local_port(c) != xsock_local_port(a));

        struct xsock_socket_stats st;
        memset(&st, 0, sizeof st);
        st.size = sizeof st;
        assert_int_equal(xsock_socket_stats(a, &st), XSOCK_OK);
        assert_int_equal(st.connect_ns, -1);
        assert_int_equal(st.handshake_ns, -1);
        assert_int_equal(xsock_buffered(c), 0);
        assert_int_equal(xsock_buffered(a), 0);

        if (round % 2) {
            xsock_close(l); /* first: the newest spare is the listener's */
            xsock_close(a);
            xsock_close(c);
        } else {
            xsock_close(c);
            xsock_close(a);
        }
    }
    xsock_stats st;
    xsock_get_stats(&st);
    assert_int_equal(st.live, 0);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(record_fits_a_128_byte_chunk),
        cmocka_unit_test(spare_records_carry_nothing_over),
    };
    return XT_RUN(tests);
}
