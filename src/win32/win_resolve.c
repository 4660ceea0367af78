/* SPDX-License-Identifier: MIT */
/* Name resolution with getaddrinfo, errors told apart: a name that does
   not exist is not a resolver that is down.  WSAStartup has run before
   any call here (Wine would not notice if it had not; Windows would). */
#include "win_calls.h"

#include <stdio.h>
#include <string.h>

#include "../os_hooks.h"
#include "../xsock_os.h"
#include "../bsd_sockets.h"

/* Wine passes some host resolver errors through untranslated (Linux
   EAI_ADDRFAMILY, -9, for an IPv4 literal asked as IPv6). */
#define WINE_EAI_ADDRFAMILY (-9)

static int map_gai(int r)
{
    if (r == WINE_EAI_ADDRFAMILY) return XSOCK_ENOTFOUND;
    if (r == WSAEAFNOSUPPORT) return XSOCK_EAFNOSUPPORT; /* EAI_FAMILY */
    /* WSAHOST_NOT_FOUND, WSANO_DATA, WSATRY_AGAIN, WSA_NOT_ENOUGH_MEMORY */
    int rc = xsock_os_map_error(r);
    return rc < XSOCK_EOS ? XSOCK_EOS : rc; /* never an internal code */
}

int xsock_os_resolve(const char *host, uint16_t port, int family, xsock__addr *out, size_t max,
                     size_t *n)
{
    struct addrinfo hints, *res = NULL;
    char service[8];
    xsock__bsd_tcp_hints(&hints, family, port, service);

    int r = xsock__w32_getaddrinfo(host, service, &hints, &res);
    if (r != 0) {
        xsock__set_os_error(r);
        return map_gai(r);
    }
    *n = xsock__bsd_addresses(res, out, max);
    xsock__w32_freeaddrinfo(res);
    if (*n == 0) return XSOCK_ENOTFOUND;
    return XSOCK_OK;
}
