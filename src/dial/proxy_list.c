/* SPDX-License-Identifier: MIT */
/* The list a proxy selector fills: parsed, validated proxy URLs in order. */
#include <stdlib.h>
#include <string.h>

#include "proxy_list.h"

#include "dial.h"

void xsock__proxy_list_init(xsock_proxy_list *list)
{
    memset(list, 0, sizeof *list);
}

void xsock__proxy_list_free(xsock_proxy_list *list)
{
    for (size_t i = 0; i < list->n; i++) xsock__proxy_url_wipe(&list->items[i]);
    free(list->items);
    memset(list, 0, sizeof *list);
}

int xsock_proxy_list_add(xsock_proxy_list *list, const char *url)
{
    xsock__proxy_url parsed;
    if (!list) return xsock__fail_msg(XSOCK_EINVAL, "proxy_list_add: NULL list");
    if (xsock__proxy_url_parse(url, &parsed) != XSOCK_OK)
        return xsock__fail_msg(XSOCK_EINVAL, "proxy URL: %s", parsed.error ? parsed.error : "invalid");
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 4;
        xsock__proxy_url *items = realloc(list->items, cap * sizeof *items);
        if (!items) {
            xsock__proxy_url_wipe(&parsed);
            return xsock__fail_msg(XSOCK_ENOMEM, "proxy_list_add");
        }
        list->items = items;
        list->cap = cap;
    }
    list->items[list->n++] = parsed;
    xsock__proxy_url_wipe(&parsed);
    return XSOCK_OK;
}
