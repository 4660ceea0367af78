/* SPDX-License-Identifier: MIT */
/* Portable socket addresses: the core's view of an IP endpoint. */
#ifndef XSOCK_ADDR_H
#define XSOCK_ADDR_H

#include <stddef.h>
#include <stdint.h>

typedef struct xsock__addr {
    int family;       /* XSOCK_AF_INET or XSOCK_AF_INET6 */
    uint16_t port;    /* host byte order */
    uint8_t ip[16];   /* network byte order; IPv4 uses the first 4 */
    uint32_t scope_id;
} xsock__addr;

/* "[ffff:...:ffff%4294967295]:65535" plus NUL */
#define XSOCK__ADDRSTRLEN 64

/* XSOCK_OK if `host` is an IPv4 or IPv6 literal (brackets allowed for
   IPv6, "%N" numeric scope), else XSOCK_EINVAL.  Accepts only the strict
   dotted-quad IPv4 form, unlike inet_aton. */
int xsock__addr_parse(const char *host, uint16_t port, xsock__addr *out);

/* "127.0.0.1:80" or "[::1]:80" (RFC 5952 text); XSOCK_EINVAL if it does not fit. */
int xsock__addr_format(const xsock__addr *a, char *buf, size_t len);
/* The IP alone, no brackets, no port. */
int xsock__addr_format_ip(const xsock__addr *a, char *buf, size_t len);

int xsock__addr_is_loopback(const xsock__addr *a);

/* "host:port" for a host as the caller wrote it: an unbracketed IPv6
   literal gets its brackets ("[::1]:80"); names and IPv4 stay as given. */
void xsock__host_port(char *buf, size_t len, const char *host, uint16_t port);

#endif
