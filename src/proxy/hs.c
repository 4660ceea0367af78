/* SPDX-License-Identifier: MIT */
/* The helpers every handshake machine uses (see hs.h): reset, the output
   window, failures with a detail, and the target host's form. */
#include "hs.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../util.h"
#include "xsock.h"

/* All of it: a struct used before may hold the output of a start that
   was never sent, and once a handshake is over its output buffer is all
   zero (the wipes after it only cover what this one wrote). */
void xsock__hs_reset(xsock__hs *hs, int proto, const xsock__hs_ops *ops)
{
    xsock__secure_zero(hs, sizeof *hs);
    hs->proto = proto;
    hs->ops = ops;
    hs->result = XSOCK__HS_WANT_READ;
}

void xsock__hs_written(xsock__hs *hs, size_t end)
{
    if (end > hs->out_used) hs->out_used = end;
}

void xsock__hs_queue(xsock__hs *hs, size_t off, size_t len)
{
    xsock__hs_written(hs, off + len);
    hs->seg_start = off;
    hs->out_start = off;
    hs->out_end = off + len;
}

int xsock__hs_fail(xsock__hs *hs, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(hs->detail, sizeof hs->detail, fmt, ap);
    va_end(ap);
    hs->result = code;
    /* nothing more will be sent: drop any queued output (it may hold a secret) */
    xsock__secure_zero(hs->out, hs->out_used);
    hs->out_start = hs->out_end = hs->out_used = 0;
    return code;
}

int xsock__hs_host(const char *host, char *buf, size_t len, xsock__addr *lit, int *is_lit)
{
    if (!host || !*host) return XSOCK_EINVAL;
    size_t n = strlen(host);
    *is_lit = xsock__addr_parse(host, 0, lit) == XSOCK_OK;
    if (*is_lit && n >= 2 && host[0] == '[' && host[n - 1] == ']') {
        host++;
        n -= 2;
    }
    if (n >= len) return XSOCK_EINVAL;
    memcpy(buf, host, n);
    buf[n] = '\0';
    return XSOCK_OK;
}
