/* SPDX-License-Identifier: MIT */
/* The Winsock backend's OS calls, each through the syscall table. */
#ifndef XSOCK_WIN32_CALLS_H
#define XSOCK_WIN32_CALLS_H

/* winsock2.h before windows.h; both before anything that includes them */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "../addr.h"

SOCKET xsock__w32_WSASocketW(int af, int type, int protocol, DWORD flags);
int xsock__w32_connect(SOCKET s, const struct sockaddr *sa, int len);
int xsock__w32_select(fd_set *rd, fd_set *wr, fd_set *ex, const struct timeval *tv, SOCKET only);
int xsock__w32_WSAPoll(WSAPOLLFD *fds, ULONG n, INT timeout_ms);
int xsock__w32_getsockopt(SOCKET s, int level, int name, char *val, int *len);
int xsock__w32_setsockopt(SOCKET s, int level, int name, const char *val, int len);
int xsock__w32_ioctlsocket(SOCKET s, long cmd, u_long *arg);
int xsock__w32_WSAIoctl(SOCKET s, DWORD code, void *in, DWORD in_len, void *out, DWORD out_len,
                 DWORD *returned);
int xsock__w32_bind(SOCKET s, const struct sockaddr *sa, int len);
int xsock__w32_listen(SOCKET s, int backlog);
SOCKET xsock__w32_accept(SOCKET s, struct sockaddr *sa, int *len);
int xsock__w32_send(SOCKET s, const char *buf, int len, int flags);
int xsock__w32_recv(SOCKET s, char *buf, int len, int flags);
int xsock__w32_shutdown(SOCKET s, int how);
int xsock__w32_closesocket(SOCKET s);
int xsock__w32_getsockname(SOCKET s, struct sockaddr *sa, int *len);
int xsock__w32_getpeername(SOCKET s, struct sockaddr *sa, int *len);
int xsock__w32_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                    struct addrinfo **res); /* returns the error, like getaddrinfo */
void xsock__w32_freeaddrinfo(struct addrinfo *res);
/* Handle flags: fails with GetLastError(), which the wrapper moves into
   WSAGetLastError() so that xsock__w32_fail() reads every failure alike. */
BOOL xsock__w32_SetHandleInformation(SOCKET s, DWORD mask, DWORD flags);

/* Record the failed call's WSAGetLastError() for xsock_last_os_error and
   map it to an XSOCK_E* code. */
int xsock__w32_fail(void);
/* Same for an error code in hand. */
int xsock__w32_fail_code(int wsa_error);

/* Close without disturbing the error of the call that failed before. */
void xsock__w32_close_quietly(SOCKET s);

#endif
