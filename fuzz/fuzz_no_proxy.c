/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the no_proxy matcher (src/no_proxy.c).
   Input: [port hi][port lo][host]\n[no_proxy list].  Invariants: the
   separators around the list do not matter, adding entries never removes
   a match, "*" matches everything, and case does not matter. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/no_proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                     \
    do {                                                                             \
        if (!(c)) {                                                                  \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #c); \
            abort();                                                                 \
        }                                                                            \
    } while (0)

static char *upper(const char *s)
{
    size_t n = strlen(s);
    char *u = malloc(n + 1);
    if (!u) abort();
    for (size_t i = 0; i <= n; i++) u[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
    return u;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 8192) return 0;
    uint16_t port = (uint16_t)(data[0] << 8 | data[1]);
    data += 2;
    size -= 2;
    const uint8_t *nl = memchr(data, '\n', size);
    size_t hlen = nl ? (size_t)(nl - data) : size;
    char *host = malloc(hlen + 1), *list = malloc(size - hlen + 1);
    char *wrapped = malloc(size - hlen + 16), *more = malloc(size - hlen + 32);
    if (!host || !list || !wrapped || !more) abort();
    memcpy(host, data, hlen);
    host[hlen] = '\0';
    size_t llen = nl ? size - hlen - 1 : 0;
    memcpy(list, nl ? nl + 1 : data, llen);
    list[llen] = '\0';

    int m = xsock__no_proxy_match(list, host, port);
    CHECK(m == 0 || m == 1);
    snprintf(wrapped, size - hlen + 16, " ,\t%s, ", list);
    CHECK(xsock__no_proxy_match(wrapped, host, port) == m);
    snprintf(more, size - hlen + 32, "%s,other.invalid", list);
    if (m) CHECK(xsock__no_proxy_match(more, host, port) == 1);
    snprintf(more, size - hlen + 32, "%s,*", list);
    if (host[0]) CHECK(xsock__no_proxy_match(more, host, port) == 1);
    char *ul = upper(list), *uh = upper(host);
    CHECK(xsock__no_proxy_match(ul, uh, port) == m);
    free(ul);
    free(uh);
    free(host);
    free(list);
    free(wrapped);
    free(more);
    return 0;
}
