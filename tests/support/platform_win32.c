/* SPDX-License-Identifier: MIT */
/* The platform half of the test support (Windows): threads, and a crash
   filter, because Wine may report a crashed process as exit 0 (its
   debugger races the exit); an unhandled exception terminates with 70. */
#include <windows.h>

#include <process.h>
#include <stdlib.h>
#include <string.h>

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

/* CreateProcess with the child's stderr on an inheritable file handle: no
   cmd.exe and its quoting.  The extra variables are set in our own
   environment block for the child to inherit, then removed. */
int xt_run_child(const char *exe, const char *arg, const char *const *env, const char *stderr_path)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE err = CreateFileA(stderr_path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
                             CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (err == INVALID_HANDLE_VALUE) return -1;
    char names[16][128];
    size_t n = 0;
    for (; env && env[n] && n < 16; n++) {
        const char *eq = strchr(env[n], '=');
        snprintf(names[n], sizeof names[n], "%.*s", eq ? (int)(eq - env[n]) : 0, env[n]);
        SetEnvironmentVariableA(names[n], eq ? eq + 1 : NULL);
    }
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "\"%s\"%s%s", exe, arg ? " " : "", arg ? arg : "");
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = err;
    fflush(NULL);
    BOOL ok = CreateProcessA(exe, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi);
    for (size_t i = 0; i < n; i++) SetEnvironmentVariableA(names[i], NULL);
    CloseHandle(err);
    if (!ok) return -1;
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 0;
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return (int)code;
}

void xt_sibling_path(const char *argv0, const char *name, char *buf, size_t len)
{
    const char *slash = strrchr(argv0, '\\'), *fwd = strrchr(argv0, '/');
    if (fwd && (!slash || fwd > slash)) slash = fwd;
    size_t dir = slash ? (size_t)(slash - argv0 + 1) : 0;
    snprintf(buf, len, "%.*s%s.exe", (int)dir, argv0, name);
}
