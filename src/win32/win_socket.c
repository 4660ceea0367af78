/* SPDX-License-Identifier: MIT */
/* Socket operations of the Winsock backend.  Sockets are made with
   WSASocketW(WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT) and put in
   nonblocking mode with FIONBIO; accepted and adopted sockets are made
   non-inheritable and nonblocking as well. */
#include "win_calls.h"

#include <limits.h>
#include <mstcpip.h>
#include <string.h>

#include "../os_hooks.h"
#include "../xsock_os.h"
#include "../bsd_sockets.h"

#ifndef WSA_FLAG_NO_HANDLE_INHERIT
#define WSA_FLAG_NO_HANDLE_INHERIT 0x80
#endif
#ifndef SO_EXCLUSIVEADDRUSE
#define SO_EXCLUSIVEADDRUSE ((int)(~SO_REUSEADDR))
#endif

/* SIO_TCP_INITIAL_RTO (Windows 8+): older mingw-w64 headers lack it. */
#ifndef SIO_TCP_INITIAL_RTO
#define SIO_TCP_INITIAL_RTO _WSAIOW(IOC_VENDOR, 17)
typedef struct _TCP_INITIAL_RTO_PARAMETERS {
    USHORT Rtt;
    UCHAR MaxSynRetransmissions;
} TCP_INITIAL_RTO_PARAMETERS;
#endif
#ifndef TCP_INITIAL_RTO_UNSPECIFIED_RTT
#define TCP_INITIAL_RTO_UNSPECIFIED_RTT ((USHORT)-1)
#endif
#ifndef TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS
#define TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS ((UCHAR)-2)
#endif

/* SIO_KEEPALIVE_VALS takes this (mstcpip.h has it as struct tcp_keepalive). */
typedef struct xsock__w32_keepalive {
    ULONG onoff;
    ULONG keepalivetime;     /* ms */
    ULONG keepaliveinterval; /* ms */
} xsock__w32_keepalive;
#ifndef SIO_KEEPALIVE_VALS
#define SIO_KEEPALIVE_VALS _WSAIOW(IOC_VENDOR, 4)
#endif
#define KEEPALIVE_INTERVAL_MS 1000 /* Windows' own default between probes */

#define S(h) ((SOCKET)(h))

/* Windows 7 before KB2533623 rejects WSA_FLAG_NO_HANDLE_INHERIT with
   WSAEINVAL; then the flag is cleared after creation instead (CPython
   does the same).  Once the flag has worked, WSAEINVAL is an error like
   any other (and an injected one is not retried). */
enum { FLAG_UNKNOWN, FLAG_WORKS, FLAG_UNSUPPORTED };
static atomic_int g_no_inherit_flag = FLAG_UNKNOWN;

static int set_int_opt(SOCKET s, int level, int name, int value)
{
    return xsock__w32_setsockopt(s, level, name, (const char *)&value, (int)sizeof value) == 0 ? XSOCK_OK
                                                                                     : xsock__w32_fail();
}

static int set_nonblocking(SOCKET s, int on)
{
    u_long mode = on ? 1 : 0;
    return xsock__w32_ioctlsocket(s, FIONBIO, &mode) == 0 ? XSOCK_OK : xsock__w32_fail();
}

static int clear_inherit(SOCKET s)
{
    return xsock__w32_SetHandleInformation(s, HANDLE_FLAG_INHERIT, 0) ? XSOCK_OK : xsock__w32_fail();
}

/* Close `s` after the failure `rc`, keeping that failure's OS error. */
static int fail_closing(SOCKET s, int rc)
{
    int e = xsock__os_error();
    xsock__w32_close_quietly(s);
    xsock__set_os_error(e);
    return rc;
}

static int new_socket(int family, SOCKET *out)
{
    const DWORD flags = WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT;
    int state = atomic_load(&g_no_inherit_flag);
    SOCKET s = INVALID_SOCKET;
    if (state != FLAG_UNSUPPORTED) {
        s = xsock__w32_WSASocketW(family, SOCK_STREAM, IPPROTO_TCP, flags);
        if (s != INVALID_SOCKET && state == FLAG_UNKNOWN) atomic_store(&g_no_inherit_flag, FLAG_WORKS);
        if (s == INVALID_SOCKET && state == FLAG_UNKNOWN && WSAGetLastError() == WSAEINVAL) {
            atomic_store(&g_no_inherit_flag, FLAG_UNSUPPORTED);
            state = FLAG_UNSUPPORTED;
        }
    }
    if (state == FLAG_UNSUPPORTED) s = xsock__w32_WSASocketW(family, SOCK_STREAM, IPPROTO_TCP, WSA_FLAG_OVERLAPPED);
    if (s == INVALID_SOCKET) return xsock__w32_fail();
    int rc = state == FLAG_UNSUPPORTED ? clear_inherit(s) : XSOCK_OK;
    if (rc == XSOCK_OK) rc = set_nonblocking(s, 1);
    if (rc != XSOCK_OK) return fail_closing(s, rc);
    *out = s;
    return XSOCK_OK;
}

int xsock_os_socket(int family, xsock_native *out)
{
    SOCKET s;
    int rc = new_socket(xsock__bsd_family(family), &s);
    if (rc == XSOCK_OK) *out = (xsock_native)s;
    return rc;
}

/* A refused loopback connect takes about 2 s on Windows: the stack
   retransmits the SYN after the RST.  With no SYN retransmissions it fails
   at once, as on POSIX (curl does the same).  Windows 8+ only: older
   Windows and Wine refuse the command (Wine: WSAEOPNOTSUPP), which is
   harmless, and is remembered for the whole process, so that later
   connects skip the call (6 OS calls for a connect + close, not 7).  Only
   "unknown command" is remembered; any other failure is this socket's. */
enum { RTO_UNKNOWN, RTO_WORKS, RTO_UNSUPPORTED };
static atomic_int g_initial_rto = RTO_UNKNOWN;

static void no_syn_retries(SOCKET s)
{
    TCP_INITIAL_RTO_PARAMETERS p;
    DWORD returned = 0;
    if (atomic_load_explicit(&g_initial_rto, memory_order_relaxed) == RTO_UNSUPPORTED) return;
    int e = WSAGetLastError();
    memset(&p, 0, sizeof p);
    p.Rtt = TCP_INITIAL_RTO_UNSPECIFIED_RTT;
    p.MaxSynRetransmissions = TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS;
    if (xsock__w32_WSAIoctl(s, SIO_TCP_INITIAL_RTO, &p, (DWORD)sizeof p, NULL, 0, &returned) == 0) {
        atomic_store_explicit(&g_initial_rto, RTO_WORKS, memory_order_relaxed);
    } else {
        int why = WSAGetLastError();
        if (why == WSAEOPNOTSUPP || why == WSAEINVAL)
            atomic_store_explicit(&g_initial_rto, RTO_UNSUPPORTED, memory_order_relaxed);
    }
    WSASetLastError(e);
}

int xsock_os_connect(xsock_native h, const xsock__addr *to)
{
    struct sockaddr_storage ss;
    int len = xsock__bsd_to_sockaddr(to, &ss);
    if (xsock__addr_is_loopback(to)) no_syn_retries(S(h));
    if (xsock__w32_connect(S(h), (struct sockaddr *)&ss, len) == 0) return XSOCK_OK;
    int rc = xsock__w32_fail();
    /* a nonblocking connect under way is WSAEWOULDBLOCK on Windows, and an
       interrupted one goes on too; a WSAEINPROGRESS ("a blocking call is in
       progress") started nothing */
    if (xsock__os_error() == WSAEWOULDBLOCK || rc == XSOCK__EINTR) return XSOCK__EINPROGRESS;
    return rc == XSOCK_EAGAIN ? XSOCK_EOS : rc;
}

int xsock_os_connect_result(xsock_native h)
{
    int err = 0;
    int len = (int)sizeof err;
    if (xsock__w32_getsockopt(S(h), SOL_SOCKET, SO_ERROR, (char *)&err, &len) != 0) return xsock__w32_fail();
    if (err == 0) return XSOCK_OK;
    /* SO_ERROR stays set on Windows (Linux clears it): read it once */
    int rc = xsock__w32_fail_code(err);
    /* an interrupted or still-pending connect is not a result */
    return rc == XSOCK__EINTR || rc == XSOCK__EINPROGRESS || rc == XSOCK_EAGAIN ? XSOCK_EOS : rc;
}

/* A failed bind.  Windows refuses a bind to a port that another socket
   holds exclusively with WSAEACCES, not WSAEADDRINUSE ("DENIED" in
   Microsoft's SO_EXCLUSIVEADDRUSE table: e.g. 127.0.0.1:P while another
   socket listens on 0.0.0.0:P with SO_EXCLUSIVEADDRUSE, which every xsock
   listener sets; Wine gives it for a port already listening), and for a
   port in a range the system reserved (netsh "excludedportrange").  In
   bind, and only there, it means "this port is taken". */
static int bind_fail(void)
{
    int rc = xsock__w32_fail();
    return xsock__os_error() == WSAEACCES ? XSOCK_EADDRINUSE : rc;
}

int xsock_os_bind(xsock_native h, const xsock__addr *local)
{
    struct sockaddr_storage ss;
    int len = xsock__bsd_to_sockaddr(local, &ss);
    return xsock__w32_bind(S(h), (struct sockaddr *)&ss, len) == 0 ? XSOCK_OK : bind_fail();
}

int xsock_os_listen(const xsock__addr *at, int backlog, int dual_stack, xsock_native *out)
{
    struct sockaddr_storage ss;
    int len = xsock__bsd_to_sockaddr(at, &ss);
    SOCKET s;
    int rc = new_socket(xsock__bsd_family(at->family), &s);
    if (rc != XSOCK_OK) return rc;
    /* Never SO_REUSEADDR on Windows: it lets another socket bind the same
       port while this one listens (port stealing).  SO_EXCLUSIVEADDRUSE
       forbids that; Windows needs nothing to rebind past TIME_WAIT. */
    rc = set_int_opt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1);
    /* IPV6_V6ONLY defaults to on on Windows, off on Linux: always set it */
    if (rc == XSOCK_OK && at->family == XSOCK_AF_INET6)
        rc = set_int_opt(s, IPPROTO_IPV6, IPV6_V6ONLY, dual_stack ? 0 : 1);
    if (rc == XSOCK_OK && xsock__w32_bind(s, (struct sockaddr *)&ss, len) != 0) rc = bind_fail();
    if (rc == XSOCK_OK && xsock__w32_listen(s, backlog) != 0) rc = xsock__w32_fail();
    if (rc != XSOCK_OK) return fail_closing(s, rc);
    *out = (xsock_native)s;
    return XSOCK_OK;
}

int xsock_os_accept(xsock_native listener, xsock_native *out, xsock__addr *peer)
{
    struct sockaddr_storage ss;
    int len = (int)sizeof ss;
    memset(&ss, 0, sizeof ss);
    SOCKET s = xsock__w32_accept(S(listener), (struct sockaddr *)&ss, &len);
    if (s == INVALID_SOCKET) {
        int rc = xsock__w32_fail();
        /* a connection reset while queued, as on POSIX */
        return rc == XSOCK_ECONNRESET ? XSOCK_ECONNABORTED : rc;
    }
    /* accept() does not copy the listener's no-inherit flag (Windows and
       Wine alike), and the mode is set explicitly rather than trusted */
    int rc = clear_inherit(s);
    if (rc == XSOCK_OK) rc = set_nonblocking(s, 1);
    if (rc != XSOCK_OK) return fail_closing(s, rc);
    if (xsock__bsd_from_sockaddr((struct sockaddr *)&ss, peer) != XSOCK_OK) memset(peer, 0, sizeof *peer);
    *out = (xsock_native)s;
    return XSOCK_OK;
}

/* Winsock lengths are int: a larger transfer is a partial one. */
static int clamp_len(size_t len)
{
    return len > INT_MAX ? INT_MAX : (int)len;
}

ptrdiff_t xsock_os_send(xsock_native h, const void *buf, size_t len)
{
    /* no MSG_NOSIGNAL: Windows has no SIGPIPE */
    int n = xsock__w32_send(S(h), (const char *)buf, clamp_len(len), 0);
    return n >= 0 ? (ptrdiff_t)n : xsock__w32_fail();
}

ptrdiff_t xsock_os_recv(xsock_native h, void *buf, size_t len)
{
    int n = xsock__w32_recv(S(h), (char *)buf, clamp_len(len), 0);
    if (n >= 0) return (ptrdiff_t)n;
    int rc = xsock__w32_fail();
    /* after shutdown(SD_RECEIVE) Windows fails recv; POSIX reads EOF */
    if (xsock__os_error() == WSAESHUTDOWN) return 0;
    return rc;
}

int xsock_os_shutdown(xsock_native h, int how)
{
    int native = how == XSOCK_SHUT_RD ? SD_RECEIVE : how == XSOCK_SHUT_WR ? SD_SEND : SD_BOTH;
    return xsock__w32_shutdown(S(h), native) == 0 ? XSOCK_OK : xsock__w32_fail();
}

int xsock_os_close(xsock_native h)
{
    /* closesocket releases the handle even when it reports an error */
    if (xsock__w32_closesocket(S(h)) == 0) return XSOCK_OK;
    int rc = xsock__w32_fail();
    return rc == XSOCK__EINTR ? XSOCK_OK : rc;
}

static int get_name(xsock_native h, xsock__addr *out, int peer)
{
    struct sockaddr_storage ss;
    int len = (int)sizeof ss;
    int r = peer ? xsock__w32_getpeername(S(h), (struct sockaddr *)&ss, &len)
                 : xsock__w32_getsockname(S(h), (struct sockaddr *)&ss, &len);
    if (r != 0) return xsock__w32_fail();
    return xsock__bsd_from_sockaddr((struct sockaddr *)&ss, out);
}

int xsock_os_local_addr(xsock_native h, xsock__addr *out)
{
    return get_name(h, out, 0);
}

int xsock_os_peer_addr(xsock_native h, xsock__addr *out)
{
    return get_name(h, out, 1);
}

int xsock_os_set_nodelay(xsock_native h, int on)
{
    return set_int_opt(S(h), IPPROTO_TCP, TCP_NODELAY, on);
}

/* TCP_KEEPIDLE exists only on Windows 10 1709+ (Wine: WSAENOPROTOOPT);
   SIO_KEEPALIVE_VALS sets on/off, idle time and interval in one call
   everywhere.  Without an idle time, SO_KEEPALIVE keeps the OS defaults. */
int xsock_os_set_keepalive(xsock_native h, int on, int idle_s)
{
    if (!on || idle_s <= 0) return set_int_opt(S(h), SOL_SOCKET, SO_KEEPALIVE, on);
    xsock__w32_keepalive ka;
    DWORD returned = 0;
    ka.onoff = 1;
    ka.keepalivetime = (ULONG)idle_s > ULONG_MAX / 1000u ? ULONG_MAX : (ULONG)idle_s * 1000u;
    ka.keepaliveinterval = KEEPALIVE_INTERVAL_MS;
    return xsock__w32_WSAIoctl(S(h), SIO_KEEPALIVE_VALS, &ka, (DWORD)sizeof ka, NULL, 0, &returned) == 0
               ? XSOCK_OK
               : xsock__w32_fail();
}

int xsock_os_set_blocking(xsock_native h, int blocking)
{
    return set_nonblocking(S(h), !blocking);
}

int xsock_os_adopt(xsock_native h, int *listening, int *was_blocking)
{
    int type = 0, acc = 0;
    int len = (int)sizeof type;
    if (xsock__w32_getsockopt(S(h), SOL_SOCKET, SO_TYPE, (char *)&type, &len) != 0) {
        int rc = xsock__w32_fail();
        return rc == XSOCK_EOS ? XSOCK_EINVAL : rc; /* WSAENOTSOCK */
    }
    if (type != SOCK_STREAM) return XSOCK_EINVAL;
    len = (int)sizeof acc;
    if (xsock__w32_getsockopt(S(h), SOL_SOCKET, SO_ACCEPTCONN, (char *)&acc, &len) != 0) acc = 0;
    *listening = acc != 0;
    /* Winsock cannot report a socket's mode; sockets are created blocking,
       so release puts an adopted socket back in blocking mode. */
    *was_blocking = 1;
    int rc = set_nonblocking(S(h), 1);
    if (rc != XSOCK_OK) return rc;
    /* best effort, like FD_CLOEXEC on POSIX */
    int e = xsock__os_error();
    if (!xsock__w32_SetHandleInformation(S(h), HANDLE_FLAG_INHERIT, 0)) xsock__set_os_error(e);
    return XSOCK_OK;
}
