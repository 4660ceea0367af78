/* SPDX-License-Identifier: MIT */
/* xsock__addr <-> struct sockaddr. */
#ifndef XSOCK_POSIX_SOCKADDR_H
#define XSOCK_POSIX_SOCKADDR_H

#include <sys/socket.h>

#include "../addr.h"

socklen_t xsock__px_to_sockaddr(const xsock__addr *a, struct sockaddr_storage *ss);
int xsock__px_from_sockaddr(const struct sockaddr *sa, xsock__addr *a); /* XSOCK_OK or XSOCK_EAFNOSUPPORT */
int xsock__px_family(int xsock_family);

#endif
