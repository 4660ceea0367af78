/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
/* The platform half of the test support (POSIX): threads, and nothing to
   do for crashes (a signal already fails the test under ctest). */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "xtest.h"

void xt_crash_guard(void)
{
}

struct xt_thread {
    pthread_t t;
};

xt_thread *xt_thread_start(void *(*fn)(void *), void *arg)
{
    xt_thread *th = malloc(sizeof *th);
    assert_non_null(th);
    assert_int_equal(pthread_create(&th->t, NULL, fn, arg), 0);
    return th;
}

void *xt_thread_join(xt_thread *th)
{
    void *ret = NULL;
    assert_int_equal(pthread_join(th->t, &ret), 0);
    free(th);
    return ret;
}

void xt_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

void xt_setenv(const char *name, const char *value)
{
    if (value)
        setenv(name, value, 1);
    else
        unsetenv(name);
}
