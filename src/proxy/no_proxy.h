/* SPDX-License-Identifier: MIT */
/*
 * The no_proxy matcher of the environment selector (DESIGN.md, curl's
 * rules).  Pure: no OS, no heap, no environment access (the caller reads
 * the variable and passes its value).
 *
 * The list is separated by commas and/or white space; empty entries are
 * skipped.  Entries:
 *   *                      matches every target
 *   name, .name, *.name    the name itself and its subdomains, on label
 *                          boundaries, case-insensitive: "example.com",
 *                          ".example.com" and "*.example.com" all match
 *                          "example.com" and "a.example.com", never
 *                          "badexample.com".  A trailing dot is ignored on
 *                          both sides.
 *   IPv4 / IPv6 literal    the same address (IPv6 bracketed or not;
 *                          "::ffff:a.b.c.d" targets also match IPv4 entries)
 *   CIDR                   "10.0.0.0/8", "fd00::/8", "[fd00::]/8"
 *   any of these + ":port" only that port ("example.com:8080",
 *                          "10.0.0.1:443", "[::1]:80", "10.0.0.0/8:22");
 *                          an unbracketed IPv6 entry has no port
 * Name entries match only name targets; address and CIDR entries match
 * only IP literal targets (no resolution is done).  Entries that parse as
 * nothing valid (bad CIDR prefix, bad port) are ignored.
 */
#ifndef XSOCK_NO_PROXY_H
#define XSOCK_NO_PROXY_H

#include <stdint.h>

/* 1 if `host`:`port` matches an entry of `no_proxy`, else 0 (also for
   NULL or empty arguments).  `host` is the target as the caller gave it
   (a name or an IP literal, IPv6 bracketed or not). */
int xsock__no_proxy_match(const char *no_proxy, const char *host, uint16_t port);

#endif
