/* SPDX-License-Identifier: MIT */
/* Lookup, replacement and fault injection over the backend's syscall
   table.  Faults swap a table entry for its failing twin, so the trace
   shows an injected failure exactly as it would show a real one. */
#include <string.h>

#include "internal.h"
#include "syscalls.h"

static xsock__syscall *find(const char *name)
{
    for (size_t i = 0; i < xsock__syscall_count; i++)
        if (strcmp(xsock__syscalls[i].name, name) == 0) return &xsock__syscalls[i];
    return NULL;
}

int xsock__set_syscall(const char *name, xsock__syscall_ptr fn)
{
    xsock__syscall *e = name ? find(name) : NULL;
    if (!e) return XSOCK_EINVAL;
    xsock_os_lock(XSOCK_OS_LOCK_CONFIG);
    e->current = fn ? fn : e->deflt;
    e->count = 0;
    xsock_os_unlock(XSOCK_OS_LOCK_CONFIG);
    return XSOCK_OK;
}

xsock__syscall_ptr xsock__get_syscall(const char *name)
{
    xsock__syscall *e = name ? find(name) : NULL;
    return e ? e->current : NULL;
}

static int arm(const char *call, int err, int delay_ms, unsigned skip, unsigned count)
{
    int found = 0;
    if (!call || count == 0 || delay_ms < 0) return XSOCK_EINVAL;
    xsock_os_lock(XSOCK_OS_LOCK_CONFIG);
    for (size_t i = 0; i < xsock__syscall_count; i++) {
        xsock__syscall *e = &xsock__syscalls[i];
        if (strcmp(e->name, call) != 0 && strcmp(e->role, call) != 0) continue;
        e->skip = skip;
        e->count = count;
        e->fault_err = err;
        e->delay_ms = delay_ms;
        e->current = e->fault;
        found = 1;
    }
    xsock_os_unlock(XSOCK_OS_LOCK_CONFIG);
    return found ? XSOCK_OK : XSOCK_EINVAL;
}

int xsock__inject_fault(const char *call, int err, unsigned skip, unsigned count)
{
    return arm(call, err, 0, skip, count);
}

int xsock__inject_delay(const char *call, int delay_ms, unsigned skip, unsigned count)
{
    return delay_ms > 0 ? arm(call, XSOCK_OK, delay_ms, skip, count) : XSOCK_EINVAL;
}

void xsock__clear_faults(void)
{
    xsock_os_lock(XSOCK_OS_LOCK_CONFIG);
    for (size_t i = 0; i < xsock__syscall_count; i++) {
        xsock__syscall *e = &xsock__syscalls[i];
        if (e->current == e->fault) e->current = e->deflt;
        e->count = 0;
    }
    xsock_os_unlock(XSOCK_OS_LOCK_CONFIG);
}

int xsock__fault_due(xsock__syscall *e, int *native_error)
{
    int due = 0, delay = 0;
    xsock_os_lock(XSOCK_OS_LOCK_CONFIG);
    if (e->count > 0) {
        if (e->skip > 0) {
            e->skip--;
        } else {
            delay = e->delay_ms;
            due = delay == 0;
            if (due) *native_error = xsock_os_native_error(e->fault_err);
            if (--e->count == 0 && e->current == e->fault) e->current = e->deflt;
        }
    }
    xsock_os_unlock(XSOCK_OS_LOCK_CONFIG);
    if (delay) xsock__sleep_ms(delay);
    return due;
}
