/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
/* The platform half of the test support (POSIX): threads, and nothing to
   do for crashes (a signal already fails the test under ctest). */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

int xt_run_child(const char *exe, const char *arg, const char *const *env, const char *stderr_path)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int fd = open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, 2) < 0) _exit(126);
        for (size_t i = 0; env && env[i]; i++) {
            char name[128];
            const char *eq = strchr(env[i], '=');
            if (!eq || (size_t)(eq - env[i]) >= sizeof name) _exit(125);
            memcpy(name, env[i], (size_t)(eq - env[i]));
            name[eq - env[i]] = '\0';
            setenv(name, eq + 1, 1);
        }
        execl(exe, exe, arg, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void xt_sibling_path(const char *argv0, const char *name, char *buf, size_t len)
{
    const char *slash = strrchr(argv0, '/');
    size_t dir = slash ? (size_t)(slash - argv0 + 1) : 0;
    snprintf(buf, len, "%.*s%s", (int)dir, argv0, name);
}
