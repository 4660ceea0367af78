/* SPDX-License-Identifier: MIT */
/* xsock_init / xsock_cleanup: a reference count over the OS layer
   (WSAStartup on Windows), and the leak report at the last cleanup. */
#include <stdio.h>

#include "internal.h"

static int g_refs;     /* under XSOCK_OS_LOCK_INIT */
static int g_implicit; /* the OS layer was brought up by a constructor */
/* The OS layer is up (g_refs > 0 or g_implicit): written under the lock,
   read without it, so that every constructor's xsock__ensure_init costs
   one load rather than a lock round trip. */
static atomic_int g_os_up;

static int os_up(void)
{
    int rc = xsock_os_init();
    if (rc != XSOCK_OK) return xsock__fail(rc, xsock__os_error(), "OS socket layer start-up");
    return XSOCK_OK;
}

int xsock_init(void)
{
    int rc = XSOCK_OK;
    xsock__env_once();
    xsock_os_lock(XSOCK_OS_LOCK_INIT);
    if (g_refs == 0 && !g_implicit) rc = os_up();
    if (rc == XSOCK_OK) {
        g_refs++;
        atomic_store_explicit(&g_os_up, 1, memory_order_release);
    }
    xsock_os_unlock(XSOCK_OS_LOCK_INIT);
    return rc;
}

int xsock__ensure_init(void)
{
    int rc = XSOCK_OK;
    xsock__env_once();
    if (XSOCK__LIKELY(atomic_load_explicit(&g_os_up, memory_order_acquire))) return XSOCK_OK;
    xsock_os_lock(XSOCK_OS_LOCK_INIT);
    if (g_refs == 0 && !g_implicit) {
        rc = os_up();
        if (rc == XSOCK_OK) {
            g_implicit = 1;
            atomic_store_explicit(&g_os_up, 1, memory_order_release);
        }
    }
    xsock_os_unlock(XSOCK_OS_LOCK_INIT);
    return rc;
}

int xsock_cleanup(void)
{
    size_t leaks = xsock_foreach_live(NULL, NULL);
    if (leaks) {
        fprintf(stderr, "xsock: %zu socket%s still open at cleanup:\n", leaks,
                leaks == 1 ? "" : "s");
        xsock_report_live(stderr);
    }
    xsock_os_lock(XSOCK_OS_LOCK_INIT);
    int last = g_refs <= 1;
    if (g_refs > 0 && --g_refs == 0) {
        /* the OS layer stays up while sockets live: tearing it down would
           destroy them under the application's feet (WSACleanup does) */
        if (leaks) {
            g_implicit = 1;
        } else {
            g_implicit = 0;
            atomic_store_explicit(&g_os_up, 0, memory_order_release);
            xsock_os_cleanup();
        }
    }
    xsock_os_unlock(XSOCK_OS_LOCK_INIT);
    /* after the last cleanup no callback of the application runs, and
       the library holds no memory of closed sockets */
    if (last) {
        xsock__silence_background();
        xsock__drop_spare_records();
    }
    return leaks > (size_t)INT32_MAX ? INT32_MAX : (int)leaks;
}

const char *xsock_version(void)
{
    return XSOCK_VERSION_STRING;
}
