/* SPDX-License-Identifier: MIT */
/* xsock_proxy_list: what a selector returns (proxy_list.c). */
#ifndef XSOCK__PROXY_LIST_H
#define XSOCK__PROXY_LIST_H

#include <stddef.h>

#include "../proxy/proxy_url.h"

struct xsock_proxy_list {
    size_t n, cap;
    xsock__proxy_url *items;
};

void xsock__proxy_list_init(struct xsock_proxy_list *list);
/* Wipes the passwords and frees. */
void xsock__proxy_list_free(struct xsock_proxy_list *list);

#endif
