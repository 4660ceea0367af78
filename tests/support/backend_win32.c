/* SPDX-License-Identifier: MIT */
/* Windows half of xbackend.h: handle flags, and wrappers around the
   backend's "WSAPoll" and "select" table entries. */
#include <winsock2.h>
#include <windows.h>

#include <string.h>

#include "xbackend.h"

int xt_native_inheritable(xsock_native h)
{
    DWORD flags = 0;
    if (!GetHandleInformation((HANDLE)h, &flags)) return -1;
    return (flags & HANDLE_FLAG_INHERIT) != 0;
}

typedef int(WSAAPI *poll_fn)(WSAPOLLFD *, ULONG, INT);
typedef int(WSAAPI *select_fn)(int, fd_set *, fd_set *, fd_set *, const PTIMEVAL);

static poll_fn real_poll;
static select_fn real_select;
static xt_waits seen;
static SRWLOCK lock = SRWLOCK_INIT;

static int WSAAPI watch_poll(WSAPOLLFD *fds, ULONG n, INT timeout)
{
    unsigned bad = 0;
    for (ULONG i = 0; i < n; i++) bad |= (unsigned short)fds[i].events & ~(unsigned)(POLLRDNORM | POLLWRNORM);
    AcquireSRWLockExclusive(&lock);
    seen.polls++;
    seen.bad_poll_events |= bad;
    ReleaseSRWLockExclusive(&lock);
    return real_poll(fds, n, timeout);
}

static int WSAAPI watch_select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, const PTIMEVAL tv)
{
    AcquireSRWLockExclusive(&lock);
    seen.selects++;
    if (ex && ex->fd_count > 0) seen.selects_with_except++;
    ReleaseSRWLockExclusive(&lock);
    return real_select(nfds, rd, wr, ex, tv);
}

int xt_waits_watch(void)
{
    memset(&seen, 0, sizeof seen);
    real_poll = (poll_fn)xsock__get_syscall("WSAPoll");
    real_select = (select_fn)xsock__get_syscall("select");
    assert_non_null(real_poll);
    assert_non_null(real_select);
    assert_int_equal(xsock__set_syscall("WSAPoll", (xsock__syscall_ptr)watch_poll), XSOCK_OK);
    assert_int_equal(xsock__set_syscall("select", (xsock__syscall_ptr)watch_select), XSOCK_OK);
    return 1;
}

xt_waits xt_waits_stop(void)
{
    xsock__set_syscall("WSAPoll", NULL);
    xsock__set_syscall("select", NULL);
    AcquireSRWLockExclusive(&lock);
    xt_waits w = seen;
    ReleaseSRWLockExclusive(&lock);
    return w;
}

xsock_native xt_native_udp_socket(void)
{
    SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    return s == INVALID_SOCKET ? XSOCK_INVALID_NATIVE : (xsock_native)s;
}

/* AF_UNIX exists from Windows 10 1803; Wine answers WSAEAFNOSUPPORT. */
xsock_native xt_native_unix_stream_socket(void)
{
    SOCKET s = socket(1 /* AF_UNIX */, SOCK_STREAM, 0);
    return s == INVALID_SOCKET ? XSOCK_INVALID_NATIVE : (xsock_native)s;
}

void xt_native_close(xsock_native h)
{
    closesocket((SOCKET)h);
}

void xt_native_reset_on_close(xsock_native h)
{
    struct linger lg = {1, 0};
    setsockopt((SOCKET)h, SOL_SOCKET, SO_LINGER, (const char *)&lg, sizeof lg);
}

int xt_native_nonblocking(xsock_native h)
{
    SOCKET s = (SOCKET)h;
    DWORD ms = 100, none = 0;
    char c;
    if (setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, (int)sizeof ms) != 0) return -1;
    int r = recv(s, &c, 1, MSG_PEEK);
    int e = WSAGetLastError();
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&none, (int)sizeof none);
    if (r >= 0) return -1; /* something to read: cannot tell */
    return e == WSAEWOULDBLOCK ? 1 : e == WSAETIMEDOUT ? 0 : -1;
}

void xt_native_set_nonblocking(xsock_native h, int on)
{
    u_long mode = on ? 1 : 0;
    assert_int_equal(ioctlsocket((SOCKET)h, FIONBIO, &mode), 0);
}

static int fail_error, fail_left;
static const char *fail_call;
static xsock__syscall_ptr fail_real;

typedef int(WSAAPI *connect_fn)(SOCKET, const struct sockaddr *, int);
typedef int(WSAAPI *io_fn)(SOCKET, char *, int, int);

/* 1 when this call must fail (then the error is set) */
static int fail_now(void)
{
    if (fail_left == 0) return 0;
    if (fail_left > 0) fail_left--;
    WSASetLastError(fail_error);
    return 1;
}

static int WSAAPI fail_connect(SOCKET s, const struct sockaddr *sa, int l)
{
    return fail_now() ? SOCKET_ERROR : ((connect_fn)fail_real)(s, sa, l);
}

static int WSAAPI fail_io(SOCKET s, char *b, int n, int f)
{
    return fail_now() ? SOCKET_ERROR : ((io_fn)fail_real)(s, b, n, f);
}

int xt_os_fail(const char *call, int os_error, int times)
{
    xsock__syscall_ptr stub = NULL;
    if (strcmp(call, "connect") == 0)
        stub = (xsock__syscall_ptr)fail_connect;
    else if (strcmp(call, "send") == 0 || strcmp(call, "recv") == 0)
        stub = (xsock__syscall_ptr)fail_io; /* send's buffer is const: same ABI */
    else
        fail_msg("xt_os_fail: no stub for %s", call);
    fail_error = os_error;
    fail_left = times;
    fail_call = call;
    fail_real = xsock__get_syscall(call);
    assert_non_null(fail_real);
    assert_int_equal(xsock__set_syscall(call, stub), XSOCK_OK);
    return 1;
}

void xt_os_fail_stop(void)
{
    if (fail_call) xsock__set_syscall(fail_call, NULL);
    fail_call = NULL;
}

xsock_native xt_big_handle(void)
{
    /* above LONG_MAX: 2^32 + 0xC0000040 on Win64 (a long keeps 0xC0000040,
       a negative "failure"), 0xC0000040 on 32-bit Windows.  The library
       then calls ioctlsocket and closesocket on it: Wine passes a handle's
       low 32 bits to its server, and 0xC0000040 names no handle there (a
       small value could name one of the test's own handles and close it). */
    return sizeof(SOCKET) > 4 ? (xsock_native)(((uint64_t)1 << 32) | 0xC0000040u)
                              : (xsock_native)0xC0000040u;
}

static SOCKET fake_value;
static const char *fake_call;

static SOCKET WSAAPI fake_wsasocket(int af, int t, int p, LPWSAPROTOCOL_INFOW i, GROUP g, DWORD f)
{
    (void)af, (void)t, (void)p, (void)i, (void)g, (void)f;
    return fake_value;
}

static SOCKET WSAAPI fake_accept(SOCKET s, struct sockaddr *sa, int *l)
{
    (void)s, (void)sa, (void)l;
    return fake_value;
}

int xt_fake_socket(const char *call, xsock_native fake)
{
    xsock__syscall_ptr stub = strcmp(call, "WSASocketW") == 0 ? (xsock__syscall_ptr)fake_wsasocket
                                : strcmp(call, "accept") == 0   ? (xsock__syscall_ptr)fake_accept
                                                                : NULL;
    assert_non_null(stub);
    fake_value = (SOCKET)fake;
    fake_call = call;
    assert_int_equal(xsock__set_syscall(call, stub), XSOCK_OK);
    return 1;
}

void xt_fake_socket_stop(void)
{
    if (fake_call) xsock__set_syscall(fake_call, NULL);
    fake_call = NULL;
}
