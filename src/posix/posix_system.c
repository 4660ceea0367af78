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

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#endif
#if defined(__linux__) && defined(SYS_futex)
#define PX_FUTEX_LOCKS 1
/* Every open and every close takes the registry lock once: on Linux a
   futex lock (Drepper, "Futexes Are Tricky", mutex 3), whose uncontended
   lock and unlock are one atomic instruction each with no call into libc.
   0 free, 1 locked, 2 locked with waiters. */
static atomic_int g_locks[XSOCK_OS_LOCK_COUNT_];
#else
#define PX_FUTEX_LOCKS 0
static pthread_mutex_t g_locks[XSOCK_OS_LOCK_COUNT_] = {
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};
#endif

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

#if PX_FUTEX_LOCKS
/* Contended only; errno stays as it was, as with a pthread mutex. */
static XSOCK__COLD void futex_wait(atomic_int *word, int value)
{
    int e = errno;
    syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, value, NULL, NULL, 0);
    errno = e;
}

static XSOCK__COLD void futex_wake_one(atomic_int *word)
{
    int e = errno;
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    errno = e;
}

/* Taken by another thread (`c`: what the lock word held): wait for it,
   marking the lock as having waiters. */
static XSOCK__COLD void lock_contended(atomic_int *l, int c)
{
    if (c != 2) c = atomic_exchange_explicit(l, 2, memory_order_acquire);
    while (c != 0) {
        futex_wait(l, 2);
        c = atomic_exchange_explicit(l, 2, memory_order_acquire);
    }
}

void xsock_os_lock(int which)
{
    atomic_int *l = &g_locks[which];
    int c = 0;
    if (XSOCK__UNLIKELY(!atomic_compare_exchange_strong_explicit(l, &c, 1, memory_order_acquire,
                                                                 memory_order_relaxed)))
        lock_contended(l, c);
}

void xsock_os_unlock(int which)
{
    atomic_int *l = &g_locks[which];
    if (XSOCK__UNLIKELY(atomic_exchange_explicit(l, 0, memory_order_release) == 2)) futex_wake_one(l);
}
#else
void xsock_os_lock(int which)
{
    pthread_mutex_lock(&g_locks[which]);
}

void xsock_os_unlock(int which)
{
    pthread_mutex_unlock(&g_locks[which]);
}
#endif

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
