/* SPDX-License-Identifier: MIT */
/* Socket operations of the POSIX backend, each in the fewest OS calls the
   platform allows. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "../os_hooks.h"
#include "../xsock_os.h"
#include "posix_calls.h"
#include "../bsd_sockets.h"

#if !defined(MSG_NOSIGNAL)
#define MSG_NOSIGNAL 0 /* BSD/macOS: SO_NOSIGPIPE is set on the socket instead */
#endif

#define FD(h) ((int)(h))

static int set_int_opt(int fd, int level, int name, int value)
{
    return xsock__px_setsockopt(fd, level, name, &value, sizeof value) == 0 ? XSOCK_OK : xsock__px_fail();
}

#if !(defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC))
/* Where socket() and accept() cannot take the flags: the fcntl round trips
   are unavoidable (and there is a window for a fork).  Closes the
   descriptor on failure. */
static int prepare_fd(int fd)
{
    int rc = XSOCK_OK;
    int fl = xsock__px_fcntl(fd, F_GETFL, 0);
    if (fl < 0 || xsock__px_fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) rc = xsock__px_fail();
    int fd_fl = rc == XSOCK_OK ? xsock__px_fcntl(fd, F_GETFD, 0) : -1;
    if (rc == XSOCK_OK && (fd_fl < 0 || xsock__px_fcntl(fd, F_SETFD, fd_fl | FD_CLOEXEC) < 0)) rc = xsock__px_fail();
#ifdef SO_NOSIGPIPE
    if (rc == XSOCK_OK) rc = set_int_opt(fd, SOL_SOCKET, SO_NOSIGPIPE, 1);
#endif
    if (rc != XSOCK_OK) {
        int e = errno;
        xsock__px_close(fd);
        xsock__set_os_error(e);
    }
    return rc;
}
#endif

/* One call where the OS takes SOCK_NONBLOCK|SOCK_CLOEXEC. */
static int new_socket(int family, int *out)
{
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
    int fd = xsock__px_socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return xsock__px_fail();
#else
    int fd = xsock__px_socket(family, SOCK_STREAM, 0);
    if (fd < 0) return xsock__px_fail();
    int rc = prepare_fd(fd);
    if (rc != XSOCK_OK) return rc;
#endif
    *out = fd;
    return XSOCK_OK;
}

int xsock_os_socket(int family, xsock_native *out)
{
    int fd = -1;
    int rc = new_socket(xsock__bsd_family(family), &fd);
    if (rc == XSOCK_OK) *out = (xsock_native)fd;
    return rc;
}

int xsock_os_connect(xsock_native h, const xsock__addr *to)
{
    struct sockaddr_storage ss;
    socklen_t len = xsock__bsd_to_sockaddr(to, &ss);
    if (xsock__px_connect(FD(h), (struct sockaddr *)&ss, len) == 0) return XSOCK_OK;
    if (errno == EINPROGRESS) return XSOCK__EINPROGRESS; /* the usual answer: no error to record */
    int rc = xsock__px_fail();
    /* POSIX: an interrupted connect goes on asynchronously */
    return rc == XSOCK__EINTR ? XSOCK__EINPROGRESS : rc;
}

int xsock_os_connect_result(xsock_native h)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (xsock__px_getsockopt(FD(h), SOL_SOCKET, SO_ERROR, &err, &len) < 0) return xsock__px_fail();
    if (err == 0) return XSOCK_OK;
    xsock__set_os_error(err);
    int rc = xsock_os_map_error(err);
    /* an interrupted or still-pending connect is not a result */
    return rc == XSOCK__EINTR || rc == XSOCK__EINPROGRESS ? XSOCK_EOS : rc;
}

int xsock_os_bind(xsock_native h, const xsock__addr *local)
{
    struct sockaddr_storage ss;
    socklen_t len = xsock__bsd_to_sockaddr(local, &ss);
    /* an IPv6 local port must not also claim the IPv4 one: a dial's IPv4
       attempt may need it (Windows has V6ONLY on by default) */
    if (local->family == XSOCK_AF_INET6) {
        int rc = set_int_opt(FD(h), IPPROTO_IPV6, IPV6_V6ONLY, 1);
        if (rc != XSOCK_OK) return rc;
    }
    return xsock__px_bind(FD(h), (struct sockaddr *)&ss, len) == 0 ? XSOCK_OK : xsock__px_fail();
}

int xsock_os_listen(const xsock__addr *at, int backlog, int dual_stack, xsock_native *out)
{
    struct sockaddr_storage ss;
    socklen_t len = xsock__bsd_to_sockaddr(at, &ss);
    int fd = -1;
    int rc = new_socket(xsock__bsd_family(at->family), &fd);
    if (rc != XSOCK_OK) return rc;
    /* POSIX SO_REUSEADDR only allows rebinding past TIME_WAIT; it cannot
       steal a port from a live listener (unlike on Windows). */
    rc = set_int_opt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    if (rc == XSOCK_OK && at->family == XSOCK_AF_INET6)
        rc = set_int_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY, dual_stack ? 0 : 1);
    if (rc == XSOCK_OK && xsock__px_bind(fd, (struct sockaddr *)&ss, len) < 0) rc = xsock__px_fail();
    if (rc == XSOCK_OK && xsock__px_listen(fd, backlog) < 0) rc = xsock__px_fail();
    if (rc != XSOCK_OK) {
        int e = errno;
        xsock__px_close(fd);
        xsock__set_os_error(e);
        return rc;
    }
    *out = (xsock_native)fd;
    return XSOCK_OK;
}

int xsock_os_accept(xsock_native listener, xsock_native *out, xsock__addr *peer)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int fd = xsock__px_accept(FD(listener), (struct sockaddr *)&ss, &len);
    if (fd < 0) {
        int rc = xsock__px_fail();
        /* POSIX says a pending error of the new connection may surface here */
        return rc == XSOCK_ECONNRESET ? XSOCK_ECONNABORTED : rc;
    }
#if !(defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC))
    int rc = prepare_fd(fd);
    if (rc != XSOCK_OK) return rc;
#endif
    if (xsock__bsd_from_sockaddr((struct sockaddr *)&ss, peer) != XSOCK_OK) memset(peer, 0, sizeof *peer);
    *out = (xsock_native)fd;
    return XSOCK_OK;
}

ptrdiff_t xsock_os_send(xsock_native h, const void *buf, size_t len)
{
    ssize_t n = xsock__px_send(FD(h), buf, len, MSG_NOSIGNAL);
    return n >= 0 ? (ptrdiff_t)n : xsock__px_fail();
}

ptrdiff_t xsock_os_recv(xsock_native h, void *buf, size_t len)
{
    ssize_t n = xsock__px_recv(FD(h), buf, len, 0);
    return n >= 0 ? (ptrdiff_t)n : xsock__px_fail();
}

int xsock_os_shutdown(xsock_native h, int how)
{
    int native = how == XSOCK_SHUT_RD ? SHUT_RD : how == XSOCK_SHUT_WR ? SHUT_WR : SHUT_RDWR;
    return xsock__px_shutdown(FD(h), native) == 0 ? XSOCK_OK : xsock__px_fail();
}

int xsock_os_close(xsock_native h)
{
    /* never retried on EINTR: on Linux the descriptor is gone either way */
    if (xsock__px_close(FD(h)) == 0) return XSOCK_OK;
    int rc = xsock__px_fail();
    return rc == XSOCK__EINTR ? XSOCK_OK : rc;
}

static int get_name(xsock_native h, xsock__addr *out, int peer)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int r = peer ? xsock__px_getpeername(FD(h), (struct sockaddr *)&ss, &len)
                 : xsock__px_getsockname(FD(h), (struct sockaddr *)&ss, &len);
    if (r < 0) return xsock__px_fail();
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
    return set_int_opt(FD(h), IPPROTO_TCP, TCP_NODELAY, on);
}

int xsock_os_set_keepalive(xsock_native h, int on, int idle_s)
{
    int rc = set_int_opt(FD(h), SOL_SOCKET, SO_KEEPALIVE, on);
    if (rc != XSOCK_OK || !on || idle_s <= 0) return rc;
#if defined(TCP_KEEPIDLE)
    return set_int_opt(FD(h), IPPROTO_TCP, TCP_KEEPIDLE, idle_s);
#elif defined(TCP_KEEPALIVE)
    return set_int_opt(FD(h), IPPROTO_TCP, TCP_KEEPALIVE, idle_s);
#else
    return XSOCK_OK;
#endif
}

int xsock_os_set_blocking(xsock_native h, int blocking)
{
    int fl = xsock__px_fcntl(FD(h), F_GETFL, 0);
    if (fl < 0) return xsock__px_fail();
    int want = blocking ? fl & ~O_NONBLOCK : fl | O_NONBLOCK;
    if (want != fl && xsock__px_fcntl(FD(h), F_SETFL, want) < 0) return xsock__px_fail();
    return XSOCK_OK;
}

int xsock_os_adopt(xsock_native h, int *listening, int *was_blocking)
{
    int type = 0, acc = 0;
    socklen_t len = sizeof type;
    if (h > (xsock_native)INT32_MAX) {
        xsock__set_os_error(EBADF);
        return XSOCK_EINVAL;
    }
    if (xsock__px_getsockopt(FD(h), SOL_SOCKET, SO_TYPE, &type, &len) < 0) {
        int rc = xsock__px_fail();
        return rc == XSOCK_EOS ? XSOCK_EINVAL : rc; /* EBADF, ENOTSOCK */
    }
    if (type != SOCK_STREAM) {
        xsock__set_os_error(0); /* no OS call failed: it is the wrong kind */
        return XSOCK_EINVAL;
    }
    /* TCP over IPv4 or IPv6 only: a Unix-domain stream has no address the
       library could report */
    struct sockaddr_storage ss;
    socklen_t sslen = sizeof ss;
    if (xsock__px_getsockname(FD(h), (struct sockaddr *)&ss, &sslen) < 0) return xsock__px_fail();
    if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) {
        xsock__set_os_error(0);
        return XSOCK_EINVAL;
    }
    len = sizeof acc;
#ifdef SO_ACCEPTCONN
    if (xsock__px_getsockopt(FD(h), SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) < 0) acc = 0;
#endif
    *listening = acc != 0;
    int fl = xsock__px_fcntl(FD(h), F_GETFL, 0);
    if (fl < 0) return xsock__px_fail();
    *was_blocking = !(fl & O_NONBLOCK);
    if (*was_blocking && xsock__px_fcntl(FD(h), F_SETFL, fl | O_NONBLOCK) < 0) return xsock__px_fail();
    int fd_fl = xsock__px_fcntl(FD(h), F_GETFD, 0);
    if (fd_fl >= 0 && !(fd_fl & FD_CLOEXEC)) xsock__px_fcntl(FD(h), F_SETFD, fd_fl | FD_CLOEXEC);
#ifdef SO_NOSIGPIPE
    set_int_opt(FD(h), SOL_SOCKET, SO_NOSIGPIPE, 1);
#endif
    return XSOCK_OK;
}
