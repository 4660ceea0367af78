/* SPDX-License-Identifier: MIT */
/* Waiting on sockets.  A connect in progress is waited on with select(),
   the socket in both the write and the except set: WSAPoll does not
   report a failed connect before Windows 10 2004 (the wait would run to
   its timeout), and select reports it in exceptfds everywhere (curl,
   CPython and the JDK do the same).  Everything else uses WSAPoll, with
   events built only from POLLRDNORM and POLLWRNORM: any other bit in
   `events` makes Windows fail the call with WSAEINVAL (Wine accepts it). */
#include "win_calls.h"

#include <stddef.h>
#include <stdlib.h>

#include "../os_hooks.h"
#include "../xsock_os.h"

#define STACK_ENTS 16

/* ---- select: fd_sets of any size ----------------------------------------- */

/* Winsock's fd_set is a count and an array that select() reads up to the
   count, so a set for n sockets is allocated with room for n (mingw's
   FD_SETSIZE is 64).  The FD_* macros are not used: FD_SET stops at
   FD_SETSIZE and FD_ISSET is a call into ws2_32. */
typedef struct xsock__w32_fdsets {
    fd_set *rd, *wr, *ex;
    void *mem;
} xsock__w32_fdsets;

static int fdsets_alloc(xsock__w32_fdsets *f, size_t n, fd_set stack[3])
{
    f->mem = NULL;
    if (n <= FD_SETSIZE) {
        f->rd = &stack[0];
        f->wr = &stack[1];
        f->ex = &stack[2];
    } else {
        size_t one = offsetof(fd_set, fd_array) + n * sizeof(SOCKET);
        one = (one + sizeof(SOCKET) - 1) / sizeof(SOCKET) * sizeof(SOCKET);
        char *mem = malloc(3 * one);
        if (!mem) return XSOCK_ENOMEM;
        f->mem = mem;
        f->rd = (fd_set *)(void *)mem;
        f->wr = (fd_set *)(void *)(mem + one);
        f->ex = (fd_set *)(void *)(mem + 2 * one);
    }
    f->rd->fd_count = f->wr->fd_count = f->ex->fd_count = 0;
    return XSOCK_OK;
}

static void fdset_add(fd_set *set, SOCKET s)
{
    SOCKET *arr = set->fd_array;
    arr[set->fd_count++] = s;
}

static int fdset_has(const fd_set *set, SOCKET s)
{
    const SOCKET *arr = set->fd_array;
    for (u_int i = 0; i < set->fd_count; i++)
        if (arr[i] == s) return 1;
    return 0;
}

static int poll_select(xsock_os_pollent *ents, size_t n, int timeout_ms)
{
    fd_set stack[3];
    xsock__w32_fdsets f;
    if (fdsets_alloc(&f, n, stack) != XSOCK_OK) return XSOCK_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        SOCKET s = (SOCKET)ents[i].handle;
        if (ents[i].events & XSOCK_POLLIN) fdset_add(f.rd, s);
        if (ents[i].events & (XSOCK_POLLOUT | XSOCK_OS_WAIT_CONNECT)) fdset_add(f.wr, s);
        /* exceptfds is where a failed connect shows (and only there) */
        if (ents[i].events & XSOCK_OS_WAIT_CONNECT) fdset_add(f.ex, s);
    }
    struct timeval tv, *tvp = NULL;
    if (timeout_ms >= 0) {
        tv.tv_sec = timeout_ms / 1000;
        tv.tv_usec = (timeout_ms % 1000) * 1000;
        tvp = &tv;
    }
    int r = xsock__w32_select(f.rd->fd_count ? f.rd : NULL, f.wr->fd_count ? f.wr : NULL,
                       f.ex->fd_count ? f.ex : NULL, tvp,
                       n == 1 ? (SOCKET)ents[0].handle : INVALID_SOCKET);
    int rc = 0;
    if (r < 0) {
        rc = xsock__w32_fail();
    } else {
        /* select counts a socket once per set; the contract counts entries */
        for (size_t i = 0; i < n; i++) {
            SOCKET s = (SOCKET)ents[i].handle;
            short rev = 0;
            if (r > 0) {
                if ((ents[i].events & XSOCK_POLLIN) && fdset_has(f.rd, s)) rev |= XSOCK_POLLIN;
                if ((ents[i].events & (XSOCK_POLLOUT | XSOCK_OS_WAIT_CONNECT)) && fdset_has(f.wr, s))
                    rev |= XSOCK_POLLOUT;
                /* a finished connect reports POLLOUT; a failed one as on Linux */
                if ((ents[i].events & XSOCK_OS_WAIT_CONNECT) && fdset_has(f.ex, s))
                    rev |= XSOCK_POLLOUT | XSOCK_POLLERR | XSOCK_POLLHUP;
            }
            ents[i].revents = rev;
            if (rev) rc++;
        }
    }
    free(f.mem);
    return rc;
}

/* ---- WSAPoll ------------------------------------------------------------- */

static short to_native(short ev)
{
    short n = 0;
    if (ev & XSOCK_POLLIN) n |= POLLRDNORM;
    if (ev & XSOCK_POLLOUT) n |= POLLWRNORM;
    return n;
}

static short from_native(short events, short rev)
{
    short x = 0;
    if (rev & (POLLRDNORM | POLLRDBAND)) x |= XSOCK_POLLIN;
    if (rev & POLLWRNORM) x |= XSOCK_POLLOUT;
    if (rev & (POLLERR | POLLNVAL)) x |= XSOCK_POLLERR;
    if (rev & POLLHUP) {
        x |= XSOCK_POLLHUP;
        /* Windows reports a peer's FIN as POLLHUP without POLLRDNORM; POSIX
           as POLLIN.  Either way a recv now returns 0 (or the error). */
        if (events & XSOCK_POLLIN) x |= XSOCK_POLLIN;
    }
    return x;
}

static int poll_wsapoll(xsock_os_pollent *ents, size_t n, int timeout_ms)
{
    WSAPOLLFD stack[STACK_ENTS], *fds = stack;
    if (n > STACK_ENTS && !(fds = malloc(n * sizeof *fds))) return XSOCK_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        fds[i].fd = (SOCKET)ents[i].handle;
        fds[i].events = to_native(ents[i].events);
        fds[i].revents = 0;
    }
    /* n <= INT32_MAX: xsock_poll checks it */
    int r = xsock__w32_WSAPoll(fds, (ULONG)n, timeout_ms < 0 ? -1 : timeout_ms);
    int rc = 0;
    if (r < 0) {
        rc = xsock__w32_fail();
    } else {
        for (size_t i = 0; i < n; i++) {
            ents[i].revents = r > 0 ? from_native(ents[i].events, fds[i].revents) : 0;
            if (ents[i].revents) rc++;
        }
    }
    if (fds != stack) free(fds);
    return rc;
}

int xsock_os_poll(xsock_os_pollent *ents, size_t n, int timeout_ms)
{
    int connect = 0;
    for (size_t i = 0; i < n && !connect; i++) connect = (ents[i].events & XSOCK_OS_WAIT_CONNECT) != 0;
    return connect ? poll_select(ents, n, timeout_ms) : poll_wsapoll(ents, n, timeout_ms);
}
