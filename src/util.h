/* SPDX-License-Identifier: MIT */
/* Byte and ASCII helpers shared by the core and the pure proxy code: no
   OS, no state, no locale. */
#ifndef XSOCK_UTIL_H
#define XSOCK_UTIL_H

#include <stddef.h>

/* Zero memory the compiler may not optimise away (secrets). */
void xsock__secure_zero(void *p, size_t n);

/* 'A'..'Z' to 'a'..'z'; every other byte unchanged. */
int xsock__ascii_lower(int c);
/* The value of a hex digit, or -1. */
int xsock__hex_value(int c);
/* A C0 control character or DEL. */
int xsock__is_ctl(int c);
/* 1 if `s` holds a control character (CR, LF, NUL stops the string). */
int xsock__has_ctl(const char *s);
/* The first `n` bytes of `a` and `b` equal but for ASCII case. */
int xsock__ascii_ieq(const char *a, const char *b, size_t n);

#endif
