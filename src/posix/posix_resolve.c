/* SPDX-License-Identifier: MIT */
/* Name resolution with getaddrinfo, errors told apart: a name that does
   not exist is not a resolver that is down. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../os_hooks.h"
#include "../xsock_os.h"
#include "posix_calls.h"
#include "../bsd_sockets.h"

static int map_gai(int r)
{
    switch (r) {
    case EAI_NONAME:
#ifdef EAI_NODATA
    case EAI_NODATA:
#endif
#ifdef EAI_ADDRFAMILY
    case EAI_ADDRFAMILY:
#endif
        return XSOCK_ENOTFOUND;
    case EAI_AGAIN:
        return XSOCK_EDNSTEMP;
    case EAI_MEMORY:
        return XSOCK_ENOMEM;
    case EAI_FAMILY:
        return XSOCK_EAFNOSUPPORT;
    case EAI_SYSTEM:
        return xsock_os_map_error(errno);
    default:
        return XSOCK_EOS;
    }
}

int xsock_os_resolve(const char *host, uint16_t port, int family, xsock__addr *out, size_t max,
                     size_t *n)
{
    struct addrinfo hints, *res = NULL;
    char service[8];
    xsock__bsd_tcp_hints(&hints, family, port, service);

    errno = 0;
    int r = xsock__px_getaddrinfo(host, service, &hints, &res);
    if (r != 0) {
        /* glibc that cannot open /etc/hosts or a socket to the DNS server
           says "no such name" (EAI_NONAME) with errno EMFILE: out of
           descriptors is not a name that does not exist */
        if (errno == EMFILE || errno == ENFILE) {
            xsock__set_os_error(errno);
            return XSOCK_EMFILE;
        }
        int e = r == EAI_SYSTEM ? errno : r;
        int rc = map_gai(r);
        xsock__set_os_error(e);
        return rc;
    }
    *n = xsock__bsd_addresses(res, out, max);
    xsock__px_freeaddrinfo(res);
    if (*n == 0) return XSOCK_ENOTFOUND;
    return XSOCK_OK;
}
