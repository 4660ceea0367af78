/* Route selection for a dial.  Proxies (issue 5) are not built yet: only
   "direct" is accepted, anything else is refused with a clear detail. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const xsock_proxy_selector *g_default_selector;

int xsock_dialer_set_proxy(xsock_dialer *d, const char *url)
{
    if (!d) return xsock__fail_msg(XSOCK_EINVAL, "dialer_set_proxy: NULL dialer");
    if (url && strcmp(url, "direct") != 0)
        return xsock__fail_msg(XSOCK_EINVAL, "dialer_set_proxy: proxy support is not built yet");
    free(d->proxy_url);
    d->proxy_url = NULL;
    if (url && !(d->proxy_url = xsock__strdup(url)))
        return xsock__fail_msg(XSOCK_ENOMEM, "dialer_set_proxy");
    return XSOCK_OK;
}

int xsock_dialer_set_proxy_selector(xsock_dialer *d, const xsock_proxy_selector *sel)
{
    if (!d) return xsock__fail_msg(XSOCK_EINVAL, "dialer_set_proxy_selector: NULL dialer");
    d->selector = sel;
    return XSOCK_OK;
}

void xsock_set_default_proxy_selector(const xsock_proxy_selector *sel)
{
    xsock_os_lock(XSOCK_LOCK_CONFIG);
    g_default_selector = sel;
    xsock_os_unlock(XSOCK_LOCK_CONFIG);
}

const xsock_proxy_selector *xsock_env_proxy_selector(void)
{
    return NULL;
}

int xsock_proxy_list_add(xsock_proxy_list *list, const char *url)
{
    (void)list;
    (void)url;
    return xsock__fail_msg(XSOCK_EINVAL, "proxy_list_add: proxy support is not built yet");
}

int xsock__dial_route(const xsock_dial_ctx *ctx, const char *host, uint16_t port, xsock **out)
{
    const xsock_dialer *d = ctx->opts;
    int forced_direct = d->proxy_url && strcmp(d->proxy_url, "direct") == 0;
    xsock_os_lock(XSOCK_LOCK_CONFIG);
    const xsock_proxy_selector *sel = d->selector ? d->selector : g_default_selector;
    xsock_os_unlock(XSOCK_LOCK_CONFIG);
    if (!forced_direct && sel)
        return xsock__fail_msg(XSOCK_EINVAL, "connect: proxy selectors are not built yet");
    return xsock__dial_direct(ctx, host, port, out);
}
