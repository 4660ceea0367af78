/* SPDX-License-Identifier: MIT */
/* args: the command-line conventions every example shares, in one place,
   so that they all behave like ncat and socat do:

   - "--help" or "-h" prints the usage on stdout and exits 0;
   - a bad argument prints "PROG: what is wrong, naming the option and the
     value" and a hint on stderr and exits 2, before anything is opened:
     no number is ever read as a prefix ("22x"), wrapped (70000) or
     silently replaced by 0;
   - "--" ends the options.

   The parsers exit instead of returning an error because they run before
   the program owns any resource: there is nothing to clean up yet. */
#ifndef XSOCK_EXAMPLES_ARGS_H
#define XSOCK_EXAMPLES_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include <xsock.h>

#if defined(__GNUC__) || defined(__clang__)
#define ARGS_PRINTF(fmt, first) __attribute__((format(printf, fmt, first)))
#define ARGS_NORETURN __attribute__((noreturn))
#else
#define ARGS_PRINTF(fmt, first)
#define ARGS_NORETURN
#endif

typedef struct args_cursor {
    const char *prog;  /* prefix of every message: "xnc" */
    const char *usage; /* the whole usage text, printed by --help */
    int argc;
    char **argv;
    int next;          /* index of the next argument to look at */
} args_cursor;

void args_begin(args_cursor *a, const char *prog, const char *usage, int argc, char **argv);

/* The next option ("--timeout", "-h"), or NULL once the positional
   arguments begin (a word not starting with '-', a lone "-", or after
   "--").  Handles --help/-h itself (usage on stdout, exit 0). */
const char *args_next_option(args_cursor *a);

/* The value that follows option opt; exits 2 when there is none. */
const char *args_value(args_cursor *a, const char *opt);

/* The positional arguments left; exits 2 unless there are between min and
   max of them (what_missing says what was expected, e.g. "host and port"). */
char **args_positionals(args_cursor *a, int min, int max, const char *what_missing, int *count);

/* Unknown option: exits 2. */
ARGS_NORETURN void args_unknown_option(args_cursor *a, const char *opt);

/* Any other bad argument: "PROG: <message>" and the --help hint, exit 2. */
ARGS_NORETURN ARGS_PRINTF(2, 3) void args_fail(args_cursor *a, const char *fmt, ...);

/* A whole decimal number in [min, max]; name is the option or argument
   ("--timeout", "port") and unit says what it counts, for the message. */
long args_number(args_cursor *a, const char *name, const char *text, long min, long max, const char *unit);

/* A TCP port: 1..65535, or 0..65535 when allow_zero (0: any free port). */
uint16_t args_port(args_cursor *a, const char *name, const char *text, int allow_zero);

/* Milliseconds, min..INT_MAX (a timeout or an idle time). */
int args_millis(args_cursor *a, const char *name, const char *text, int min);

/* Sets the dialer's fixed proxy; on a malformed URL exits 2 naming the
   argument (name: "--proxy", "proxy #2"), the URL without its
   user:password, and the parser's reason (xsock_last_error_detail()). */
void args_set_proxy(args_cursor *a, xsock_dialer *d, const char *name, const char *url);

/* url without "user:password@", for messages: passwords never printed. */
void args_url_without_userinfo(char *out, size_t len, const char *url);

#endif
