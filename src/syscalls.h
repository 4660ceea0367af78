/* SPDX-License-Identifier: MIT */
/* The syscall table shared by the core and the backends (SQLite's
   aSyscall): each backend defines xsock__syscalls[] with one entry per OS
   call it makes; the core's syscalls.c implements lookup, replacement and
   fault injection over it, identically for every OS. */
#ifndef XSOCK_SYSCALLS_H
#define XSOCK_SYSCALLS_H

#include <stddef.h>

#include "xsock_os.h"

/* ---- Provided by the core (syscalls.c), for tests ---------------------------- */

/* Make OS calls fail on purpose.  `call` names a table entry ("connect",
   "WSASocketW") or a role shared by both backends: "socket", "connect",
   "wait", "connect_result", "accept", "send", "recv", "close", "resolve".
   After `skip` matching calls pass through, the next `count` ones fail with
   `err` (an XSOCK_E* code or XSOCK__EINTR, turned into the OS's own code)
   without reaching the OS.  A "connect_result" fault makes SO_ERROR report
   `err`.  Returns XSOCK_EINVAL for an unknown call. */
int xsock__inject_fault(const char *call, int err, unsigned skip, unsigned count);
/* Make the next `count` matching calls (after `skip`) wait `delay_ms`
   before doing the real call: a resolver or peer that stalls. */
int xsock__inject_delay(const char *call, int delay_ms, unsigned skip, unsigned count);
void xsock__clear_faults(void);

/* Replace one table entry by name (SQLite's xSetSystemCall); NULL restores
   the default.  For backend-specific tests. */
typedef void (*xsock__syscall_ptr)(void);
int xsock__set_syscall(const char *name, xsock__syscall_ptr fn);
xsock__syscall_ptr xsock__get_syscall(const char *name);

/* ---- Defined by each backend ---------------------------------------------- */

typedef struct xsock__syscall {
    const char *name; /* the OS's name: "socket", "WSASocketW" */
    const char *role; /* the portable role: "socket", "wait", ... (see xsock_os.h) */
    xsock__syscall_ptr current;
    xsock__syscall_ptr deflt;
    xsock__syscall_ptr fault; /* same signature: fails when its fault is due */
    /* fault state, under XSOCK_OS_LOCK_CONFIG */
    unsigned skip, count;
    int fault_err; /* XSOCK_E* code or XSOCK__EINTR */
    int delay_ms;  /* > 0: delay the call instead of failing it */
} xsock__syscall;

/* Defined by the backend. */
extern xsock__syscall xsock__syscalls[];
extern const size_t xsock__syscall_count;
/* The OS's code for an XSOCK_E* code or XSOCK__EINTR (backend). */
int xsock_os_native_error(int xsock_err);

/* For the backend's fault stubs: 1 and the native error when this call
   must fail, 0 to pass it through to entry->deflt. */
int xsock__fault_due(xsock__syscall *entry, int *native_error);

#define XSOCK__SYSCALL(idx, type) ((type)xsock__syscalls[idx].current)
#define XSOCK__SYSCALL_DEFAULT(idx, type) ((type)xsock__syscalls[idx].deflt)

#endif
