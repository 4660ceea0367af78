/* SPDX-License-Identifier: MIT */
/* Waiting on sockets with poll(2); a finished connect shows as POLLOUT,
   with POLLERR/POLLHUP on failure, so plain poll serves connects too. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>

#include "../os_hooks.h"
#include "../xsock_os.h"
#include "posix_calls.h"

#define STACK_FDS 32

static short to_native(short ev)
{
    short n = 0;
    if (ev & XSOCK_POLLIN) n |= POLLIN;
    if (ev & (XSOCK_POLLOUT | XSOCK_OS_WAIT_CONNECT)) n |= POLLOUT;
    return n;
}

static short from_native(short rev)
{
    short x = 0;
    if (rev & POLLIN) x |= XSOCK_POLLIN;
    if (rev & POLLOUT) x |= XSOCK_POLLOUT;
    if (rev & (POLLERR | POLLNVAL)) x |= XSOCK_POLLERR;
    if (rev & POLLHUP) x |= XSOCK_POLLHUP;
    return x;
}

/* The core's usual wait (a connect, a transfer, an accept): one socket. */
static XSOCK__NOINLINE int poll_one(xsock_os_pollent *e, int timeout_ms)
{
    struct pollfd fd = {(int)e->handle, to_native(e->events), 0};
    int r = xsock__px_poll(&fd, 1, timeout_ms);
    if (r > 0) e->revents = from_native(fd.revents);
    return r >= 0 ? r : xsock__px_fail();
}

int xsock_os_poll(xsock_os_pollent *ents, size_t n, int timeout_ms)
{
    if (n == 1) return poll_one(ents, timeout_ms);
    struct pollfd stack[STACK_FDS], *fds = stack;
    if (n > STACK_FDS && !(fds = malloc(n * sizeof *fds))) return XSOCK_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        fds[i].fd = (int)ents[i].handle;
        fds[i].events = to_native(ents[i].events);
        fds[i].revents = 0;
    }
    int r = xsock__px_poll(fds, (nfds_t)n, timeout_ms);
    int rc = r >= 0 ? r : xsock__px_fail();
    for (size_t i = 0; r > 0 && i < n; i++) ents[i].revents = from_native(fds[i].revents);
    if (fds != stack) free(fds);
    return rc;
}
