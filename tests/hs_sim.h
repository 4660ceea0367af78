/* SPDX-License-Identifier: MIT */
/* A simulated driver for the sans-I/O proxy handshakes (proxy_handshake.h),
   shared by test_socks4.c, test_socks5.c and test_http_connect.c.  It runs
   the loop documented in proxy_handshake.h against scripted "recv" results
   and counts the sends and recvs it would have made.  Header-only. */
#ifndef HS_SIM_H
#define HS_SIM_H

#include <stdint.h>
#include <string.h>

#include "proxy/handshake.h"
#include "xsock.h"

typedef struct hs_seg {
    const uint8_t *p;
    size_t n;
} hs_seg;

typedef struct hs_sim {
    uint8_t sent[4096]; /* everything the machine asked to send */
    size_t sent_len;
    int sends, recvs;    /* the OS calls a driver would make */
    int rc;              /* final result */
    uint8_t leftover[32768];
    size_t leftover_len; /* bytes after the handshake, from the last recv */
    size_t send_chunk;   /* 0: each send takes everything; else at most this */
} hs_sim;

/* Run the loop over the recv results in segs[]; after the last one, the
   proxy "closes" (xsock__hs_eof). */
static inline int hs_sim_run(xsock__hs *hs, const hs_seg *segs, size_t nsegs, hs_sim *s)
{
    size_t seg = 0, off = 0, have = 0;
    const uint8_t *buf = NULL;
    s->sent_len = 0;
    s->sends = s->recvs = 0;
    s->leftover_len = 0;
    for (int guard = 0; guard < 1000000; guard++) {
        size_t n;
        const uint8_t *out = xsock__hs_output(hs, &n);
        if (n) {
            if (s->send_chunk && n > s->send_chunk) n = s->send_chunk;
            if (s->sent_len + n <= sizeof s->sent) memcpy(s->sent + s->sent_len, out, n);
            s->sent_len += n;
            s->sends++;
            xsock__hs_output_sent(hs, n);
            continue;
        }
        if (off == have) {
            if (seg == nsegs) return s->rc = xsock__hs_eof(hs);
            buf = segs[seg].p;
            have = segs[seg].n;
            off = 0;
            seg++;
            s->recvs++;
            if (have == 0) return s->rc = xsock__hs_eof(hs); /* recv 0 */
        }
        size_t used = 0;
        int rc = xsock__hs_input(hs, buf + off, have - off, &used);
        if (used > have - off) return s->rc = -9999; /* contract broken */
        if (rc > 0 && used != have - off && rc != XSOCK__HS_WANT_WRITE) return s->rc = -9998;
        off += used;
        if (rc == XSOCK_OK) {
            /* leftover: the rest of this recv plus any later scripted recvs */
            size_t k = have - off;
            memcpy(s->leftover, buf + off, k);
            for (; seg < nsegs; seg++) {
                memcpy(s->leftover + k, segs[seg].p, segs[seg].n);
                k += segs[seg].n;
            }
            s->leftover_len = k;
            return s->rc = rc;
        }
        if (rc < 0) return s->rc = rc;
    }
    return s->rc = -9997; /* spinning */
}

/* The whole reply in one recv. */
static inline int hs_sim_whole(xsock__hs *hs, const uint8_t *reply, size_t len, hs_sim *s)
{
    hs_seg seg = {reply, len};
    return hs_sim_run(hs, &seg, len ? 1 : 0, s);
}

/* The reply in recvs of `chunk` bytes (1: one byte at a time). */
static inline int hs_sim_chunked(xsock__hs *hs, const uint8_t *reply, size_t len, size_t chunk,
                          hs_sim *s)
{
    static hs_seg segs[40000];
    size_t n = 0;
    for (size_t off = 0; off < len && n < sizeof segs / sizeof segs[0]; off += chunk) {
        segs[n].p = reply + off;
        segs[n].n = len - off < chunk ? len - off : chunk;
        n++;
    }
    return hs_sim_run(hs, segs, n, s);
}

/* Is `needle` anywhere in [hay, hay + n)? */
static inline int hs_contains(const void *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    const uint8_t *h = hay;
    for (size_t i = 0; k && i + k <= n; i++)
        if (memcmp(h + i, needle, k) == 0) return 1;
    return 0;
}

#endif
