/* SPDX-License-Identifier: MIT */
/* The environment proxy selector (curl's rules): socks_proxy, then
   all_proxy, lowercase before uppercase in each pair; no_proxy/NO_PROXY
   lists the targets that go direct.  Read at every select, so a change
   takes effect at the next dial; never read unless the application
   installs this selector. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dial.h"
#include "../proxy/no_proxy.h"

static const char *env_pair(const char *lower, const char *upper)
{
    const char *v = getenv(lower);
    if (v && *v) return v;
    v = getenv(upper);
    return v && *v ? v : NULL;
}

/* Back from "socket://host:port" to host and port; the host is
   allocated (no length limit of our own: a long name must never change
   the route).  XSOCK_EINVAL when the uri is not ours. */
static int parse_uri(const char *uri, char **host, uint16_t *port)
{
    const char *prefix = "socket://";
    if (strncmp(uri, prefix, strlen(prefix)) != 0) return XSOCK_EINVAL;
    const char *h = uri + strlen(prefix);
    const char *colon = strrchr(h, ':');
    if (!colon || colon == h) return XSOCK_EINVAL;
    char *end;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (*end || p > 65535) return XSOCK_EINVAL;
    size_t n = (size_t)(colon - h);
    if (!(*host = malloc(n + 1))) return xsock__fail_msg(XSOCK_ENOMEM, "environment proxy selector");
    memcpy(*host, h, n);
    (*host)[n] = '\0';
    *port = (uint16_t)p;
    return XSOCK_OK;
}

/* curl's default scheme: http, except that socks_proxy means SOCKS. */
static int add_proxy(xsock_proxy_list *out, const char *var, const char *proxy)
{
    if (strstr(proxy, "://") || strcmp(proxy, "direct") == 0) return xsock_proxy_list_add(out, proxy);
    const char *scheme = var[0] == 's' ? "socks5://" : "http://";
    char *url = malloc(strlen(scheme) + strlen(proxy) + 1);
    if (!url) return xsock__fail_msg(XSOCK_ENOMEM, "%s", var);
    strcpy(url, scheme);
    strcat(url, proxy);
    int rc = xsock_proxy_list_add(out, url);
    free(url);
    return rc;
}

static int env_select(void *user, const char *uri, xsock_proxy_list *out)
{
    uint16_t port = 0;
    char *host = NULL;
    (void)user;
    int rc = parse_uri(uri, &host, &port);
    if (rc == XSOCK_EINVAL) return XSOCK_OK; /* not a socket uri: direct */
    if (rc != XSOCK_OK) return rc;
    const char *no_proxy = env_pair("no_proxy", "NO_PROXY");
    int direct = no_proxy && xsock__no_proxy_match(no_proxy, host, port);
    free(host);
    if (direct) return XSOCK_OK;

    const char *var = "socks_proxy";
    const char *proxy = env_pair("socks_proxy", "SOCKS_PROXY");
    if (!proxy) {
        var = "all_proxy";
        proxy = env_pair("all_proxy", "ALL_PROXY");
    }
    if (!proxy) return XSOCK_OK;
    rc = add_proxy(out, var, proxy);
    if (rc != XSOCK_OK) xsock__detail_prefix("%s", var);
    return rc;
}

static const xsock_proxy_selector g_env_selector = {NULL, env_select, NULL};

const xsock_proxy_selector *xsock_env_proxy_selector(void)
{
    return &g_env_selector;
}
