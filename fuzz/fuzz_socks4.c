/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the SOCKS4/4a handshake (src/socks4.c).
   Input: [flags][chunk][server bytes...].  flags bit 0: socks4a, bit 1: a
   host name target (4a only), bit 2: a user id.  Same checks as
   fuzz_socks5.c: one result whatever the split, the contract of
   proxy_handshake.h at every step. */
#include "fuzz_hs.h"
#include "proxy/socks4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static xsock__hs start, hs;
    if (size < 2) return 0;
    uint8_t flags = data[0];
    size_t chunk = (size_t)data[1] % 16 + 1;
    int socks4a = flags & 1;
    const char *host = (socks4a && (flags & 2)) ? "example.com" : "10.1.2.3";
    const char *user = (flags & 4) ? "alice" : NULL;
    FUZZ_CHECK(xsock__socks4_start(&start, socks4a, user, host, 80) == XSOCK_OK);
    int rc = fuzz_drive_all_splits(&hs, &start, data + 2, size - 2, chunk, NULL);
    if (rc == XSOCK_OK) {
        FUZZ_CHECK(size - 2 >= 8);
        FUZZ_CHECK(xsock__hs_bound_addr(&hs) && xsock__hs_bound_addr(&hs)->atyp == XSOCK__ATYP_IPV4);
    } else {
        FUZZ_CHECK(rc == XSOCK_EPROXYPROTO || rc == XSOCK_EPROXYAUTH || rc == XSOCK_EPROXY_GENERAL);
    }
    return 0;
}
