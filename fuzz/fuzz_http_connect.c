/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the HTTP CONNECT handshake (src/http_connect.c).
   Input: [flags][chunk][proxy response bytes...].  flags bits 0-1 pick the
   target (name, IPv4, IPv6, bracketed IPv6), bit 2 adds Basic credentials.
   The response is fed whole, one byte at a time and in `chunk`-byte pieces
   (chunk up to 4 KiB, so the 16 KiB header cap is reached in few steps);
   the result, the leftover offset and the detail must agree; the output
   buffer (the only place the credentials ever are) must be zero at the end
   and the detail must not contain them unless the proxy itself sent them. */
#include "fuzz_hs.h"
#include "proxy/http_connect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *hosts[] = {"example.com", "127.0.0.1", "::1", "[2001:db8::1]"};
    static const char secret[] = "S3cr3t!pw";
    static xsock__hs start, hs;
    static char b64[64];
    if (size < 2) return 0;
    if (size > 3 * XSOCK__HTTP_HEADER_MAX) return 0;
    uint8_t flags = data[0];
    size_t chunk = (size_t)data[1] * 16 + 1;
    const char *user = (flags & 4) ? "fuzzuser" : NULL;
    if (!b64[0]) xsock__base64_encode((const uint8_t *)"fuzzuser:S3cr3t!pw", 18, b64, sizeof b64);
    FUZZ_CHECK(xsock__http_connect_start(&start, user, secret, hosts[flags & 3], 443) == XSOCK_OK);
    int rc = fuzz_drive_all_splits(&hs, &start, data + 2, size - 2, chunk, secret);
    if (!fuzz_contains(data + 2, size - 2, b64)) FUZZ_CHECK(!strstr(xsock__hs_detail(&hs), b64));
    int status = xsock__http_connect_status(&hs);
    if (rc == XSOCK_OK) {
        FUZZ_CHECK(status >= 200 && status <= 299);
    } else if (rc != XSOCK_EPROXYPROTO) {
        FUZZ_CHECK(status >= 100 && status <= 999);
        FUZZ_CHECK(strstr(xsock__hs_detail(&hs), "HTTP/") != NULL);
    }
    return 0;
}
