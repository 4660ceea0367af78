/* SPDX-License-Identifier: MIT */
/* Conversions between the core's addresses and Winsock's. */
#include "sockaddr.h"

#include <string.h>

#include "../xsock_os.h"

int xsock__w32_family(int xsock_family)
{
    return xsock_family == XSOCK_AF_INET6 ? AF_INET6 : AF_INET;
}

int xsock__w32_to_sockaddr(const xsock__addr *a, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (a->family == XSOCK_AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(a->port);
        memcpy(&s6->sin6_addr, a->ip, 16);
        s6->sin6_scope_id = a->scope_id;
        return (int)sizeof *s6;
    }
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    s4->sin_family = AF_INET;
    s4->sin_port = htons(a->port);
    memcpy(&s4->sin_addr, a->ip, 4);
    return (int)sizeof *s4;
}

int xsock__w32_from_sockaddr(const struct sockaddr *sa, xsock__addr *a)
{
    memset(a, 0, sizeof *a);
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
        a->family = XSOCK_AF_INET6;
        a->port = ntohs(s6->sin6_port);
        memcpy(a->ip, &s6->sin6_addr, 16);
        a->scope_id = (uint32_t)s6->sin6_scope_id;
        return XSOCK_OK;
    }
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
        a->family = XSOCK_AF_INET;
        a->port = ntohs(s4->sin_port);
        memcpy(a->ip, &s4->sin_addr, 4);
        return XSOCK_OK;
    }
    return XSOCK_EAFNOSUPPORT;
}
