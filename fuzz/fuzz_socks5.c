/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the SOCKS5 handshake (src/socks5.c).
   Input: [flags][chunk][server bytes...].  flags bits 0-1 pick the target
   (IPv4, IPv6, name, bracketed IPv6), bit 2 offers user/pass.  The server
   bytes are fed whole, one at a time and in `chunk`-byte pieces; the
   result, the leftover offset and the detail must agree, the contract of
   proxy_handshake.h must hold at every step, the output buffer (the only
   place the password ever is) must be zero at the end, and the detail must
   not contain the password unless the server itself sent it. */
#include "fuzz_hs.h"
#include "proxy/socks5.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *hosts[] = {"127.0.0.1", "::1", "example.com", "[2001:db8::1]"};
    static const char secret[] = "S3cr3t!pw";
    static xsock__hs start, hs;
    if (size < 2) return 0;
    uint8_t flags = data[0];
    size_t chunk = (size_t)data[1] % 32 + 1;
    const char *user = (flags & 4) ? "fuzzuser" : NULL;
    FUZZ_CHECK(xsock__socks5_start(&start, user, secret, hosts[flags & 3], 443) == XSOCK_OK);
    int rc = fuzz_drive_all_splits(&hs, &start, data + 2, size - 2, chunk, secret);
    if (rc == XSOCK_OK) {
        const xsock__hs_bound *b = xsock__hs_bound_addr(&hs);
        FUZZ_CHECK(b != NULL);
        FUZZ_CHECK(b->atyp == XSOCK__ATYP_IPV4 || b->atyp == XSOCK__ATYP_IPV6 ||
                   b->atyp == XSOCK__ATYP_DOMAIN);
        FUZZ_CHECK(strlen(b->name) <= XSOCK__HS_NAME_MAX);
    } else {
        FUZZ_CHECK(rc == XSOCK_EPROXYPROTO || rc == XSOCK_EPROXYAUTH ||
                   (rc <= XSOCK_EPROXY_GENERAL && rc >= XSOCK_EPROXY_ATYPNOTSUP));
    }
    return 0;
}
