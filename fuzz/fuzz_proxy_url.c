/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the proxy URL parser (src/proxy_url.c), the target
   checks and the handshake start from a parsed URL.  Invariants: a
   rejected URL leaves only a reason; an accepted one has sane fields, a
   display that is the URL minus its userinfo (so re-parsing it gives the
   same proxy without credentials) and never an '@'. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/handshake.h"
#include "proxy/proxy_url.h"
#include "xsock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                     \
    do {                                                                             \
        if (!(c)) {                                                                  \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #c); \
            abort();                                                                 \
        }                                                                            \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static xsock__proxy_url u, v;
    static xsock__hs hs;
    if (size > 4096) return 0;
    char *url = malloc(size + 1);
    if (!url) return 0;
    memcpy(url, data, size);
    url[size] = '\0';

    int rc = xsock__proxy_url_parse(url, &u);
    if (rc != XSOCK_OK) {
        CHECK(rc == XSOCK_EINVAL);
        CHECK(u.error != NULL);
        CHECK(u.user[0] == '\0' && u.password[0] == '\0' && u.display[0] == '\0');
        free(url);
        return 0;
    }
    CHECK(u.error == NULL);
    CHECK(strlen(u.user) <= XSOCK__PROXY_FIELD_MAX);
    CHECK(strlen(u.password) <= XSOCK__PROXY_FIELD_MAX);
    CHECK(strlen(u.host) <= XSOCK__PROXY_FIELD_MAX);
    CHECK(strlen(u.display) < XSOCK__PROXY_DISPLAY_MAX);
    CHECK(strchr(u.display, '@') == NULL);
    CHECK(u.has_user || !u.has_password);
    if (u.scheme == XSOCK__PROXY_DIRECT) {
        CHECK(strcmp(url, "direct") == 0);
        free(url);
        return 0;
    }
    CHECK(u.port != 0 && u.host[0] != '\0');
    for (const char *p = u.user; *p; p++) CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
    for (const char *p = u.password; *p; p++) CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
    /* display = the URL without "userinfo@": same ending, shorter by the userinfo */
    size_t ul = strlen(url), dl = strlen(u.display);
    CHECK(dl <= ul);
    if (!u.has_user) CHECK(strcmp(url, u.display) == 0);
    const char *sep = strstr(u.display, "://");
    CHECK(sep != NULL);
    size_t head = (size_t)(sep + 3 - u.display);
    CHECK(memcmp(url, u.display, head) == 0);
    CHECK(memcmp(url + ul - (dl - head), u.display + head, dl - head) == 0);
    /* the display parses to the same proxy, without credentials */
    CHECK(xsock__proxy_url_parse(u.display, &v) == XSOCK_OK);
    CHECK(v.scheme == u.scheme && v.port == u.port && strcmp(v.host, u.host) == 0);
    CHECK(!v.has_user && !v.has_password);

    /* target checks and a handshake start from this URL */
    static const char *targets[] = {"example.com", "127.0.0.1", "::1", "a\r\nb", ""};
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        const char *why = NULL;
        int trc = xsock__proxy_check_target(&u, targets[i], 80, &why);
        CHECK((trc == XSOCK_OK) == (why == NULL));
        int src = xsock__hs_start(&hs, &u, targets[i], 80);
        CHECK(src <= 0);
        if (trc != XSOCK_OK) CHECK(src != XSOCK_OK);
        if (src != XSOCK_OK) {
            CHECK(hs.detail[0] != '\0');
            size_t n;
            xsock__hs_output(&hs, &n);
            CHECK(n == 0);
        }
        if (u.password[0] && strlen(u.password) >= 6)
            CHECK(strstr(xsock__hs_detail(&hs), u.password) == NULL);
    }
    xsock__proxy_url_wipe(&u);
    free(url);
    return 0;
}
