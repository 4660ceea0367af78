/* SPDX-License-Identifier: MIT */
/* The tunnel bytes of a proxied socket: what the proxy sent together with
   its reply, held in the socket's cold part and given to the application's
   first recv. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int xsock__tunnel_keep(xsock *s, const unsigned char *data, size_t len)
{
    if (len == 0) return XSOCK_OK;
    xsock__cold *c = xsock__cold_get(s);
    xsock__tunnel *t = c && len <= SIZE_MAX - sizeof *t ? malloc(sizeof *t + len) : NULL;
    if (!t) return xsock__fail_msg(XSOCK_ENOMEM, "keeping %zu tunnel bytes", len);
    memcpy(t->bytes, data, len);
    t->off = 0;
    t->len = len;
    c->tunnel = t;
    return XSOCK_OK;
}

size_t xsock__tunnel_take(xsock *s, void *buf, size_t len)
{
    xsock__cold *c = xsock__cold_of(s);
    xsock__tunnel *t = c ? c->tunnel : NULL;
    if (!t) return 0;
    size_t n = t->len - t->off;
    if (n > len) n = len;
    memcpy(buf, t->bytes + t->off, n);
    t->off += n;
    if (t->off == t->len) {
        free(t);
        c->tunnel = NULL;
    }
    return n;
}
