/* SPDX-License-Identifier: MIT */
/* Error names and texts from the one X-macro table, and the per-thread
   record of the last failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define DETAIL_MAX 512

static _Thread_local int tl_os_error;
static _Thread_local char tl_detail[DETAIL_MAX];

const char *xsock_strerror(int err)
{
    switch (err) {
    case XSOCK_OK:
        return "success";
#define XSOCK_TEXT_CASE_(name, value, text) \
    case name:                              \
        return text;
        XSOCK_ERRNO_MAP(XSOCK_TEXT_CASE_)
#undef XSOCK_TEXT_CASE_
    default:
        return "unknown error";
    }
}

const char *xsock_errname(int err)
{
    switch (err) {
    case XSOCK_OK:
        return "XSOCK_OK";
#define XSOCK_NAME_CASE_(name, value, text) \
    case name:                              \
        return #name;
        XSOCK_ERRNO_MAP(XSOCK_NAME_CASE_)
#undef XSOCK_NAME_CASE_
    default:
        return "XSOCK_E?";
    }
}

int xsock_last_os_error(void)
{
    return tl_os_error;
}

const char *xsock_last_error_detail(void)
{
    return tl_detail;
}

void xsock__set_os_error(int os_error)
{
    tl_os_error = os_error;
}

int xsock__os_error(void)
{
    return tl_os_error;
}

XSOCK_PRINTF(3, 0)
static void vrecord(int code, int os_error, const char *fmt, va_list ap)
{
    int n = vsnprintf(tl_detail, sizeof tl_detail, fmt, ap);
    if (n < 0) n = 0;
    if ((size_t)n >= sizeof tl_detail) n = (int)sizeof tl_detail - 1;
    size_t left = sizeof tl_detail - (size_t)n;
    if (os_error)
        snprintf(tl_detail + n, left, ": %s (os %d)", xsock_strerror(code), os_error);
    else
        snprintf(tl_detail + n, left, ": %s", xsock_strerror(code));
}

int xsock__fail(int code, int os_error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tl_os_error = os_error;
    vrecord(code, os_error, fmt, ap);
    va_end(ap);
    return code;
}

int xsock__fail_msg(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tl_os_error = 0;
    vrecord(code, 0, fmt, ap);
    va_end(ap);
    return code;
}

int xsock__fail_text(int code, int os_error, const char *text)
{
    tl_os_error = os_error;
    snprintf(tl_detail, sizeof tl_detail, "%s", text);
    return code;
}

void xsock__detail_append(const char *fmt, ...)
{
    size_t used = strlen(tl_detail);
    if (used + 1 >= sizeof tl_detail) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tl_detail + used, sizeof tl_detail - used, fmt, ap);
    va_end(ap);
}

char *xsock__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}
