/* SPDX-License-Identifier: MIT */
/* The Winsock syscall table and its wrappers: every Winsock call of the
   backend is counted, traced when a hook is set (one branch otherwise),
   and can be replaced or made to fail by tests.  Entries are named by the
   Windows call; their roles are the POSIX table's, so the same tests
   inject the same faults on both OSes. */
#include "win_calls.h"

#include <limits.h>
#include <string.h>

#include "../os_hooks.h"
#include "../xsock_os.h"
#include "../syscalls.h"

enum {
    W_SOCKET,
    W_CONNECT,
    W_SELECT,
    W_POLL,
    W_GETSOCKOPT,
    W_SETSOCKOPT,
    W_IOCTLSOCKET,
    W_WSAIOCTL,
    W_BIND,
    W_LISTEN,
    W_ACCEPT,
    W_SEND,
    W_RECV,
    W_SHUTDOWN,
    W_CLOSE,
    W_GETSOCKNAME,
    W_GETPEERNAME,
    W_GETADDRINFO,
    W_SETHANDLEINFO,
    W_COUNT
};

/* The exact prototypes of the Winsock headers (WSAAPI is __stdcall on
   32-bit Windows: a pointer without it would corrupt the stack). */
typedef SOCKET(WSAAPI *socket_fn)(int, int, int, LPWSAPROTOCOL_INFOW, GROUP, DWORD);
typedef int(WSAAPI *connect_fn)(SOCKET, const struct sockaddr *, int);
typedef int(WSAAPI *select_fn)(int, fd_set *, fd_set *, fd_set *, const PTIMEVAL);
typedef int(WSAAPI *poll_fn)(WSAPOLLFD *, ULONG, INT);
typedef int(WSAAPI *getsockopt_fn)(SOCKET, int, int, char *, int *);
typedef int(WSAAPI *setsockopt_fn)(SOCKET, int, int, const char *, int);
typedef int(WSAAPI *ioctlsocket_fn)(SOCKET, __LONG32, u_long *);
typedef int(WSAAPI *wsaioctl_fn)(SOCKET, DWORD, LPVOID, DWORD, LPVOID, DWORD, LPDWORD,
                                 LPWSAOVERLAPPED, LPWSAOVERLAPPED_COMPLETION_ROUTINE);
typedef int(WSAAPI *bind_fn)(SOCKET, const struct sockaddr *, int);
typedef int(WSAAPI *listen_fn)(SOCKET, int);
typedef SOCKET(WSAAPI *accept_fn)(SOCKET, struct sockaddr *, int *);
typedef int(WSAAPI *send_fn)(SOCKET, const char *, int, int);
typedef int(WSAAPI *recv_fn)(SOCKET, char *, int, int);
typedef int(WSAAPI *shutdown_fn)(SOCKET, int);
typedef int(WSAAPI *close_fn)(SOCKET);
typedef int(WSAAPI *getname_fn)(SOCKET, struct sockaddr *, int *);
typedef INT(WSAAPI *getaddrinfo_fn)(PCSTR, PCSTR, const ADDRINFOA *, PADDRINFOA *);
typedef WINBOOL(WINAPI *sethandleinfo_fn)(HANDLE, DWORD, DWORD);

/* ---- Failing twins: fail when their fault is due, else do the real call -- */

#define W_FAULT_TWIN(idx, fn_t, ret, fail_value, params, args)           \
    static ret WSAAPI fault_##idx params                                 \
    {                                                                    \
        int e_;                                                          \
        if (xsock__fault_due(&xsock__syscalls[idx], &e_)) {              \
            WSASetLastError(e_);                                         \
            return fail_value;                                           \
        }                                                                \
        return XSOCK__SYSCALL_DEFAULT(idx, fn_t) args;                    \
    }

W_FAULT_TWIN(W_SOCKET, socket_fn, SOCKET, INVALID_SOCKET,
             (int af, int t, int p, LPWSAPROTOCOL_INFOW i, GROUP g, DWORD f), (af, t, p, i, g, f))
W_FAULT_TWIN(W_SELECT, select_fn, int, SOCKET_ERROR,
             (int n, fd_set *r, fd_set *w, fd_set *x, const PTIMEVAL tv), (n, r, w, x, tv))
W_FAULT_TWIN(W_POLL, poll_fn, int, SOCKET_ERROR, (WSAPOLLFD * f, ULONG n, INT t), (f, n, t))
W_FAULT_TWIN(W_SETSOCKOPT, setsockopt_fn, int, SOCKET_ERROR,
             (SOCKET s, int lv, int nm, const char *v, int l), (s, lv, nm, v, l))
W_FAULT_TWIN(W_IOCTLSOCKET, ioctlsocket_fn, int, SOCKET_ERROR, (SOCKET s, __LONG32 c, u_long *a),
             (s, c, a))
W_FAULT_TWIN(W_WSAIOCTL, wsaioctl_fn, int, SOCKET_ERROR,
             (SOCKET s, DWORD c, LPVOID i, DWORD il, LPVOID o, DWORD ol, LPDWORD r,
              LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr),
             (s, c, i, il, o, ol, r, ov, cr))
W_FAULT_TWIN(W_BIND, bind_fn, int, SOCKET_ERROR, (SOCKET s, const struct sockaddr *sa, int l),
             (s, sa, l))
W_FAULT_TWIN(W_LISTEN, listen_fn, int, SOCKET_ERROR, (SOCKET s, int b), (s, b))
W_FAULT_TWIN(W_ACCEPT, accept_fn, SOCKET, INVALID_SOCKET, (SOCKET s, struct sockaddr *sa, int *l),
             (s, sa, l))
W_FAULT_TWIN(W_SEND, send_fn, int, SOCKET_ERROR, (SOCKET s, const char *b, int n, int f),
             (s, b, n, f))
W_FAULT_TWIN(W_RECV, recv_fn, int, SOCKET_ERROR, (SOCKET s, char *b, int n, int f), (s, b, n, f))
W_FAULT_TWIN(W_SHUTDOWN, shutdown_fn, int, SOCKET_ERROR, (SOCKET s, int h), (s, h))
W_FAULT_TWIN(W_GETSOCKNAME, getname_fn, int, SOCKET_ERROR, (SOCKET s, struct sockaddr *sa, int *l),
             (s, sa, l))
W_FAULT_TWIN(W_GETPEERNAME, getname_fn, int, SOCKET_ERROR, (SOCKET s, struct sockaddr *sa, int *l),
             (s, sa, l))

/* An interrupted connect has been made (the connect goes on), the call
   only reports the interruption; any other injected failure stops the
   call before it reaches the OS. */
static int WSAAPI fault_W_CONNECT(SOCKET s, const struct sockaddr *sa, int l)
{
    int e;
    if (!xsock__fault_due(&xsock__syscalls[W_CONNECT], &e))
        return XSOCK__SYSCALL_DEFAULT(W_CONNECT, connect_fn)(s, sa, l);
    if (e == WSAEINTR) {
        int r = XSOCK__SYSCALL_DEFAULT(W_CONNECT, connect_fn)(s, sa, l);
        if (r != 0 && WSAGetLastError() != WSAEWOULDBLOCK) return r;
    }
    WSASetLastError(e);
    return SOCKET_ERROR;
}

/* closesocket always releases, as the real call does even when it
   reports an error; an injected failure must not leak the handle. */
static int WSAAPI fault_W_CLOSE(SOCKET s)
{
    int e;
    int due = xsock__fault_due(&xsock__syscalls[W_CLOSE], &e);
    int r = XSOCK__SYSCALL_DEFAULT(W_CLOSE, close_fn)(s);
    if (due) {
        WSASetLastError(e);
        return SOCKET_ERROR;
    }
    return r;
}

/* Only SO_ERROR is faulted: the connect "finishes" with the injected error. */
static int WSAAPI fault_W_GETSOCKOPT(SOCKET s, int lv, int nm, char *v, int *l)
{
    int e;
    if (lv == SOL_SOCKET && nm == SO_ERROR && *l >= (int)sizeof e &&
        xsock__fault_due(&xsock__syscalls[W_GETSOCKOPT], &e)) {
        memcpy(v, &e, sizeof e);
        *l = sizeof e;
        return 0;
    }
    return XSOCK__SYSCALL_DEFAULT(W_GETSOCKOPT, getsockopt_fn)(s, lv, nm, v, l);
}

/* getaddrinfo returns its error (WSAHOST_NOT_FOUND, WSATRY_AGAIN, ...). */
static INT WSAAPI fault_W_GETADDRINFO(PCSTR n, PCSTR sv, const ADDRINFOA *h, PADDRINFOA *r)
{
    int e;
    if (xsock__fault_due(&xsock__syscalls[W_GETADDRINFO], &e)) {
        WSASetLastError(e);
        return e;
    }
    return XSOCK__SYSCALL_DEFAULT(W_GETADDRINFO, getaddrinfo_fn)(n, sv, h, r);
}

static WINBOOL WINAPI fault_W_SETHANDLEINFO(HANDLE h, DWORD m, DWORD f)
{
    int e;
    if (xsock__fault_due(&xsock__syscalls[W_SETHANDLEINFO], &e)) {
        SetLastError((DWORD)e);
        return FALSE;
    }
    return XSOCK__SYSCALL_DEFAULT(W_SETHANDLEINFO, sethandleinfo_fn)(h, m, f);
}

/* The compiler checks every default and twin against its entry's type. */
__attribute__((unused)) static void check_types(void)
{
#define W_CHECK_(fn_t, real, twin) \
    {                              \
        fn_t a_ = real, b_ = twin; \
        (void)a_;                  \
        (void)b_;                  \
    }
    W_CHECK_(socket_fn, WSASocketW, fault_W_SOCKET)
    W_CHECK_(connect_fn, connect, fault_W_CONNECT)
    W_CHECK_(select_fn, select, fault_W_SELECT)
    W_CHECK_(poll_fn, WSAPoll, fault_W_POLL)
    W_CHECK_(getsockopt_fn, getsockopt, fault_W_GETSOCKOPT)
    W_CHECK_(setsockopt_fn, setsockopt, fault_W_SETSOCKOPT)
    W_CHECK_(ioctlsocket_fn, ioctlsocket, fault_W_IOCTLSOCKET)
    W_CHECK_(wsaioctl_fn, WSAIoctl, fault_W_WSAIOCTL)
    W_CHECK_(bind_fn, bind, fault_W_BIND)
    W_CHECK_(listen_fn, listen, fault_W_LISTEN)
    W_CHECK_(accept_fn, accept, fault_W_ACCEPT)
    W_CHECK_(send_fn, send, fault_W_SEND)
    W_CHECK_(recv_fn, recv, fault_W_RECV)
    W_CHECK_(shutdown_fn, shutdown, fault_W_SHUTDOWN)
    W_CHECK_(close_fn, closesocket, fault_W_CLOSE)
    W_CHECK_(getname_fn, getsockname, fault_W_GETSOCKNAME)
    W_CHECK_(getname_fn, getpeername, fault_W_GETPEERNAME)
    W_CHECK_(getaddrinfo_fn, getaddrinfo, fault_W_GETADDRINFO)
    W_CHECK_(sethandleinfo_fn, SetHandleInformation, fault_W_SETHANDLEINFO)
#undef W_CHECK_
}

/* ---- The table ------------------------------------------------------------ */

#define W_ENTRY(idx, name, role, fn) \
    [idx] = {name, role, (xsock__syscall_ptr)(fn), (xsock__syscall_ptr)(fn), \
             (xsock__syscall_ptr)fault_##idx, 0, 0, 0}

xsock__syscall xsock__syscalls[W_COUNT] = {
    W_ENTRY(W_SOCKET, "WSASocketW", "socket", WSASocketW),
    W_ENTRY(W_CONNECT, "connect", "connect", connect),
    /* both wait: select for connects (it reports failed ones), WSAPoll otherwise */
    W_ENTRY(W_SELECT, "select", "wait", select),
    W_ENTRY(W_POLL, "WSAPoll", "wait", WSAPoll),
    W_ENTRY(W_GETSOCKOPT, "getsockopt", "connect_result", getsockopt),
    W_ENTRY(W_SETSOCKOPT, "setsockopt", "setsockopt", setsockopt),
    W_ENTRY(W_IOCTLSOCKET, "ioctlsocket", "ioctlsocket", ioctlsocket),
    W_ENTRY(W_WSAIOCTL, "WSAIoctl", "WSAIoctl", WSAIoctl),
    W_ENTRY(W_BIND, "bind", "bind", bind),
    W_ENTRY(W_LISTEN, "listen", "listen", listen),
    W_ENTRY(W_ACCEPT, "accept", "accept", accept),
    W_ENTRY(W_SEND, "send", "send", send),
    W_ENTRY(W_RECV, "recv", "recv", recv),
    W_ENTRY(W_SHUTDOWN, "shutdown", "shutdown", shutdown),
    W_ENTRY(W_CLOSE, "closesocket", "close", closesocket),
    W_ENTRY(W_GETSOCKNAME, "getsockname", "getsockname", getsockname),
    W_ENTRY(W_GETPEERNAME, "getpeername", "getpeername", getpeername),
    W_ENTRY(W_GETADDRINFO, "getaddrinfo", "resolve", getaddrinfo),
    W_ENTRY(W_SETHANDLEINFO, "SetHandleInformation", "SetHandleInformation", SetHandleInformation),
};
const size_t xsock__syscall_count = W_COUNT;

/* ---- Wrappers ------------------------------------------------------------- */

#define W_TRACING() atomic_load_explicit(&xsock__tracing, memory_order_relaxed)

/* Count the call; with tracing off that and one branch is all.  `failed`,
   `handle`, `result` and `oserr` may use r_, the call's result.  The error
   is put back after the hook, which may itself touch the thread's last
   error.  An interrupted call (WSAEINTR) is made again when `retry`, as on
   POSIX; connect, the waits and closesocket are not retried. */
#define W_CALL_R(idx, fn_t, ret, name, handle, result, failed, oserr, retry, args)   \
    for (;;) {                                                                    \
        XSOCK__COUNT_OS_CALL();                                                    \
        ret r_;                                                                   \
        if (XSOCK__LIKELY(!W_TRACING())) {                                         \
            r_ = XSOCK__SYSCALL(idx, fn_t) args;                                   \
        } else {                                                                  \
            uint64_t t0_ = xsock_os_monotonic_ns();                               \
            r_ = XSOCK__SYSCALL(idx, fn_t) args;                                   \
            int e_ = (failed) ? (int)(oserr) : 0;                                 \
            xsock__trace_emit(name, (handle), (result), e_, t0_);                 \
            if (e_) WSASetLastError(e_);                                          \
        }                                                                         \
        if (!(retry) || !(failed) || WSAGetLastError() != WSAEINTR) return r_;    \
    }

#define W_CALL_E(idx, fn_t, ret, name, handle, failed, oserr, retry, args) \
    W_CALL_R(idx, fn_t, ret, name, handle, (long)r_, failed, oserr, retry, args)

#define W_CALL(idx, fn_t, ret, name, handle, failed, args) \
    W_CALL_E(idx, fn_t, ret, name, handle, failed, WSAGetLastError(), 1, args)
#define W_CALL_ONCE(idx, fn_t, ret, name, handle, failed, args) \
    W_CALL_E(idx, fn_t, ret, name, handle, failed, WSAGetLastError(), 0, args)

/* The trace result of a call that returns a SOCKET.  A SOCKET is a
   UINT_PTR, 64 bits on Win64 where long is 32: the event's handle field
   carries the SOCKET whole, and the result is the same value when it fits
   in a long (INVALID_SOCKET is -1), else LONG_MAX (still "succeeded";
   never a truncated value that names another socket). */
static long socket_result(SOCKET s)
{
    if (s == INVALID_SOCKET) return -1;
    return s <= (SOCKET)LONG_MAX ? (long)s : LONG_MAX;
}

#define H(s) ((xsock_native)(s))

SOCKET xsock__w32_WSASocketW(int af, int type, int protocol, DWORD flags)
{
    W_CALL_R(W_SOCKET, socket_fn, SOCKET, "WSASocketW",
             r_ == INVALID_SOCKET ? XSOCK_INVALID_NATIVE : H(r_), socket_result(r_),
             r_ == INVALID_SOCKET, WSAGetLastError(), 1, (af, type, protocol, NULL, 0, flags));
}

int xsock__w32_connect(SOCKET s, const struct sockaddr *sa, int len)
{
    W_CALL_ONCE(W_CONNECT, connect_fn, int, "connect", H(s), r_ != 0, (s, sa, len));
}

/* `only`: the one socket in the sets, or INVALID_SOCKET for several. */
int xsock__w32_select(fd_set *rd, fd_set *wr, fd_set *ex, const struct timeval *tv, SOCKET only)
{
    /* the first argument is ignored by Winsock; the cast drops a const
       that select's prototype (const PTIMEVAL) puts on the pointer itself */
    W_CALL_ONCE(W_SELECT, select_fn, int, "select",
           only == INVALID_SOCKET ? XSOCK_INVALID_NATIVE : H(only), r_ < 0,
           (0, rd, wr, ex, (PTIMEVAL)(uintptr_t)tv));
}

int xsock__w32_WSAPoll(WSAPOLLFD *fds, ULONG n, INT timeout_ms)
{
    W_CALL_ONCE(W_POLL, poll_fn, int, "WSAPoll", n == 1 ? H(fds[0].fd) : XSOCK_INVALID_NATIVE, r_ < 0,
           (fds, n, timeout_ms));
}

int xsock__w32_getsockopt(SOCKET s, int level, int name, char *val, int *len)
{
    W_CALL(W_GETSOCKOPT, getsockopt_fn, int, "getsockopt", H(s), r_ != 0,
           (s, level, name, val, len));
}

int xsock__w32_setsockopt(SOCKET s, int level, int name, const char *val, int len)
{
    W_CALL(W_SETSOCKOPT, setsockopt_fn, int, "setsockopt", H(s), r_ != 0,
           (s, level, name, val, len));
}

int xsock__w32_ioctlsocket(SOCKET s, long cmd, u_long *arg)
{
    W_CALL(W_IOCTLSOCKET, ioctlsocket_fn, int, "ioctlsocket", H(s), r_ != 0,
           (s, (__LONG32)cmd, arg));
}

int xsock__w32_WSAIoctl(SOCKET s, DWORD code, void *in, DWORD in_len, void *out, DWORD out_len,
                 DWORD *returned)
{
    W_CALL(W_WSAIOCTL, wsaioctl_fn, int, "WSAIoctl", H(s), r_ != 0,
           (s, code, in, in_len, out, out_len, returned, NULL, NULL));
}

int xsock__w32_bind(SOCKET s, const struct sockaddr *sa, int len)
{
    W_CALL(W_BIND, bind_fn, int, "bind", H(s), r_ != 0, (s, sa, len));
}

int xsock__w32_listen(SOCKET s, int backlog)
{
    W_CALL(W_LISTEN, listen_fn, int, "listen", H(s), r_ != 0, (s, backlog));
}

SOCKET xsock__w32_accept(SOCKET s, struct sockaddr *sa, int *len)
{
    /* the accepted socket is the event's handle (the listener on failure) */
    W_CALL_R(W_ACCEPT, accept_fn, SOCKET, "accept", r_ == INVALID_SOCKET ? H(s) : H(r_),
             socket_result(r_), r_ == INVALID_SOCKET, WSAGetLastError(), 1, (s, sa, len));
}

int xsock__w32_send(SOCKET s, const char *buf, int len, int flags)
{
    W_CALL(W_SEND, send_fn, int, "send", H(s), r_ < 0, (s, buf, len, flags));
}

int xsock__w32_recv(SOCKET s, char *buf, int len, int flags)
{
    W_CALL(W_RECV, recv_fn, int, "recv", H(s), r_ < 0, (s, buf, len, flags));
}

int xsock__w32_shutdown(SOCKET s, int how)
{
    W_CALL(W_SHUTDOWN, shutdown_fn, int, "shutdown", H(s), r_ != 0, (s, how));
}

int xsock__w32_closesocket(SOCKET s)
{
    W_CALL_ONCE(W_CLOSE, close_fn, int, "closesocket", H(s), r_ != 0, (s));
}

int xsock__w32_getsockname(SOCKET s, struct sockaddr *sa, int *len)
{
    W_CALL(W_GETSOCKNAME, getname_fn, int, "getsockname", H(s), r_ != 0, (s, sa, len));
}

int xsock__w32_getpeername(SOCKET s, struct sockaddr *sa, int *len)
{
    W_CALL(W_GETPEERNAME, getname_fn, int, "getpeername", H(s), r_ != 0, (s, sa, len));
}

int xsock__w32_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                    struct addrinfo **res)
{
    W_CALL_E(W_GETADDRINFO, getaddrinfo_fn, INT, "getaddrinfo", XSOCK_INVALID_NATIVE, r_ != 0, r_, 1,
             (node, service, hints, res));
}

void xsock__w32_freeaddrinfo(struct addrinfo *res)
{
    freeaddrinfo(res);
}

BOOL xsock__w32_SetHandleInformation(SOCKET s, DWORD mask, DWORD flags)
{
    /* a SOCKET is a kernel handle; GetLastError and WSAGetLastError are the
       same per-thread value, so the trace and xsock__w32_fail read it alike */
    W_CALL_E(W_SETHANDLEINFO, sethandleinfo_fn, WINBOOL, "SetHandleInformation", H(s), !r_,
             GetLastError(), 0, ((HANDLE)s, mask, flags));
}

int xsock__w32_fail(void)
{
    return xsock__w32_fail_code(WSAGetLastError());
}

int xsock__w32_fail_code(int e)
{
    xsock__set_os_error(e);
    return xsock_os_map_error(e);
}

void xsock__w32_close_quietly(SOCKET s)
{
    int e = WSAGetLastError();
    xsock__w32_closesocket(s);
    WSASetLastError(e);
}
