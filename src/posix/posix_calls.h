/* SPDX-License-Identifier: MIT */
/* The POSIX backend's OS calls, each through the syscall table. */
#ifndef XSOCK_POSIX_CALLS_H
#define XSOCK_POSIX_CALLS_H

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

int xsock__px_socket(int domain, int type, int protocol);
int xsock__px_connect(int fd, const struct sockaddr *sa, socklen_t len);
int xsock__px_poll(struct pollfd *fds, nfds_t n, int timeout_ms);
int xsock__px_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int xsock__px_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int xsock__px_bind(int fd, const struct sockaddr *sa, socklen_t len);
int xsock__px_listen(int fd, int backlog);
int xsock__px_accept(int fd, struct sockaddr *sa, socklen_t *len);
ssize_t xsock__px_send(int fd, const void *buf, size_t len, int flags);
ssize_t xsock__px_recv(int fd, void *buf, size_t len, int flags);
int xsock__px_shutdown(int fd, int how);
int xsock__px_close(int fd);
int xsock__px_getsockname(int fd, struct sockaddr *sa, socklen_t *len);
int xsock__px_getpeername(int fd, struct sockaddr *sa, socklen_t *len);
int xsock__px_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                   struct addrinfo **res);
void xsock__px_freeaddrinfo(struct addrinfo *res);
int xsock__px_fcntl(int fd, int cmd, int arg);
int xsock__px_ioctl_int(int fd, unsigned long req, int *arg); /* "ioctl", an int-sized answer */

/* Record a failed call's errno for xsock_last_os_error and map it. */
int xsock__px_fail(void);

#endif
