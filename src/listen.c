/* SPDX-License-Identifier: MIT */
/* The server side: listening sockets and accepting connections. */
#include <string.h>

#include "internal.h"
#include "socket_stats.h"


/* A name listens on its first IPv4 address when it has one, else on its
   first address (Go's and Java's rule): "localhost" listens on 127.0.0.1,
   which both "127.0.0.1" and a happy-eyeballs dial of "localhost" reach. */
static int listen_address(const char *host, uint16_t port, xsock__addr *at)
{
    xsock__addr addrs[XSOCK__MAX_ADDRS];
    size_t n = 0;
    int rc = xsock_os_resolve(host, port, XSOCK_AF_UNSPEC, addrs, XSOCK__MAX_ADDRS, &n);
    if (rc != XSOCK_OK) return xsock__fail(rc, xsock__os_error(), "resolve %s", host);
    *at = addrs[0];
    for (size_t i = 0; i < n; i++) {
        if (addrs[i].family == XSOCK_AF_INET) {
            *at = addrs[i];
            break;
        }
    }
    return XSOCK_OK;
}

static int listen_site(xsock **out, const char *host, uint16_t port, int backlog, xsock__site site)
{
    xsock__addr at;
    int dual_stack = 0;
    if (!out) return xsock__fail_msg(XSOCK_EINVAL, "listen: NULL out");
    *out = NULL;
    if (backlog < 0) return xsock__fail_msg(XSOCK_EINVAL, "listen: backlog %d", backlog);
    int rc = xsock__ensure_init();
    if (rc != XSOCK_OK) return rc;

    /* at the limit: no OS call at all, not even the resolver */
    if ((rc = xsock__check_limit()) != XSOCK_OK) return rc;
    if (!host) {
        /* all interfaces: "::" with IPV6_V6ONLY off, falling back to 0.0.0.0 */
        xsock__addr_parse("::", port, &at);
        dual_stack = 1;
    } else if (xsock__addr_parse(host, port, &at) != XSOCK_OK) {
        if (host[0] == '\0') return xsock__fail_msg(XSOCK_EINVAL, "listen: empty host");
        if ((rc = listen_address(host, port, &at)) != XSOCK_OK) return rc;
    }

    if ((rc = xsock__reserve()) != XSOCK_OK) return rc;
    xsock_native h;
    rc = xsock_os_listen(&at, backlog, dual_stack, &h);
    if (rc == XSOCK_EAFNOSUPPORT && dual_stack) {
        xsock__addr_parse("0.0.0.0", port, &at);
        rc = xsock_os_listen(&at, backlog, 0, &h);
    }
    if (rc != XSOCK_OK) {
        char where[XSOCK__ADDRSTRLEN];
        xsock__addr_format(&at, where, sizeof where);
        xsock__unreserve();
        return xsock__fail(rc, xsock__os_error(), "listen on %s", where);
    }
    /* the port the OS chose, once, so reports and xsock_local_port need no call */
    xsock__addr bound;
    int known = xsock_os_local_addr(h, &bound) == XSOCK_OK;
    return xsock__track(h, XSOCK__KIND_LISTENING, site, 0, known ? &bound : NULL, NULL, out);
}

int xsock_listen(xsock **out, const char *host, uint16_t port, int backlog)
{
    xsock__site site = {NULL, XSOCK__CALLER()};
    return listen_site(out, host, port, backlog, site);
}

int xsock_listen_at(xsock **out, const char *host, uint16_t port, int backlog, const char *where)
{
    xsock__site site = {where, where ? NULL : XSOCK__CALLER()};
    return listen_site(out, host, port, backlog, site);
}

/* The listener's address is written out only for the failure's detail
   (formatting it for every accept cost more than the rest of the accept). */
static int accept_failed(const xsock *l, int rc)
{
    char where[XSOCK__ADDRSTRLEN] = "?";
    const xsock__addr *known = xsock__local_of(l);
    if (known) xsock__addr_format(known, where, sizeof where);
    if (rc == XSOCK_ETIMEDOUT || rc == XSOCK_EAGAIN) return xsock__fail_msg(rc, "accept on %s", where);
    return xsock__fail(rc, xsock__os_error(), "accept on %s", where);
}

static int accept_site(xsock *l, xsock **out, int timeout_ms, xsock__site site)
{
    if (!out) return xsock__fail_msg(XSOCK_EINVAL, "accept: NULL out");
    *out = NULL;
    if (!l) return xsock__fail_msg(XSOCK_EINVAL, "accept: NULL listener");
    int rc = xsock__check_timeout(timeout_ms);
    if (rc != XSOCK_OK) return rc;

    xsock__deadline d;
    xsock__deadline_start(&d, timeout_ms);
    xsock_native h;
    xsock__addr peer;
    int waited = 0;
    XSOCK__WINDOW_BEGIN(); /* the accept calls and their waits are the listener's */
    for (;;) {
        /* a slot only for the call that makes a socket: a waiting accept
           holds none, and at the limit the connection stays queued */
        if ((rc = xsock__reserve()) != XSOCK_OK) {
            XSOCK__WINDOW_END(l);
            return rc;
        }
        rc = xsock_os_accept(l->handle, &h, &peer);
        if (rc == XSOCK_OK) break;
        xsock__unreserve();
        /* a connection reset while queued is the client's problem, not ours */
        if (rc == XSOCK_ECONNABORTED) continue;
        if (rc == XSOCK_EAGAIN &&
            (rc = xsock__wait_again(l->handle, XSOCK_POLLIN, &d, timeout_ms == 0, &waited)) == XSOCK_OK)
            continue;
        XSOCK__WINDOW_END(l);
        return accept_failed(l, rc);
    }
    XSOCK__WINDOW_END(l);
    rc = xsock__track(h, XSOCK__KIND_ACCEPTED, site, 0, NULL, &peer, out);
    if (rc == XSOCK_OK) xsock__stats_accepted(*out, l);
    return rc;
}

int xsock_accept(xsock *l, xsock **out, int timeout_ms)
{
    xsock__site site = {NULL, XSOCK__CALLER()};
    return accept_site(l, out, timeout_ms, site);
}

int xsock_accept_at(xsock *l, xsock **out, int timeout_ms, const char *where)
{
    xsock__site site = {where, where ? NULL : XSOCK__CALLER()};
    return accept_site(l, out, timeout_ms, site);
}
