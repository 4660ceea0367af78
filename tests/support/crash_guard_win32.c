/* Windows/Wine: Wine may report a crashed process as exit 0 (its debugger
   races the exit), so an unhandled exception terminates with 70 here. */
#include <windows.h>

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
