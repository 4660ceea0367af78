/* SPDX-License-Identifier: MIT */
/*
 * Proxy handshakes as sans-I/O state machines: SOCKS4/4a (socks4.c),
 * SOCKS5/5h (socks5.c) and HTTP CONNECT (http_connect.c).  No sockets, no
 * OS headers, no heap: bytes in, bytes out, a result.  All three share the
 * one struct below and the one calling convention, so one driver loop runs
 * any of them.
 *
 * ---- The driver loop --------------------------------------------------------
 *
 *     xsock__hs hs;
 *     int rc = xsock__hs_start(&hs, &proxy_url, host, port);  // or xsock_socksN_start...
 *     if (rc < 0) fail(rc, xsock__hs_detail(&hs));            // nothing was sent
 *     uint8_t buf[N];  size_t have = 0, off = 0;             // N: any size, e.g. 4096
 *     for (;;) {
 *         size_t n;
 *         const uint8_t *out = xsock__hs_output(&hs, &n);
 *         if (n) {                                           // 1. send what it asks for
 *             sent = send(out, n);                           //    (partial sends are fine)
 *             xsock__hs_output_sent(&hs, sent);
 *             continue;
 *         }
 *         if (off == have) {                                 // 2. nothing buffered: read
 *             got = recv(buf, sizeof buf);
 *             if (got == 0) fail(xsock__hs_eof(&hs), xsock__hs_detail(&hs));
 *             have = got; off = 0;
 *         }
 *         size_t used;                                       // 3. feed what arrived
 *         rc = xsock__hs_input(&hs, buf + off, have - off, &used);
 *         off += used;
 *         if (rc == XSOCK_OK) break;                         // done: buf[off, have) is
 *         if (rc < 0) fail(rc, xsock__hs_detail(&hs));        //   the target's first bytes
 *     }
 *
 * Contract of xsock__hs_input(hs, data, len, &used):
 *   - XSOCK_OK: the handshake is complete.  `used` bytes belong to the
 *     handshake; data[used, len) are the first bytes of the tunnel (the
 *     target's data, or the body after an HTTP 2xx header) and must be given
 *     to the application.  They are never dropped.
 *   - XSOCK__HS_WANT_READ: every byte was consumed (used == len); feed more.
 *   - XSOCK__HS_WANT_WRITE: the machine queued output (xsock__hs_output) and
 *     stopped consuming at the end of the reply that finished the stage;
 *     send the output, then feed data[used, len) again (usually empty).
 *     Also returned, with used == 0, if input is offered while output is
 *     still pending.
 *   - a negative XSOCK_E* code: failed; xsock__hs_detail() says why with the
 *     raw reply code or status line.  Final.
 *   So a positive result always means "used == len, or output is pending":
 *   the loop above can never spin.  Bytes may arrive in any split (one at a
 *   time, or a whole reply plus tunnel data at once); the result and the
 *   leftover are the same.  After XSOCK_OK or a failure, every further call
 *   returns the same result with used == 0.
 *
 * Minimal OS calls (no pipelining, one round trip per protocol step):
 *   SOCKS4/4a:          send(request) → recv(reply)
 *   SOCKS5 no auth:     send(greeting) → recv → send(request) → recv
 *   SOCKS5 user/pass:   send(greeting) → recv → send(auth) → recv → send(request) → recv
 *                       (if the server picks "no auth" although credentials were
 *                        offered, the auth step is skipped)
 *   HTTP CONNECT:       send(request) → recv (more recvs only if the header is split)
 *
 * Secrets: the password is only ever in the output buffer; it is zeroed as
 * soon as the bytes that carry it are fully sent (xsock__hs_output_sent), and
 * xsock__hs_wipe() zeroes every part of the struct that was ever written.
 * Details never contain it.
 */
#ifndef XSOCK__PROXY_HANDSHAKE_H
#define XSOCK__PROXY_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>

#include "hs.h"

struct xsock__proxy_url; /* proxy_url.h */



/* ---- Starting ------------------------------------------------------------

   Every start function resets *hs, checks its arguments and builds the
   first message.  XSOCK_OK: the output is ready (status WANT_WRITE).
   Otherwise a negative code with a detail, and nothing to send:
   XSOCK_EINVAL (NULL/empty host, port 0, a field over 255 bytes, CR/LF/
   control characters where the protocol forbids them), XSOCK_EAFNOSUPPORT
   (IPv6 target for SOCKS4/4a).  `host` is a name or an IP literal; IPv6
   literals may be bracketed. */

/* From a parsed proxy URL (proxy_url.h); the scheme picks the protocol:
     socks4://  host must be an IPv4 literal: resolve first (a name is
                XSOCK_EINVAL here; check the URL with
                xsock__proxy_check_target first for the documented errors)
     socks4a:// IPv4 literal → plain SOCKS4, name → SOCKS4a
     socks5://  host must be an IP literal: resolve first (a name is EINVAL)
     socks5h:// name → ATYP DOMAINNAME, literal → ATYP IPv4/IPv6
     http://    CONNECT host:port, Basic auth if the URL has a user
   "direct" is XSOCK_EINVAL (there is nothing to do). */
int xsock__hs_start(xsock__hs *hs, const struct xsock__proxy_url *proxy, const char *host,
                   uint16_t port);
/* Same, for a resolved address (socks4://, socks5://). */
int xsock__hs_start_addr(xsock__hs *hs, const struct xsock__proxy_url *proxy, const xsock__addr *a);

/* ---- Driving (see the loop at the top) ----------------------------------- */

/* The bytes to send now; *len 0 (and a non-NULL pointer) when none. */
const uint8_t *xsock__hs_output(const xsock__hs *hs, size_t *len);
/* `n` bytes of the output were sent (n <= *len of xsock__hs_output). */
void xsock__hs_output_sent(xsock__hs *hs, size_t n);
int xsock__hs_input(xsock__hs *hs, const uint8_t *data, size_t len, size_t *used);
/* The proxy closed the connection (recv returned 0): XSOCK_EPROXYPROTO with
   a detail saying where, unless the handshake had already ended (then its
   result). */
int xsock__hs_eof(xsock__hs *hs);
/* WANT_WRITE if output is pending, WANT_READ, XSOCK_OK or the failure. */
int xsock__hs_status(const xsock__hs *hs);

/* ---- Results --------------------------------------------------------------- */

/* One line, never a password, "" while nothing failed.  Examples:
     "SOCKS5 reply 0x05 (connection refused by target)"
     "SOCKS4 reply 91 (0x5b: request rejected or failed)"
     "HTTP CONNECT: HTTP/1.1 503 Service Unavailable (X-Squid-Error: ERR_CONNECT_FAIL 111)"
     "SOCKS5: proxy closed the connection after 1 of 2 bytes of the method reply"
   The driver passes it on, e.g. xsock__fail_text(rc, 0, detail) after
   prefixing the proxy's display URL. */
const char *xsock__hs_detail(const xsock__hs *hs);
/* The bound address from the proxy's reply, or NULL if none was received
   (HTTP never has one). */
const xsock__hs_bound *xsock__hs_bound_addr(const xsock__hs *hs);
/* Zero what was written (call when done, whatever the result; the struct
   has been through xsock__hs_init or a start). */
void xsock__hs_wipe(xsock__hs *hs);
/* Make a struct that may never reach a start safe to wipe. */
void xsock__hs_init(xsock__hs *hs);

#endif
