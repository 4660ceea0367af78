/* SPDX-License-Identifier: MIT */
/* xsock__addr <-> SOCKADDR (Winsock). */
#ifndef XSOCK_WIN32_SOCKADDR_H
#define XSOCK_WIN32_SOCKADDR_H

#include <winsock2.h>
#include <ws2tcpip.h>

#include "../addr.h"

int xsock__w32_to_sockaddr(const xsock__addr *a, struct sockaddr_storage *ss); /* the length */
int xsock__w32_from_sockaddr(const struct sockaddr *sa, xsock__addr *a); /* XSOCK_OK or XSOCK_EAFNOSUPPORT */
int xsock__w32_family(int xsock_family);

#endif
