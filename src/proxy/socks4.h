/* SPDX-License-Identifier: MIT */
/*
 * SOCKS4 and SOCKS4a CONNECT as a sans-I/O state machine (driven through
 * proxy_handshake.h: xsock__hs_output / _output_sent / _input / _eof).
 *
 *   request  04 01 PORT(2) IP(4) USERID 00                  SOCKS4
 *            04 01 PORT(2) 00 00 00 01 USERID 00 HOST 00    SOCKS4a
 *   reply    VN=00 CD PORT(2) IP(4)                         8 bytes
 *
 * One send, one recv: send(request) → recv(reply).
 *
 * Reply mapping (DESIGN.md): CD 90 success (the reply's port and IP are the
 * bound address); 91 → XSOCK_EPROXY_GENERAL; 92, 93 (identd) →
 * XSOCK_EPROXYAUTH; any other CD, or VN other than 0 (e.g. a SOCKS5-only
 * server answering "05 ff"), → XSOCK_EPROXYPROTO.  A failure is reported
 * as soon as the byte that shows it arrives.  Closing before 8 bytes →
 * XSOCK_EPROXYPROTO (xsock__hs_eof).  Bytes after the 8-byte reply are
 * leftover (tunnel data).
 */
#ifndef XSOCK_SOCKS4_H
#define XSOCK_SOCKS4_H

#include <stdint.h>

#include "hs.h"

/* `userid`: the USERID (NULL or "" for none; at most 255 bytes, no control
   characters).  `host`: an IPv4 literal → plain SOCKS4 (even when socks4a
   is set); an IPv6 literal → XSOCK_EAFNOSUPPORT; a name → SOCKS4a if
   `socks4a`, else XSOCK_EINVAL (resolve first); names over 255 bytes →
   XSOCK_EINVAL.  Port 0 → XSOCK_EINVAL. */
int xsock__socks4_start(xsock__hs *hs, int socks4a, const char *userid, const char *host,
                       uint16_t port);

/* The machine, for the driver (handshake.c). */
extern const xsock__hs_ops xsock__socks4_ops;

#endif
