/* SPDX-License-Identifier: MIT */
/* What a dial says when every attempt failed: the most informative error
   (DESIGN.md's ranking) and every address with its own result. */
#include <stdio.h>

#include "dial.h"

/* refused > host unreachable > net unreachable > address not available >
   other OS error > timed out */
static int rank(int err)
{
    switch (err) {
    case XSOCK_ECONNREFUSED:
        return 6;
    case XSOCK_EHOSTUNREACH:
        return 5;
    case XSOCK_ENETUNREACH:
        return 4;
    case XSOCK_EADDRNOTAVAIL:
        return 3;
    case XSOCK_ETIMEDOUT:
    case XSOCK_EAGAIN:
        return 1;
    default:
        return 2;
    }
}

void xsock__outcome_note(xsock__outcome *o, const xsock__addr *a, int err, int os_error)
{
    char where[XSOCK__ADDRSTRLEN];
    xsock__addr_format(a, where, sizeof where);
    if (o->tried == 0 || rank(err) > rank(o->best)) {
        o->best = err;
        o->best_os = os_error;
    }
    o->tried++;
    if (o->len < sizeof o->list) {
        int w = os_error ? snprintf(o->list + o->len, sizeof o->list - o->len, "%s%s: %s (os %d)",
                                    o->len ? "; " : "", where, xsock_strerror(err), os_error)
                         : snprintf(o->list + o->len, sizeof o->list - o->len, "%s%s: %s",
                                    o->len ? "; " : "", where, xsock_strerror(err));
        if (w > 0) o->len += (size_t)w;
    }
}

int xsock__outcome_report(const xsock__outcome *o, const char *host, uint16_t port)
{
    char text[600];
    if (o->tried == 1)
        snprintf(text, sizeof text, "connect %s", o->list);
    else
        snprintf(text, sizeof text, "connect %s port %u: %s", host, (unsigned)port, o->list);
    return xsock__fail_text(o->best, o->best_os, text);
}


void xsock__outcome_init(xsock__outcome *o)
{
    o->best = o->best_os = 0;
    o->tried = o->len = 0;
    o->list[0] = '\0';
}
