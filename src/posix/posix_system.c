/* SPDX-License-Identifier: MIT */
/* Process-wide services of the POSIX backend: clock, locks, the OS's own
   socket count, code addresses. */

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../os_hooks.h"
#include "../xsock_os.h"

static pthread_mutex_t g_locks[XSOCK_OS_LOCK_COUNT_] = {
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};

int xsock_os_init(void)
{
    return XSOCK_OK;
}

void xsock_os_cleanup(void)
{
}

const char *xsock_os_backend_name(void)
{
    return "posix";
}

uint64_t xsock_os_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void xsock_os_lock(int which)
{
    pthread_mutex_lock(&g_locks[which]);
}

void xsock_os_unlock(int which)
{
    pthread_mutex_unlock(&g_locks[which]);
}

/* Linux: the descriptors in /proc/self/fd that are sockets. */
long xsock_os_handle_count(void)
{
    DIR *dir = opendir("/proc/self/fd");
    if (!dir) return -1;
    long count = 0;
    int self = dirfd(dir);
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        struct stat st;
        if (de->d_name[0] == '.') continue;
        int fd = atoi(de->d_name);
        if (fd == self) continue;
        if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode)) count++;
    }
    closedir(dir);
    return count;
}

void xsock_os_describe_code(const void *pc, char *buf, size_t len)
{
    Dl_info info;
    /* the call site is just before the return address */
    if (dladdr(pc, &info) && info.dli_fname && info.dli_fbase) {
        const char *name = strrchr(info.dli_fname, '/');
        snprintf(buf, len, "%s+0x%lx", name ? name + 1 : info.dli_fname,
                 (unsigned long)((const char *)pc - (const char *)info.dli_fbase - 1));
        return;
    }
    snprintf(buf, len, "%p", pc);
}
