/* SPDX-License-Identifier: MIT */
/* Shared by the handshake fuzz targets: the driver loop of
   proxy_handshake.h over a scripted reply stream, with the contract
   checked at every step (a violation aborts, which libFuzzer reports). */
#ifndef FUZZ_HS_H
#define FUZZ_HS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/handshake.h"
#include "xsock.h"

#define FUZZ_CHECK(c)                                                                  \
    do {                                                                               \
        if (!(c)) {                                                                    \
            fprintf(stderr, "%s:%d: contract broken: %s\n", __FILE__, __LINE__, #c);   \
            abort();                                                                   \
        }                                                                              \
    } while (0)

/* Is `needle` anywhere in [hay, hay + n)? */
static inline int fuzz_contains(const void *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    const uint8_t *h = hay;
    for (size_t i = 0; k && i + k <= n; i++)
        if (memcmp(h + i, needle, k) == 0) return 1;
    return 0;
}

typedef struct fuzz_run {
    int rc;
    size_t leftover_off; /* where the tunnel data starts in the stream */
    int sends, recvs;
    char detail[XSOCK__HS_DETAIL_MAX];
} fuzz_run;

/* Drive `hs` with `stream` arriving in recvs of `chunk` bytes (0: one recv
   of everything); sends take at most `send_chunk` bytes (0: all). */
static inline void fuzz_drive(xsock__hs *hs, const uint8_t *stream, size_t len, size_t chunk,
                              size_t send_chunk, fuzz_run *r)
{
    size_t pos = 0, have_end = 0; /* stream[pos, have_end) is the current recv */
    memset(r, 0, sizeof *r);
    for (long guard = 0;; guard++) {
        FUZZ_CHECK(guard < 10000000);
        size_t n;
        const uint8_t *out = xsock__hs_output(hs, &n);
        FUZZ_CHECK(out != NULL);
        int st = xsock__hs_status(hs);
        if (n) {
            FUZZ_CHECK(st == XSOCK__HS_WANT_WRITE);
            FUZZ_CHECK(n <= XSOCK__HS_OUT_MAX);
            volatile uint8_t sink = 0;
            for (size_t i = 0; i < n; i++) sink ^= out[i]; /* ASan: the bytes are readable */
            (void)sink;
            if (send_chunk && n > send_chunk) n = send_chunk;
            xsock__hs_output_sent(hs, n);
            r->sends++;
            continue;
        }
        FUZZ_CHECK(st != XSOCK__HS_WANT_WRITE);
        if (pos == have_end) {
            if (pos == len) {
                r->rc = xsock__hs_eof(hs);
                FUZZ_CHECK(r->rc < 0);
                break;
            }
            have_end = chunk ? (len - pos < chunk ? len : pos + chunk) : len;
            r->recvs++;
        }
        size_t used = 12345;
        int rc = xsock__hs_input(hs, stream + pos, have_end - pos, &used);
        FUZZ_CHECK(used <= have_end - pos);
        FUZZ_CHECK(rc == xsock__hs_status(hs) || rc == XSOCK__HS_WANT_WRITE);
        if (rc == XSOCK__HS_WANT_READ) FUZZ_CHECK(used == have_end - pos);
        if (rc == XSOCK__HS_WANT_WRITE) {
            size_t k;
            xsock__hs_output(hs, &k);
            FUZZ_CHECK(k > 0);
        }
        pos += used;
        if (rc <= 0) {
            r->rc = rc;
            break;
        }
    }
    r->leftover_off = pos;
    snprintf(r->detail, sizeof r->detail, "%s", xsock__hs_detail(hs));
    FUZZ_CHECK(strlen(r->detail) < XSOCK__HS_DETAIL_MAX);
    if (r->rc == XSOCK_OK) {
        FUZZ_CHECK(r->detail[0] == '\0');
    } else {
        FUZZ_CHECK(r->detail[0] != '\0');
        FUZZ_CHECK(xsock__hs_bound_addr(hs) == NULL || xsock__hs_bound_addr(hs)->atyp != 0);
    }
    /* the output buffer, the only place credentials ever are, is all zero
       once the handshake is over, whatever the result */
    for (size_t i = 0; i < sizeof hs->out; i++) FUZZ_CHECK(hs->out[i] == 0);
    /* final: more input changes nothing */
    size_t used = 1;
    FUZZ_CHECK(xsock__hs_input(hs, (const uint8_t *)"x", 1, &used) == r->rc && used == 0);
    FUZZ_CHECK(xsock__hs_eof(hs) == r->rc);
    size_t n;
    xsock__hs_output(hs, &n);
    FUZZ_CHECK(n == 0);
}

/* The same result whatever the split of the input: whole, one byte at a
   time, and in `chunk`-byte recvs with 1-byte sends. */
static inline int fuzz_drive_all_splits(xsock__hs *hs, const xsock__hs *start, const uint8_t *stream,
                                        size_t len, size_t chunk, const char *secret)
{
    fuzz_run a, b, c;
    *hs = *start;
    fuzz_drive(hs, stream, len, 0, 0, &a);
    /* the secret never leaks into the detail (unless the server sent it) */
    if (secret && *secret && !fuzz_contains(stream, len, secret))
        FUZZ_CHECK(strstr(a.detail, secret) == NULL);
    *hs = *start;
    fuzz_drive(hs, stream, len, 1, 0, &b);
    *hs = *start;
    fuzz_drive(hs, stream, len, chunk, 1, &c);
    FUZZ_CHECK(a.rc == b.rc && a.rc == c.rc);
    FUZZ_CHECK(a.leftover_off == b.leftover_off && a.leftover_off == c.leftover_off);
    FUZZ_CHECK(strcmp(a.detail, b.detail) == 0 && strcmp(a.detail, c.detail) == 0);
    return a.rc;
}

#endif
