/* SPDX-License-Identifier: MIT */
/*
 * HTTP CONNECT (RFC 9110 §9.3.6) as a sans-I/O state machine (driven through
 * proxy_handshake.h: xsock__hs_output / _output_sent / _input / _eof).
 *
 *   request   CONNECT host:port HTTP/1.1\r\n
 *             Host: host:port\r\n
 *             [Proxy-Authorization: Basic base64(user:password)\r\n]
 *             \r\n
 *             (IPv6 literals are bracketed: "[::1]:443")
 *   response  HTTP/x.y NNN reason\r\n  fields...  \r\n
 *
 * One send, then recvs until the blank line that ends the header (usually
 * one).  Lines may end in CRLF or a bare LF.  The whole header (interim 1xx
 * responses included, which are skipped) is capped at XSOCK__HTTP_HEADER_MAX
 * (16 KiB): more is XSOCK_EPROXYPROTO.  Bytes after the blank line of a 2xx
 * are leftover: the first bytes of the tunnel, for the application (a 2xx
 * to CONNECT has no body, whatever Content-Length says).
 *
 * Status mapping (DESIGN.md): 2xx success; 401, 407 → XSOCK_EPROXYAUTH;
 * 403 → XSOCK_EPROXY_NOTALLOWED; 404 → XSOCK_EPROXY_HOSTUNREACH; 502, 503 →
 * XSOCK_EPROXY_CONNREFUSED when the proxy's error header says the target
 * refused (squid: "X-Squid-Error: <ERR_NAME> 111", or ERR_CONNECT_FAIL with
 * 61 / 10061, ECONNREFUSED of BSD and Windows), else XSOCK_EPROXY_GENERAL;
 * 504 → XSOCK_EPROXY_TTLEXPIRED; any other status → XSOCK_EPROXY_GENERAL.
 * A response that is not "HTTP/d.d NNN ..." (checked from its first byte),
 * a NUL in the header, an oversize header, or a close before the blank line
 * → XSOCK_EPROXYPROTO.  The detail carries the status line (made printable,
 * cut at 127 bytes) and the X-Squid-Error value if any.
 */
#ifndef XSOCK_HTTP_CONNECT_H
#define XSOCK_HTTP_CONNECT_H

#include <stddef.h>
#include <stdint.h>

#include "hs.h"

/* `user` NULL: no Proxy-Authorization.  Otherwise Basic with user (no ':',
   0..255 bytes) and password (NULL = "", 0..255 bytes); CR, LF, NUL or
   other control characters in either → XSOCK_EINVAL.  `host`: a name or IP
   literal (brackets allowed), 1..255 bytes, no control characters or
   spaces.  Port 0 → XSOCK_EINVAL. */
int xsock__http_connect_start(xsock__hs *hs, const char *user, const char *password,
                             const char *host, uint16_t port);

/* The status code of the final response once its status line was read,
   else 0. */
int xsock__http_connect_status(const xsock__hs *hs);

/* Standard base64 (with padding) of src into dst; returns the length
   written (4 * ceil(n / 3)), or 0 if it does not fit with its NUL. */
size_t xsock__base64_encode(const uint8_t *src, size_t n, char *dst, size_t cap);

/* The machine, for the driver (handshake.c). */
extern const xsock__hs_ops xsock__http_connect_ops;

#endif
