/* SPDX-License-Identifier: MIT */
/* What both backends share because both are BSD sockets underneath: the
   conversion between the core's addresses and sockaddr, the getaddrinfo
   hints of a TCP lookup, and the lookup over an error table read both
   ways.  For backends only: include it after the OS's socket headers
   (<netinet/in.h> and <netdb.h>, or <winsock2.h> and <ws2tcpip.h>). */
#ifndef XSOCK_BSD_SOCKETS_H
#define XSOCK_BSD_SOCKETS_H

#include <stdio.h>
#include <string.h>

#include "xsock_os.h"

static inline int xsock__bsd_family(int family)
{
    return family == XSOCK_AF_INET6 ? AF_INET6 : AF_INET;
}

/* Fill *ss from a; the length of the sockaddr it holds. */
static inline int xsock__bsd_to_sockaddr(const xsock__addr *a, struct sockaddr_storage *ss)
{
    /* only the bytes the call reads: every connect builds one */
    if (a->family == XSOCK_AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        memset(s6, 0, sizeof *s6);
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(a->port);
        memcpy(&s6->sin6_addr, a->ip, 16);
        s6->sin6_scope_id = a->scope_id;
        return (int)sizeof *s6;
    }
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    memset(s4, 0, sizeof *s4);
    s4->sin_family = AF_INET;
    s4->sin_port = htons(a->port);
    memcpy(&s4->sin_addr, a->ip, 4);
    return (int)sizeof *s4;
}

/* XSOCK_OK, or XSOCK_EAFNOSUPPORT for anything but IPv4 and IPv6. */
static inline int xsock__bsd_from_sockaddr(const struct sockaddr *sa, xsock__addr *a)
{
    memset(a, 0, sizeof *a);
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
        a->family = XSOCK_AF_INET6;
        a->port = ntohs(s6->sin6_port);
        memcpy(a->ip, &s6->sin6_addr, 16);
        a->scope_id = (uint32_t)s6->sin6_scope_id;
        return XSOCK_OK;
    }
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
        a->family = XSOCK_AF_INET;
        a->port = ntohs(s4->sin_port);
        memcpy(a->ip, &s4->sin_addr, 4);
        return XSOCK_OK;
    }
    return XSOCK_EAFNOSUPPORT;
}

/* A TCP lookup of `family` (XSOCK_AF_*) for a numeric port. */
static inline void xsock__bsd_tcp_hints(struct addrinfo *hints, int family, uint16_t port,
                                        char service[8])
{
    memset(hints, 0, sizeof *hints);
    hints->ai_family = family == XSOCK_AF_INET    ? AF_INET
                       : family == XSOCK_AF_INET6 ? AF_INET6
                                                  : AF_UNSPEC;
    hints->ai_socktype = SOCK_STREAM;
    hints->ai_protocol = IPPROTO_TCP;
    hints->ai_flags = AI_NUMERICSERV;
    snprintf(service, 8, "%u", (unsigned)port);
}

/* Up to `max` addresses of a getaddrinfo result, in its order. */
static inline size_t xsock__bsd_addresses(const struct addrinfo *res, xsock__addr *out, size_t max)
{
    size_t n = 0;
    for (const struct addrinfo *ai = res; ai && n < max; ai = ai->ai_next)
        if (ai->ai_addr && xsock__bsd_from_sockaddr(ai->ai_addr, &out[n]) == XSOCK_OK) n++;
    return n;
}

/* xsock_os_map_error and xsock_os_native_error over one X(native, code)
   table: native -> code takes the first row with that native code, code ->
   native (fault injection) the first row with that code, so the order of
   rows matters where a code appears twice. */
#define XSOCK__BSD_ERROR_LOOKUPS(TABLE, UNKNOWN_NATIVE)          \
    int xsock_os_map_error(int e)                                \
    {                                                            \
        TABLE(XSOCK__BSD_NATIVE_TO_CODE_)                        \
        return XSOCK_EOS;                                        \
    }                                                            \
    int xsock_os_native_error(int code)                          \
    {                                                            \
        TABLE(XSOCK__BSD_CODE_TO_NATIVE_)                        \
        return UNKNOWN_NATIVE;                                   \
    }
#define XSOCK__BSD_NATIVE_TO_CODE_(native, xcode) \
    if (e == (native)) return (xcode);
#define XSOCK__BSD_CODE_TO_NATIVE_(native, xcode) \
    if (code == (xcode)) return (native);

#endif
