/* SPDX-License-Identifier: MIT */
/* The syscall table shared by the core and the backends (SQLite's
   aSyscall): each backend defines xsock__syscalls[] with one entry per OS
   call it makes; the core's syscalls.c implements lookup, replacement and
   fault injection over it, identically for every OS. */
#ifndef XSOCK_SYSCALLS_H
#define XSOCK_SYSCALLS_H

#include <stddef.h>

#include "xsock_os.h"

typedef struct xsock_syscall {
    const char *name; /* the OS's name: "socket", "WSASocketW" */
    const char *role; /* the portable role: "socket", "wait", ... (see xsock_os.h) */
    xsock_os_syscall_ptr current;
    xsock_os_syscall_ptr deflt;
    xsock_os_syscall_ptr fault; /* same signature: fails when its fault is due */
    /* fault state, under XSOCK_LOCK_CONFIG */
    unsigned skip, count;
    int fault_err; /* XSOCK_E* code or XSOCK__EINTR */
    int delay_ms;  /* > 0: delay the call instead of failing it */
} xsock_syscall;

/* Defined by the backend. */
extern xsock_syscall xsock__syscalls[];
extern const size_t xsock__syscall_count;
/* The OS's code for an XSOCK_E* code or XSOCK__EINTR (backend). */
int xsock_os_native_error(int xsock_err);

/* For the backend's fault stubs: 1 and the native error when this call
   must fail, 0 to pass it through to entry->deflt. */
int xsock__fault_due(xsock_syscall *entry, int *native_error);

#define XSOCK_SYSCALL(idx, type) ((type)xsock__syscalls[idx].current)
#define XSOCK_SYSCALL_DEFAULT(idx, type) ((type)xsock__syscalls[idx].deflt)

#endif
