/* SPDX-License-Identifier: MIT */
/* The POSIX syscall table and its wrappers: every OS call of the backend is
   counted, traced when a hook is set (one branch otherwise), and can be
   replaced or made to fail by tests. */
#include "posix_calls.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../os_hooks.h"
#include "../xsock_os.h"
#include "../syscalls.h"

#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
#define PX_HAVE_ACCEPT4 1
#define PX_ACCEPT_NAME "accept4"
#else
#define PX_HAVE_ACCEPT4 0
#define PX_ACCEPT_NAME "accept"
#endif

enum {
    PX_SOCKET,
    PX_CONNECT,
    PX_POLL,
    PX_GETSOCKOPT,
    PX_SETSOCKOPT,
    PX_BIND,
    PX_LISTEN,
    PX_ACCEPT,
    PX_SEND,
    PX_RECV,
    PX_SHUTDOWN,
    PX_CLOSE,
    PX_GETSOCKNAME,
    PX_GETPEERNAME,
    PX_GETADDRINFO,
    PX_FCNTL,
    PX_IOCTL,
    PX_COUNT
};

typedef int (*socket_fn)(int, int, int);
typedef int (*connect_fn)(int, const struct sockaddr *, socklen_t);
typedef int (*poll_fn)(struct pollfd *, nfds_t, int);
typedef int (*getsockopt_fn)(int, int, int, void *, socklen_t *);
typedef int (*setsockopt_fn)(int, int, int, const void *, socklen_t);
typedef int (*bind_fn)(int, const struct sockaddr *, socklen_t);
typedef int (*listen_fn)(int, int);
typedef int (*accept_fn)(int, struct sockaddr *, socklen_t *);
typedef ssize_t (*send_fn)(int, const void *, size_t, int);
typedef ssize_t (*recv_fn)(int, void *, size_t, int);
typedef int (*shutdown_fn)(int, int);
typedef int (*close_fn)(int);
typedef int (*getname_fn)(int, struct sockaddr *, socklen_t *);
typedef int (*getaddrinfo_fn)(const char *, const char *, const struct addrinfo *,
                              struct addrinfo **);
typedef int (*fcntl_fn)(int, int, int);
typedef int (*ioctl_fn)(int, unsigned long, int *);

/* accept4 and fcntl do not have the table's uniform shape; these adapters do. */
static int accept_default(int fd, struct sockaddr *sa, socklen_t *len)
{
#if PX_HAVE_ACCEPT4
    return accept4(fd, sa, len, SOCK_CLOEXEC | SOCK_NONBLOCK);
#else
    return accept(fd, sa, len);
#endif
}

static int fcntl_default(int fd, int cmd, int arg)
{
    return fcntl(fd, cmd, arg);
}

/* ioctl is variadic; the library only asks for int-sized answers. */
static int ioctl_default(int fd, unsigned long req, int *arg)
{
    return ioctl(fd, req, arg);
}

/* ---- Failing twins: fail when their fault is due, else do the real call -- */

#define PX_FAULT_TWIN(idx, fn_t, ret, fail_value, params, args)          \
    static ret fault_##idx params                                        \
    {                                                                    \
        int e_;                                                          \
        if (xsock__fault_due(&xsock__syscalls[idx], &e_)) {              \
            errno = e_;                                                  \
            return fail_value;                                           \
        }                                                                \
        return XSOCK__SYSCALL_DEFAULT(idx, fn_t) args;                    \
    }

PX_FAULT_TWIN(PX_SOCKET, socket_fn, int, -1, (int d, int t, int p), (d, t, p))
PX_FAULT_TWIN(PX_POLL, poll_fn, int, -1, (struct pollfd * f, nfds_t n, int t), (f, n, t))
PX_FAULT_TWIN(PX_SETSOCKOPT, setsockopt_fn, int, -1,
              (int fd, int lv, int nm, const void *v, socklen_t l), (fd, lv, nm, v, l))
PX_FAULT_TWIN(PX_BIND, bind_fn, int, -1, (int fd, const struct sockaddr *sa, socklen_t l),
              (fd, sa, l))
PX_FAULT_TWIN(PX_LISTEN, listen_fn, int, -1, (int fd, int b), (fd, b))
PX_FAULT_TWIN(PX_ACCEPT, accept_fn, int, -1, (int fd, struct sockaddr *sa, socklen_t *l),
              (fd, sa, l))
PX_FAULT_TWIN(PX_SEND, send_fn, ssize_t, -1, (int fd, const void *b, size_t n, int f),
              (fd, b, n, f))
PX_FAULT_TWIN(PX_RECV, recv_fn, ssize_t, -1, (int fd, void *b, size_t n, int f), (fd, b, n, f))
PX_FAULT_TWIN(PX_SHUTDOWN, shutdown_fn, int, -1, (int fd, int h), (fd, h))
PX_FAULT_TWIN(PX_GETSOCKNAME, getname_fn, int, -1, (int fd, struct sockaddr *sa, socklen_t *l),
              (fd, sa, l))
PX_FAULT_TWIN(PX_GETPEERNAME, getname_fn, int, -1, (int fd, struct sockaddr *sa, socklen_t *l),
              (fd, sa, l))
PX_FAULT_TWIN(PX_FCNTL, fcntl_fn, int, -1, (int fd, int c, int a), (fd, c, a))
PX_FAULT_TWIN(PX_IOCTL, ioctl_fn, int, -1, (int fd, unsigned long r, int *a), (fd, r, a))

/* An interrupted connect has been made: the SYN is out and the connect
   goes on in the background, the call only reports EINTR.  Any other
   injected failure stops the call before it reaches the OS. */
static int fault_PX_CONNECT(int fd, const struct sockaddr *sa, socklen_t l)
{
    int e;
    if (!xsock__fault_due(&xsock__syscalls[PX_CONNECT], &e))
        return XSOCK__SYSCALL_DEFAULT(PX_CONNECT, connect_fn)(fd, sa, l);
    if (e == EINTR) {
        int r = XSOCK__SYSCALL_DEFAULT(PX_CONNECT, connect_fn)(fd, sa, l);
        if (r < 0 && errno != EINPROGRESS) return r; /* failed before it could be interrupted */
    }
    errno = e;
    return -1;
}

/* close always releases the descriptor, as close(2) does on Linux even when
   it reports an error; an injected failure must not leak it. */
static int fault_PX_CLOSE(int fd)
{
    int e;
    int due = xsock__fault_due(&xsock__syscalls[PX_CLOSE], &e);
    int r = XSOCK__SYSCALL_DEFAULT(PX_CLOSE, close_fn)(fd);
    if (due) {
        errno = e;
        return -1;
    }
    return r;
}

/* Only SO_ERROR is faulted: the connect "finishes" with the injected error. */
static int fault_PX_GETSOCKOPT(int fd, int lv, int nm, void *v, socklen_t *l)
{
    int e;
    if (lv == SOL_SOCKET && nm == SO_ERROR && xsock__fault_due(&xsock__syscalls[PX_GETSOCKOPT], &e)) {
        memcpy(v, &e, sizeof e);
        *l = sizeof e;
        return 0;
    }
    return XSOCK__SYSCALL_DEFAULT(PX_GETSOCKOPT, getsockopt_fn)(fd, lv, nm, v, l);
}

static int fault_PX_GETADDRINFO(const char *n, const char *s, const struct addrinfo *h,
                                struct addrinfo **r)
{
    int e;
    if (xsock__fault_due(&xsock__syscalls[PX_GETADDRINFO], &e)) {
        switch (xsock__syscalls[PX_GETADDRINFO].fault_err) {
        case XSOCK_ENOTFOUND:
            return EAI_NONAME;
        case XSOCK_EDNSTEMP:
            return EAI_AGAIN;
        case XSOCK_ENOMEM:
            return EAI_MEMORY;
        default:
            errno = e;
            return EAI_SYSTEM;
        }
    }
    return XSOCK__SYSCALL_DEFAULT(PX_GETADDRINFO, getaddrinfo_fn)(n, s, h, r);
}

/* ---- The table ------------------------------------------------------------ */

#define PX_ENTRY(idx, call, what, fn)                                               \
    [idx] = {.name = call,                                                          \
             .role = what,                                                          \
             .current = (xsock__syscall_ptr)(fn),                                 \
             .deflt = (xsock__syscall_ptr)(fn),                                   \
             .fault = (xsock__syscall_ptr)fault_##idx}

xsock__syscall xsock__syscalls[PX_COUNT] = {
    PX_ENTRY(PX_SOCKET, "socket", "socket", socket),
    PX_ENTRY(PX_CONNECT, "connect", "connect", connect),
    PX_ENTRY(PX_POLL, "poll", "wait", poll),
    PX_ENTRY(PX_GETSOCKOPT, "getsockopt", "connect_result", getsockopt),
    PX_ENTRY(PX_SETSOCKOPT, "setsockopt", "setsockopt", setsockopt),
    PX_ENTRY(PX_BIND, "bind", "bind", bind),
    PX_ENTRY(PX_LISTEN, "listen", "listen", listen),
    PX_ENTRY(PX_ACCEPT, PX_ACCEPT_NAME, "accept", accept_default),
    PX_ENTRY(PX_SEND, "send", "send", send),
    PX_ENTRY(PX_RECV, "recv", "recv", recv),
    PX_ENTRY(PX_SHUTDOWN, "shutdown", "shutdown", shutdown),
    PX_ENTRY(PX_CLOSE, "close", "close", close),
    PX_ENTRY(PX_GETSOCKNAME, "getsockname", "getsockname", getsockname),
    PX_ENTRY(PX_GETPEERNAME, "getpeername", "getpeername", getpeername),
    PX_ENTRY(PX_GETADDRINFO, "getaddrinfo", "resolve", getaddrinfo),
    PX_ENTRY(PX_FCNTL, "fcntl", "fcntl", fcntl_default),
    PX_ENTRY(PX_IOCTL, "ioctl", "ioctl", ioctl_default),
};
const size_t xsock__syscall_count = PX_COUNT;

/* ---- Wrappers ------------------------------------------------------------- */

#define PX_TRACING() atomic_load_explicit(&xsock__tracing, memory_order_relaxed)

/* Every wrapper counts its call; with tracing off that, one branch and the
   call itself are all (the call is a tail call when nothing follows).  The
   traced call and the call made again after an interruption are out of
   line, in fname_slow.  `failed` and `handle` may use r_, the call's
   result.  An interrupted call is made again when `retry` (EINTR is no
   result, PEP 475's rule); connect, poll and close are not retried (an
   interrupted connect goes on in the background, a wait recomputes its
   time left, a close is done). */
#define PX_SLOW(fname, idx, fn_t, ret, name, handle, failed, retry, params, args) \
    static XSOCK__NOINLINE ret fname##_slow params                                 \
    {                                                                           \
        for (;;) {                                                              \
            XSOCK__COUNT_OS_CALL();                                             \
            ret r_;                                                             \
            if (!PX_TRACING()) {                                                \
                r_ = XSOCK__SYSCALL(idx, fn_t) args;                            \
            } else {                                                            \
                uint64_t t0_ = xsock_os_monotonic_ns();                         \
                r_ = XSOCK__SYSCALL(idx, fn_t) args;                            \
                int e_ = (failed) ? errno : 0;                                  \
                xsock__trace_emit(name, (handle), (long)r_, e_, t0_);           \
                if (e_) errno = e_;                                             \
            }                                                                   \
            if (!(retry) || !(failed) || errno != EINTR) return r_;             \
        }                                                                       \
    }

/* (with retry 0 the test folds away and the call is a tail call) */
#define PX_WRAP(fname, idx, fn_t, ret, name, handle, failed, retry, params, args) \
    PX_SLOW(fname, idx, fn_t, ret, name, handle, failed, retry, params, args)   \
    ret fname params                                                            \
    {                                                                           \
        if (XSOCK__UNLIKELY(PX_TRACING())) return fname##_slow args;            \
        XSOCK__COUNT_OS_CALL();                                                 \
        ret r_ = XSOCK__SYSCALL(idx, fn_t) args;                                \
        if (!(retry) || XSOCK__LIKELY(!(failed)) || errno != EINTR) return r_;  \
        return fname##_slow args;                                               \
    }

#define PX_CALL(fname, idx, fn_t, ret, name, handle, failed, params, args) \
    PX_WRAP(fname, idx, fn_t, ret, name, handle, failed, 1, params, args)
#define PX_CALL_ONCE(fname, idx, fn_t, ret, name, handle, failed, params, args) \
    PX_WRAP(fname, idx, fn_t, ret, name, handle, failed, 0, params, args)

#define FD(fd) ((xsock_native)(fd))

PX_CALL(xsock__px_socket, PX_SOCKET, socket_fn, int, "socket",
        r_ < 0 ? XSOCK_INVALID_NATIVE : FD(r_), r_ < 0, (int domain, int type, int protocol),
        (domain, type, protocol))
PX_CALL_ONCE(xsock__px_connect, PX_CONNECT, connect_fn, int, "connect", FD(fd), r_ < 0,
             (int fd, const struct sockaddr *sa, socklen_t len), (fd, sa, len))
PX_CALL_ONCE(xsock__px_poll, PX_POLL, poll_fn, int, "poll",
             n == 1 ? FD(fds[0].fd) : XSOCK_INVALID_NATIVE, r_ < 0,
             (struct pollfd * fds, nfds_t n, int timeout_ms), (fds, n, timeout_ms))
PX_CALL(xsock__px_getsockopt, PX_GETSOCKOPT, getsockopt_fn, int, "getsockopt", FD(fd), r_ < 0,
        (int fd, int level, int name, void *val, socklen_t *len), (fd, level, name, val, len))
PX_CALL(xsock__px_setsockopt, PX_SETSOCKOPT, setsockopt_fn, int, "setsockopt", FD(fd), r_ < 0,
        (int fd, int level, int name, const void *val, socklen_t len), (fd, level, name, val, len))
PX_CALL(xsock__px_bind, PX_BIND, bind_fn, int, "bind", FD(fd), r_ < 0,
        (int fd, const struct sockaddr *sa, socklen_t len), (fd, sa, len))
PX_CALL(xsock__px_listen, PX_LISTEN, listen_fn, int, "listen", FD(fd), r_ < 0,
        (int fd, int backlog), (fd, backlog))
/* a call that makes a socket reports it as the handle (the listener when
   it fails), as socket() does */
PX_CALL(xsock__px_accept, PX_ACCEPT, accept_fn, int, PX_ACCEPT_NAME, r_ < 0 ? FD(fd) : FD(r_),
        r_ < 0, (int fd, struct sockaddr *sa, socklen_t *len), (fd, sa, len))
PX_CALL(xsock__px_send, PX_SEND, send_fn, ssize_t, "send", FD(fd), r_ < 0,
        (int fd, const void *buf, size_t len, int flags), (fd, buf, len, flags))
PX_CALL(xsock__px_recv, PX_RECV, recv_fn, ssize_t, "recv", FD(fd), r_ < 0,
        (int fd, void *buf, size_t len, int flags), (fd, buf, len, flags))
PX_CALL(xsock__px_shutdown, PX_SHUTDOWN, shutdown_fn, int, "shutdown", FD(fd), r_ < 0,
        (int fd, int how), (fd, how))
PX_CALL_ONCE(xsock__px_close, PX_CLOSE, close_fn, int, "close", FD(fd), r_ < 0, (int fd), (fd))
PX_CALL(xsock__px_getsockname, PX_GETSOCKNAME, getname_fn, int, "getsockname", FD(fd), r_ < 0,
        (int fd, struct sockaddr *sa, socklen_t *len), (fd, sa, len))
PX_CALL(xsock__px_getpeername, PX_GETPEERNAME, getname_fn, int, "getpeername", FD(fd), r_ < 0,
        (int fd, struct sockaddr *sa, socklen_t *len), (fd, sa, len))
PX_CALL(xsock__px_fcntl, PX_FCNTL, fcntl_fn, int, "fcntl", FD(fd), r_ < 0,
        (int fd, int cmd, int arg), (fd, cmd, arg))
PX_CALL(xsock__px_ioctl_int, PX_IOCTL, ioctl_fn, int, "ioctl", FD(fd), r_ < 0,
        (int fd, unsigned long req, int *arg), (fd, req, arg))

/* getaddrinfo reports through its result, not errno; an interrupted one
   (EAI_SYSTEM with EINTR) is asked again. */
int xsock__px_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                   struct addrinfo **res)
{
    for (;;) {
        XSOCK__COUNT_OS_CALL();
        int r;
        if (XSOCK__LIKELY(!PX_TRACING())) {
            r = XSOCK__SYSCALL(PX_GETADDRINFO, getaddrinfo_fn)(node, service, hints, res);
        } else {
            uint64_t t0 = xsock_os_monotonic_ns();
            r = XSOCK__SYSCALL(PX_GETADDRINFO, getaddrinfo_fn)(node, service, hints, res);
            int e = errno;
            xsock__trace_emit("getaddrinfo", XSOCK_INVALID_NATIVE, r, r == EAI_SYSTEM ? e : r, t0);
            errno = e;
        }
        if (r != EAI_SYSTEM || errno != EINTR) return r;
    }
}

void xsock__px_freeaddrinfo(struct addrinfo *res)
{
    freeaddrinfo(res);
}

int xsock__px_fail(void)
{
    int e = errno;
    xsock__set_os_error(e);
    return xsock_os_map_error(e);
}
