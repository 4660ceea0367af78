/* SPDX-License-Identifier: MIT */
/* Detached threads and one-shot events (POSIX threads, monotonic clock). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "../os_hooks.h"
#include "../xsock_os.h"

struct xsock_os_event {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int set;
};

xsock_os_event *xsock_os_event_new(void)
{
    xsock_os_event *e = calloc(1, sizeof *e);
    pthread_condattr_t attr;
    if (!e) return NULL;
    pthread_condattr_init(&attr);
#if !defined(__APPLE__)
    /* deadlines are on the monotonic clock; a wall-clock jump must not move them */
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
#endif
    if (pthread_mutex_init(&e->mu, NULL) != 0 || pthread_cond_init(&e->cv, &attr) != 0) {
        pthread_condattr_destroy(&attr);
        free(e);
        return NULL;
    }
    pthread_condattr_destroy(&attr);
    return e;
}

void xsock_os_event_free(xsock_os_event *e)
{
    if (!e) return;
    pthread_cond_destroy(&e->cv);
    pthread_mutex_destroy(&e->mu);
    free(e);
}

void xsock_os_event_set(xsock_os_event *e)
{
    pthread_mutex_lock(&e->mu);
    e->set = 1;
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
}

int xsock_os_event_wait(xsock_os_event *e, int timeout_ms)
{
    struct timespec until;
    if (timeout_ms >= 0) {
#if defined(__APPLE__)
        clock_gettime(CLOCK_REALTIME, &until);
#else
        clock_gettime(CLOCK_MONOTONIC, &until);
#endif
        until.tv_sec += timeout_ms / 1000;
        until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
    }
    pthread_mutex_lock(&e->mu);
    int rc = 0;
    while (!e->set && rc != ETIMEDOUT)
        rc = timeout_ms < 0 ? pthread_cond_wait(&e->cv, &e->mu)
                            : pthread_cond_timedwait(&e->cv, &e->mu, &until);
    int set = e->set;
    pthread_mutex_unlock(&e->mu);
    return set;
}

struct start {
    void (*fn)(void *);
    void *arg;
};

static void *trampoline(void *p)
{
    struct start st = *(struct start *)p;
    free(p);
    st.fn(st.arg);
    return NULL;
}

int xsock_os_thread_start(void (*fn)(void *), void *arg)
{
    pthread_t t;
    pthread_attr_t attr;
    struct start *st = malloc(sizeof *st);
    if (!st) return XSOCK_ENOMEM;
    st->fn = fn;
    st->arg = arg;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&t, &attr, trampoline, st);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        free(st);
        xsock__set_os_error(rc);
        return rc == EAGAIN ? XSOCK_ENOMEM : XSOCK_EOS;
    }
    return XSOCK_OK;
}
