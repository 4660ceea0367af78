/* SPDX-License-Identifier: MIT */
/* The platform half of the test support (Windows): threads, and a crash
   filter, because Wine may report a crashed process as exit 0 (its
   debugger races the exit); an unhandled exception terminates with 70. */
#include <windows.h>

#include <process.h>
#include <stdlib.h>

#include "xtest.h"

static LONG WINAPI on_crash(EXCEPTION_POINTERS *info)
{
    fprintf(stderr, "xtest: unhandled exception 0x%08lx\n",
            (unsigned long)info->ExceptionRecord->ExceptionCode);
    fflush(stderr);
    TerminateProcess(GetCurrentProcess(), 70);
    return EXCEPTION_EXECUTE_HANDLER;
}

void xt_crash_guard(void)
{
    SetUnhandledExceptionFilter(on_crash);
    /* no error dialogs or Windows Error Reporting in a test run */
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
}

struct xt_thread {
    HANDLE h;
    void *(*fn)(void *);
    void *arg, *ret;
};

static unsigned __stdcall trampoline(void *p)
{
    xt_thread *th = p;
    th->ret = th->fn(th->arg);
    return 0;
}

xt_thread *xt_thread_start(void *(*fn)(void *), void *arg)
{
    xt_thread *th = calloc(1, sizeof *th);
    assert_non_null(th);
    th->fn = fn;
    th->arg = arg;
    th->h = (HANDLE)_beginthreadex(NULL, 0, trampoline, th, 0, NULL);
    assert_non_null(th->h);
    return th;
}

void *xt_thread_join(xt_thread *th)
{
    WaitForSingleObject(th->h, INFINITE);
    CloseHandle(th->h);
    void *ret = th->ret;
    free(th);
    return ret;
}

void xt_sleep_ms(int ms)
{
    Sleep((DWORD)ms);
}

void xt_setenv(const char *name, const char *value)
{
    /* the CRT's copy, which getenv reads; "NAME=" removes it (and _putenv copies) */
    char buf[1024];
    snprintf(buf, sizeof buf, "%s=%s", name, value ? value : "");
    _putenv(buf);
}
