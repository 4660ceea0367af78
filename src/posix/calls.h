/* The POSIX backend's OS calls, each through the syscall table. */
#ifndef XSOCK_POSIX_CALLS_H
#define XSOCK_POSIX_CALLS_H

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

int px_socket(int domain, int type, int protocol);
int px_connect(int fd, const struct sockaddr *sa, socklen_t len);
int px_poll(struct pollfd *fds, nfds_t n, int timeout_ms);
int px_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int px_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int px_bind(int fd, const struct sockaddr *sa, socklen_t len);
int px_listen(int fd, int backlog);
int px_accept(int fd, struct sockaddr *sa, socklen_t *len);
ssize_t px_send(int fd, const void *buf, size_t len, int flags);
ssize_t px_recv(int fd, void *buf, size_t len, int flags);
int px_shutdown(int fd, int how);
int px_close(int fd);
int px_getsockname(int fd, struct sockaddr *sa, socklen_t *len);
int px_getpeername(int fd, struct sockaddr *sa, socklen_t *len);
int px_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                   struct addrinfo **res);
void px_freeaddrinfo(struct addrinfo *res);
int px_fcntl(int fd, int cmd, int arg);

/* Record a failed call's errno for xsock_last_os_error and map it. */
int px_fail(void);

#endif
