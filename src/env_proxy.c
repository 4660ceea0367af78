/* SPDX-License-Identifier: MIT */
/* The environment proxy selector (curl's rules): socks_proxy, then
   all_proxy, lowercase before uppercase in each pair; no_proxy/NO_PROXY
   lists the targets that go direct.  Read at every select, so a change
   takes effect at the next dial; never read unless the application
   installs this selector. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "no_proxy.h"

static const char *env_pair(const char *lower, const char *upper)
{
    const char *v = getenv(lower);
    if (v && *v) return v;
    v = getenv(upper);
    return v && *v ? v : NULL;
}

/* Back from "socket://host:port" to host and port. */
static int parse_uri(const char *uri, char *host, size_t len, uint16_t *port)
{
    const char *prefix = "socket://";
    if (strncmp(uri, prefix, strlen(prefix)) != 0) return XSOCK_EINVAL;
    const char *h = uri + strlen(prefix);
    const char *colon = strrchr(h, ':');
    if (!colon || colon == h) return XSOCK_EINVAL;
    size_t n = (size_t)(colon - h);
    if (n >= len) return XSOCK_EINVAL;
    memcpy(host, h, n);
    host[n] = '\0';
    char *end;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (*end || p > 65535) return XSOCK_EINVAL;
    *port = (uint16_t)p;
    return XSOCK_OK;
}

static int env_select(void *user, const char *uri, xsock_proxy_list *out)
{
    char host[300], url[2100];
    uint16_t port;
    (void)user;
    if (parse_uri(uri, host, sizeof host, &port) != XSOCK_OK) return XSOCK_OK; /* direct */
    const char *no_proxy = env_pair("no_proxy", "NO_PROXY");
    if (no_proxy && xsock_no_proxy_match(no_proxy, host, port)) return XSOCK_OK;

    const char *var = "socks_proxy";
    const char *proxy = env_pair("socks_proxy", "SOCKS_PROXY");
    if (!proxy) {
        var = "all_proxy";
        proxy = env_pair("all_proxy", "ALL_PROXY");
    }
    if (!proxy) return XSOCK_OK;
    /* curl's default scheme: http, except that socks_proxy means SOCKS */
    if (!strstr(proxy, "://") && strcmp(proxy, "direct") != 0) {
        snprintf(url, sizeof url, "%s://%s", var[0] == 's' ? "socks5" : "http", proxy);
        proxy = url;
    }
    int rc = xsock_proxy_list_add(out, proxy);
    if (rc != XSOCK_OK) {
        char why[400];
        snprintf(why, sizeof why, "%s", xsock_last_error_detail());
        return xsock__fail_msg(rc, "%s: %s", var, why);
    }
    return XSOCK_OK;
}

static const xsock_proxy_selector g_env_selector = {NULL, env_select, NULL};

const xsock_proxy_selector *xsock_env_proxy_selector(void)
{
    return &g_env_selector;
}
