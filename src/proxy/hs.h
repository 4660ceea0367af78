/* SPDX-License-Identifier: MIT */
/* What every proxy handshake machine is made of: the shared state, the
   ops table a protocol fills (curl's Curl_cftype idea), and the helpers
   the machines use.  The driver (handshake.c) runs any machine through
   its ops; the machines never see the driver. */
#ifndef XSOCK__PROXY_HS_H
#define XSOCK__PROXY_HS_H

#include <stddef.h>
#include <stdint.h>

#include "../addr.h"

struct xsock__proxy_url; /* proxy_url.h */
typedef struct xsock__hs xsock__hs;

/* One protocol: how it starts from a proxy URL, eats reply bytes, and
   meets an early close.  input() is called with no output pending and the
   handshake running; see handshake.h for the results. */
typedef struct xsock__hs_ops {
    const char *name; /* "SOCKS4", "SOCKS5", "HTTP CONNECT" */
    int (*start)(xsock__hs *hs, const struct xsock__proxy_url *proxy, const char *host,
                 uint16_t port);
    int (*input)(xsock__hs *hs, const uint8_t *data, size_t len, size_t *used);
    int (*eof)(xsock__hs *hs);
} xsock__hs_ops;

/* Positive "in progress" results of xsock__hs_input / xsock__hs_status. */
#define XSOCK__HS_WANT_READ 1
#define XSOCK__HS_WANT_WRITE 2

/* Longest user name, password and host name a handshake carries (the
   SOCKS5 limit, applied to every protocol: no DNS name is longer). */
#define XSOCK__HS_NAME_MAX 255
/* Room for the largest request: HTTP CONNECT with a 255-byte host twice and
   Basic credentials of 255 + 255 bytes is about 1270 bytes. */
#define XSOCK__HS_OUT_MAX 1536
#define XSOCK__HS_DETAIL_MAX 256
/* HTTP: a response header (status line, fields, blank line; 1xx interim
   responses included) longer than this is XSOCK_EPROXYPROTO. */
#define XSOCK__HTTP_HEADER_MAX 16384
/* HTTP: the first bytes of each header line that are looked at; a longer
   line is allowed (up to the header cap) but only its start is read. */
#define XSOCK__HTTP_LINE_MAX 1024

enum xsock__hs_proto {
    XSOCK__HS_NONE = 0,
    XSOCK__HS_SOCKS4,  /* plain SOCKS4 (also socks4a:// with an IPv4 literal) */
    XSOCK__HS_SOCKS4A, /* SOCKS4a: host name sent to the proxy */
    XSOCK__HS_SOCKS5,
    XSOCK__HS_HTTP
};

/* SOCKS5 ATYP values, also used for the bound address of SOCKS4 (IPV4). */
#define XSOCK__ATYP_IPV4 0x01
#define XSOCK__ATYP_DOMAIN 0x03
#define XSOCK__ATYP_IPV6 0x04

/* The address the proxy reports in its success (or failure) reply:
   SOCKS5 BND.ADDR/BND.PORT of any ATYP, SOCKS4 DSTIP/DSTPORT. */
typedef struct xsock__hs_bound {
    int atyp;                          /* XSOCK__ATYP_*; 0: none received */
    xsock__addr addr;                   /* ATYP IPV4/IPV6 (port set too) */
    char name[XSOCK__HS_NAME_MAX + 1];  /* ATYP DOMAIN, NUL-terminated (bytes
                                          as sent; may hold any byte but NUL
                                          is cut) */
    uint16_t port;
} xsock__hs_bound;

/* Room for the largest private state of a protocol (HTTP's line buffer). */
#define XSOCK__HS_STATE_MAX 1280
/* The protocol's private state inside *hs (each file asserts it fits). */
#define XSOCK__HS_STATE(hs, type) ((type *)(void *)(hs)->state.bytes)
#define XSOCK__HS_STATE_CONST(hs, type) ((const type *)(const void *)(hs)->state.bytes)

struct xsock__hs {
    int proto;                   /* enum xsock__hs_proto */
    const xsock__hs_ops *ops;    /* the protocol's machine; NULL before a start */
    int result;                  /* WANT_* while running, XSOCK_OK, or < 0 */
    size_t out_start, out_end;   /* out[out_start, out_end) is still to be sent */
    size_t seg_start;            /* start of the segment being sent */
    size_t received;             /* reply bytes consumed so far (for details) */
    size_t out_used;             /* out[0, out_used) has been written: what a wipe covers */
    xsock__hs_bound bound;
    char detail[XSOCK__HS_DETAIL_MAX];
    uint8_t out[XSOCK__HS_OUT_MAX];
    /* the protocol's own state, private to its file (XSOCK__HS_STATE) */
    union {
        max_align_t align_;
        unsigned char bytes[XSOCK__HS_STATE_MAX];
    } state;
};

/* ---- For the machines (hs.c) ---------------------------------------------- */

/* Zero *hs and make it a handshake of `proto` run by `ops`. */
void xsock__hs_reset(xsock__hs *hs, int proto, const xsock__hs_ops *ops);
/* Queue out[off, off + len) for sending. */
void xsock__hs_queue(xsock__hs *hs, size_t off, size_t len);
/* out[0, end) has been written (a wipe covers it): a machine that writes
   more than it queues says so. */
void xsock__hs_written(xsock__hs *hs, size_t end);
/* Record a failure: result = code, detail from the format; returns code. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int xsock__hs_fail(xsock__hs *hs, int code, const char *fmt, ...);
/* Target checks shared by the start functions: strip brackets into buf. */
int xsock__hs_host(const char *host, char *buf, size_t len, xsock__addr *lit, int *is_lit);

#endif
