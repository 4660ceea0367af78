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
    real_poll = (poll_fn)xsock_os_get_syscall("WSAPoll");
    real_select = (select_fn)xsock_os_get_syscall("select");
    assert_non_null(real_poll);
    assert_non_null(real_select);
    assert_int_equal(xsock_os_set_syscall("WSAPoll", (xsock_os_syscall_ptr)watch_poll), XSOCK_OK);
    assert_int_equal(xsock_os_set_syscall("select", (xsock_os_syscall_ptr)watch_select), XSOCK_OK);
    return 1;
}

xt_waits xt_waits_stop(void)
{
    xsock_os_set_syscall("WSAPoll", NULL);
    xsock_os_set_syscall("select", NULL);
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
