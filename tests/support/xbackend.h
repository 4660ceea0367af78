/* SPDX-License-Identifier: MIT */
/* Test support that looks below the API at the backend: handle
   inheritance and the waits the backend makes (backend_*.c).  Portable:
   no OS headers. */
#ifndef XBACKEND_H
#define XBACKEND_H

#include "xtest.h"

/* 1 if a child process would inherit the handle (FD_CLOEXEC clear on
   POSIX, HANDLE_FLAG_INHERIT set on Windows), 0 if not, -1 if unknown. */
int xt_native_inheritable(xsock_native h);

/* The waits of the Winsock backend, watched through its syscall table:
   WSAPoll calls and the `events` bits outside POLLRDNORM|POLLWRNORM they
   carried (Windows fails such a call with WSAEINVAL; Wine accepts it, so
   only this check catches one), and select calls and how many of them had
   an except set (where Windows reports a failed connect). */
typedef struct xt_waits {
    int polls;
    unsigned bad_poll_events;
    int selects, selects_with_except;
} xt_waits;
/* Start watching: 1 on Windows, 0 where the backend has no such calls. */
int xt_waits_watch(void);
/* Stop watching (restores the table) and return what was seen. */
xt_waits xt_waits_stop(void);

/* Sockets the library must refuse to adopt, made with the OS's own calls:
   a UDP socket, and a Unix-domain stream socket (XSOCK_INVALID_NATIVE
   where the OS has none: Wine).  Closed with xt_native_close. */
xsock_native xt_native_udp_socket(void);
xsock_native xt_native_unix_stream_socket(void);
void xt_native_close(xsock_native h);
/* SO_LINGER {1, 0}: closing the handle resets the connection. */
void xt_native_reset_on_close(xsock_native h);

/* 1 if the handle is in nonblocking mode, 0 if blocking, -1 if unknown.
   Windows cannot query the mode: the helper sets SO_RCVTIMEO to 100 ms
   (then back to 0) and sees whether a recv on a socket with nothing to
   read fails at once (WSAEWOULDBLOCK) or after the timeout. */
int xt_native_nonblocking(xsock_native h);
/* Put a raw handle in nonblocking (1) or blocking (0) mode, as an event
   loop that lends it would have. */
void xt_native_set_nonblocking(xsock_native h, int on);

/* Raw OS failures below the API, for errors the OS will not produce on
   loopback (Winsock only: 0 on POSIX, where the test skips).  The table
   entry `call` ("connect", "send", "recv") fails with the raw OS code
   `os_error` `times` times (-1: until xt_os_fail_stop()), then makes the
   real call. */
int xt_os_fail(const char *call, int os_error, int times);
void xt_os_fail_stop(void);

/* The next WSASocketW / accept (Winsock only) returns `fake` as its
   SOCKET without reaching the OS (the library then fails on it and
   closes it).  A handle above LONG_MAX for the trace checks: 0 where a
   SOCKET cannot exceed it (POSIX). */
xsock_native xt_big_handle(void);
int xt_fake_socket(const char *call, xsock_native fake);
void xt_fake_socket_stop(void);

#endif
