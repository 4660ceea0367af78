/* SPDX-License-Identifier: MIT */
/* The tunnel bytes of a proxied socket: what the proxy sent together with
   its reply, held here and given to the application's first recv. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int xsock__tunnel_keep(xsock *s, const unsigned char *data, size_t len)
{
    if (len == 0) return XSOCK_OK;
    s->tunnel = malloc(len);
    if (!s->tunnel) return xsock__fail_msg(XSOCK_ENOMEM, "keeping %zu tunnel bytes", len);
    memcpy(s->tunnel, data, len);
    s->tunnel_off = 0;
    s->tunnel_len = len;
    return XSOCK_OK;
}

size_t xsock__tunnel_held(const xsock *s)
{
    return s->tunnel ? s->tunnel_len - s->tunnel_off : 0;
}

size_t xsock__tunnel_take(xsock *s, void *buf, size_t len)
{
    size_t n = xsock__tunnel_held(s);
    if (n > len) n = len;
    memcpy(buf, s->tunnel + s->tunnel_off, n);
    s->tunnel_off += n;
    if (s->tunnel_off == s->tunnel_len) xsock__tunnel_free(s);
    return n;
}

void xsock__tunnel_free(xsock *s)
{
    free(s->tunnel);
    s->tunnel = NULL;
    s->tunnel_off = s->tunnel_len = 0;
}
