/* SPDX-License-Identifier: MIT */
/*
 * SOCKS5 CONNECT (RFC 1928) with RFC 1929 username/password, as a
 * sans-I/O state machine (driven through proxy_handshake.h:
 * xsock__hs_output / _output_sent / _input / _eof).
 *
 *   greeting  05 01 00                   no credentials
 *             05 02 00 02                credentials: no-auth and user/pass
 *   method    05 METHOD                  00 → request; 02 (if offered) → auth;
 *                                        FF → XSOCK_EPROXYAUTH;
 *                                        anything else → XSOCK_EPROXYPROTO
 *   auth      01 ULEN USER PLEN PASS     (RFC 1929)
 *   auth rep  01 STATUS                  00 → request; else XSOCK_EPROXYAUTH
 *   request   05 01 00 ATYP ADDR PORT    ATYP 01 (IPv4), 04 (IPv6), 03 (name)
 *   reply     05 REP RSV ATYP BND.ADDR BND.PORT
 *
 * OS calls: no auth: send → recv → send → recv; with user/pass:
 * send → recv → send → recv → send → recv (the auth step is skipped if the
 * server picks 00).  Bytes after the reply are leftover (tunnel data).
 *
 * Reply REP: 00 success (BND of every ATYP is parsed: xsock__hs_bound_addr);
 * 01..08 → XSOCK_EPROXY_GENERAL, _NOTALLOWED, _NETUNREACH, _HOSTUNREACH,
 * _CONNREFUSED, _TTLEXPIRED, _CMDNOTSUP, _ATYPNOTSUP; any other nonzero REP
 * → XSOCK_EPROXY_GENERAL.  A failing REP is reported as soon as it arrives
 * (the rest of that reply is not awaited).  A wrong version byte (method
 * reply 05, auth reply 01, reply 05), an unknown ATYP, or a close before the
 * reply is complete → XSOCK_EPROXYPROTO.  RSV is ignored.
 */
#ifndef XSOCK_SOCKS5_H
#define XSOCK_SOCKS5_H

#include <stdint.h>

#include "hs.h"

/* `user` NULL: offer only "no authentication".  Otherwise offer no-auth and
   user/pass; `user` 1..255 bytes, `password` (NULL = "") 0..255 bytes.
   `host`: an IPv4/IPv6 literal (sent as ATYP 01/04; brackets allowed) or a
   name (ATYP 03, 1..255 bytes).  Port 0 → XSOCK_EINVAL. */
int xsock__socks5_start(xsock__hs *hs, const char *user, const char *password, const char *host,
                       uint16_t port);

/* The REP byte text for a detail ("connection refused by target", ...). */
const char *xsock__socks5_rep_text(int rep);
/* The XSOCK_EPROXY_* code of a nonzero REP. */
int xsock__socks5_rep_code(int rep);

/* The machine, for the driver (handshake.c). */
extern const xsock__hs_ops xsock__socks5_ops;

#endif
