/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
/* POSIX half of xbackend.h: FD_CLOEXEC; poll(2) has no Windows waits. */
#include <fcntl.h>

#include "xbackend.h"

int xt_native_inheritable(xsock_native h)
{
    int fl = fcntl((int)h, F_GETFD);
    return fl < 0 ? -1 : !(fl & FD_CLOEXEC);
}

int xt_waits_watch(void)
{
    return 0;
}

xt_waits xt_waits_stop(void)
{
    xt_waits w = {0, 0, 0, 0};
    return w;
}
