/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
/* POSIX half of xbackend.h: FD_CLOEXEC; poll(2) has no Windows waits. */
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

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

xsock_native xt_native_udp_socket(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    return fd < 0 ? XSOCK_INVALID_NATIVE : (xsock_native)fd;
}

xsock_native xt_native_unix_stream_socket(void)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    return fd < 0 ? XSOCK_INVALID_NATIVE : (xsock_native)fd;
}

void xt_native_close(xsock_native h)
{
    close((int)h);
}

void xt_native_reset_on_close(xsock_native h)
{
    struct linger lg = {1, 0};
    setsockopt((int)h, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
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
