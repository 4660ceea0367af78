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

int xt_native_nonblocking(xsock_native h)
{
    int fl = fcntl((int)h, F_GETFL);
    return fl < 0 ? -1 : (fl & O_NONBLOCK) != 0;
}

void xt_native_set_nonblocking(xsock_native h, int on)
{
    int fl = fcntl((int)h, F_GETFL);
    assert_true(fl >= 0);
    assert_int_equal(fcntl((int)h, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK), 0);
}

int xt_os_fail(const char *call, int os_error, int times)
{
    (void)call;
    (void)os_error;
    (void)times;
    return 0;
}

void xt_os_fail_stop(void)
{
}

xsock_native xt_big_handle(void)
{
    return 0;
}

int xt_fake_socket(const char *call, xsock_native fake)
{
    (void)call;
    (void)fake;
    return 0;
}

void xt_fake_socket_stop(void)
{
}
