/* SPDX-License-Identifier: MIT */
/* Error names and texts from the one X-macro table, and the per-thread
   record of the last failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define DETAIL_MAX XSOCK__DETAIL_MAX

static _Thread_local int tl_os_error XSOCK__TLS_HOT;
static _Thread_local char tl_detail[DETAIL_MAX];
static _Thread_local unsigned tl_generation; /* grows with every failure recorded */

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

/* The one gate every failure passes on its way out: the backend's
   internal results never reach an application. */
static int public_code(int code)
{
    if (code == XSOCK__EINPROGRESS) return XSOCK_EAGAIN;
    if (code == XSOCK__EINTR || code < XSOCK_EOS) return XSOCK_EOS;
    return code;
}

unsigned xsock__detail_generation(void)
{
    return tl_generation;
}

/* A detail that had to be cut says so (DESIGN.md): `n` is the length the
   whole text would have had. */
static void mark_if_cut(size_t n)
{
    if (n >= sizeof tl_detail) memcpy(tl_detail + sizeof tl_detail - 4, "...", 4);
}

XSOCK__PRINTF(3, 0)
static void vrecord(int code, int os_error, const char *fmt, va_list ap)
{
    tl_generation++;
    int n = vsnprintf(tl_detail, sizeof tl_detail, fmt, ap);
    if (n < 0) n = 0;
    if ((size_t)n < sizeof tl_detail) {
        size_t left = sizeof tl_detail - (size_t)n;
        if (os_error)
            n += snprintf(tl_detail + n, left, ": %s (os %d)", xsock_strerror(code), os_error);
        else
            n += snprintf(tl_detail + n, left, ": %s", xsock_strerror(code));
    }
    mark_if_cut((size_t)n);
}

int xsock__fail(int code, int os_error, const char *fmt, ...)
{
    va_list ap;
    code = public_code(code);
    va_start(ap, fmt);
    tl_os_error = os_error;
    vrecord(code, os_error, fmt, ap);
    va_end(ap);
    return code;
}

int xsock__fail_msg(int code, const char *fmt, ...)
{
    va_list ap;
    code = public_code(code);
    va_start(ap, fmt);
    tl_os_error = 0;
    vrecord(code, 0, fmt, ap);
    va_end(ap);
    return code;
}

int xsock__fail_text(int code, int os_error, const char *text)
{
    return xsock__fail_textf(code, os_error, "%s", text);
}

int xsock__fail_textf(int code, int os_error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tl_os_error = os_error;
    tl_generation++;
    int n = vsnprintf(tl_detail, sizeof tl_detail, fmt, ap);
    mark_if_cut(n < 0 ? 0 : (size_t)n);
    va_end(ap);
    return public_code(code);
}

void xsock__detail_append(const char *fmt, ...)
{
    size_t used = strlen(tl_detail);
    if (used + 1 >= sizeof tl_detail) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tl_detail + used, sizeof tl_detail - used, fmt, ap);
    va_end(ap);
    mark_if_cut(used + (n < 0 ? 0 : (size_t)n));
}

void xsock__detail_prefix(const char *fmt, ...)
{
    char prefix[DETAIL_MAX], old[DETAIL_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, tl_detail, sizeof old);
    int n = snprintf(tl_detail, sizeof tl_detail, "%s: %s", prefix, old);
    mark_if_cut(n < 0 ? 0 : (size_t)n);
}

char *xsock__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}
