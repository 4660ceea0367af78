/* SPDX-License-Identifier: MIT */
/* WSAGetLastError() <-> XSOCK_E*: one table, read both ways.  Reading
   native -> XSOCK takes the first row with that native code, reading
   XSOCK -> native (fault injection) the first row with that XSOCK code,
   so the order of rows matters where a code appears twice. */
#include <winsock2.h>
#include <ws2tcpip.h>

#include "../bsd_sockets.h"
#include "../syscalls.h"

#define WIN32_ERROR_MAP(X)                        \
    X(WSAEINVAL, XSOCK_EINVAL)                    \
    X(WSAENOBUFS, XSOCK_ENOMEM)                   \
    X(WSA_NOT_ENOUGH_MEMORY, XSOCK_ENOMEM)        \
    X(WSAETIMEDOUT, XSOCK_ETIMEDOUT)              \
    X(WSAEWOULDBLOCK, XSOCK_EAGAIN)               \
    /* "a blocking call is in progress" (Winsock 1.1) on send/recv/accept: \
       try again; never the internal in-progress code, which is only for  \
       a connect under way (socket.c decides that from WSAEWOULDBLOCK) */ \
    X(WSAEINPROGRESS, XSOCK_EAGAIN)               \
    /* injected XSOCK__EINPROGRESS: what a nonblocking connect reports */ \
    X(WSAEWOULDBLOCK, XSOCK__EINPROGRESS)         \
    X(WSAECONNREFUSED, XSOCK_ECONNREFUSED)        \
    X(WSAECONNRESET, XSOCK_ECONNRESET)            \
    X(WSAENETRESET, XSOCK_ECONNRESET)             \
    X(WSAECONNABORTED, XSOCK_ECONNABORTED)        \
    /* send after shutdown(SD_SEND): EPIPE on POSIX */ \
    X(WSAESHUTDOWN, XSOCK_EPIPE)                  \
    X(WSAENETUNREACH, XSOCK_ENETUNREACH)          \
    X(WSAENETDOWN, XSOCK_ENETUNREACH)             \
    X(WSAEHOSTUNREACH, XSOCK_EHOSTUNREACH)        \
    X(WSAEHOSTDOWN, XSOCK_EHOSTUNREACH)           \
    X(WSAEADDRINUSE, XSOCK_EADDRINUSE)            \
    /* WSAEACCES is no row: outside bind it is a refusal by permission    \
       (a firewall, a broadcast address), XSOCK_EOS with the OS code kept; \
       a bind that gets it meets a port held exclusively (socket.c) */     \
    X(WSAEADDRNOTAVAIL, XSOCK_EADDRNOTAVAIL)      \
    X(WSAEAFNOSUPPORT, XSOCK_EAFNOSUPPORT)        \
    X(WSAEPFNOSUPPORT, XSOCK_EAFNOSUPPORT)        \
    X(WSAEMFILE, XSOCK_EMFILE)                    \
    X(WSAEINTR, XSOCK__EINTR)                     \
    /* getaddrinfo (its results are these WSA codes on Windows) */ \
    X(WSAHOST_NOT_FOUND, XSOCK_ENOTFOUND)         \
    X(WSANO_DATA, XSOCK_ENOTFOUND)                \
    X(WSATRY_AGAIN, XSOCK_EDNSTEMP)

XSOCK__BSD_ERROR_LOOKUPS(WIN32_ERROR_MAP, WSASYSCALLFAILURE)
