/* SPDX-License-Identifier: MIT */
/* args: see args.h. */
#include "args.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void args_begin(args_cursor *a, const char *prog, const char *usage, int argc, char **argv)
{
    a->prog = prog;
    a->usage = usage;
    a->argc = argc;
    a->argv = argv;
    a->next = 1;
}

static ARGS_NORETURN void fail_with_hint(const args_cursor *a)
{
    fprintf(stderr, "Try '%s --help' for more information.\n", a->prog);
    exit(2);
}

void args_fail(args_cursor *a, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", a->prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fail_with_hint(a);
}

void args_unknown_option(args_cursor *a, const char *opt)
{
    args_fail(a, "unknown option '%s'", opt);
}

const char *args_next_option(args_cursor *a)
{
    if (a->next >= a->argc) return NULL;
    const char *arg = a->argv[a->next];
    if (arg[0] != '-' || arg[1] == '\0') return NULL; /* a positional, or "-" */
    a->next++;
    if (strcmp(arg, "--") == 0) return NULL;
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        /* asked for: stdout and success, as ncat and socat do */
        fputs(a->usage, stdout);
        exit(fflush(stdout) == 0 ? 0 : 1);
    }
    return arg;
}

const char *args_value(args_cursor *a, const char *opt)
{
    if (a->next >= a->argc) args_fail(a, "option '%s' needs a value", opt);
    return a->argv[a->next++];
}

char **args_positionals(args_cursor *a, int min, int max, const char *what_missing, int *count)
{
    int n = a->argc - a->next;
    if (n < min) args_fail(a, "missing %s", what_missing);
    if (n > max) args_fail(a, "unexpected argument '%s'", a->argv[a->next + max]);
    *count = n;
    return a->argv + a->next;
}

long args_number(args_cursor *a, const char *name, const char *text, long min, long max, const char *unit)
{
    /* strtol alone accepts " 22", "22x" (as 22) and "" (as 0): insist on
       digits, with an optional leading '-', and nothing after them. */
    const char *digits = text[0] == '-' ? text + 1 : text;
    if (*digits < '0' || *digits > '9')
        args_fail(a, "%s: '%s' is not a number (%s, %ld to %ld)", name, text, unit, min, max);
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (*end != '\0')
        args_fail(a, "%s: '%s' is not a number (%s, %ld to %ld)", name, text, unit, min, max);
    if (errno == ERANGE || v < min || v > max)
        args_fail(a, "%s: %s is out of range (%s, %ld to %ld)", name, text, unit, min, max);
    return v;
}

uint16_t args_port(args_cursor *a, const char *name, const char *text, int allow_zero)
{
    return (uint16_t)args_number(a, name, text, allow_zero ? 0 : 1, 65535,
                                 allow_zero ? "a TCP port, 0 for any free one" : "a TCP port");
}

int args_millis(args_cursor *a, const char *name, const char *text, int min)
{
    return (int)args_number(a, name, text, min, INT_MAX, "milliseconds");
}

void args_url_without_userinfo(char *out, size_t len, const char *url)
{
    const char *scheme_end = strstr(url, "://");
    const char *at = scheme_end ? strrchr(scheme_end + 3, '@') : NULL;
    if (at) snprintf(out, len, "%.*s%s", (int)(scheme_end + 3 - url), url, at + 1);
    else snprintf(out, len, "%s", url);
}

void args_set_proxy(args_cursor *a, xsock_dialer *d, const char *name, const char *url)
{
    if (xsock_dialer_set_proxy(d, url) == XSOCK_OK) return;
    char shown[512];
    args_url_without_userinfo(shown, sizeof shown, url);
    /* the detail is the URL parser's reason, e.g. "proxy URL: unknown scheme
       (expected socks4, socks4a, socks5, socks5h or http)" */
    args_fail(a, "%s: bad proxy URL '%s': %s", name, shown, xsock_last_error_detail());
}
