/* SPDX-License-Identifier: MIT */
/* errno <-> XSOCK_E*: one table, read both ways. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>

#include "../bsd_sockets.h"
#include "../syscalls.h"

#define POSIX_ERROR_MAP(X)                    \
    X(EINVAL, XSOCK_EINVAL)                   \
    X(ENOMEM, XSOCK_ENOMEM)                   \
    X(ENOBUFS, XSOCK_ENOMEM)                  \
    X(ETIMEDOUT, XSOCK_ETIMEDOUT)             \
    X(EAGAIN, XSOCK_EAGAIN)                   \
    X(EWOULDBLOCK, XSOCK_EAGAIN)              \
    X(ECONNREFUSED, XSOCK_ECONNREFUSED)       \
    X(ECONNRESET, XSOCK_ECONNRESET)           \
    X(ECONNABORTED, XSOCK_ECONNABORTED)       \
    X(EPIPE, XSOCK_EPIPE)                     \
    X(ENETUNREACH, XSOCK_ENETUNREACH)         \
    X(ENETDOWN, XSOCK_ENETUNREACH)            \
    X(EHOSTUNREACH, XSOCK_EHOSTUNREACH)       \
    X(EHOSTDOWN, XSOCK_EHOSTUNREACH)          \
    X(EADDRINUSE, XSOCK_EADDRINUSE)           \
    X(EADDRNOTAVAIL, XSOCK_EADDRNOTAVAIL)     \
    X(EAFNOSUPPORT, XSOCK_EAFNOSUPPORT)       \
    X(EPFNOSUPPORT, XSOCK_EAFNOSUPPORT)       \
    X(EMFILE, XSOCK_EMFILE)                   \
    X(ENFILE, XSOCK_EMFILE)                   \
    X(EINTR, XSOCK__EINTR)                    \
    X(EINPROGRESS, XSOCK__EINPROGRESS)

XSOCK__BSD_ERROR_LOOKUPS(POSIX_ERROR_MAP, EIO)
