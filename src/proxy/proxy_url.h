/* SPDX-License-Identifier: MIT */
/*
 * Proxy URLs (DESIGN.md "Proxies"): parsing and the target-dependent
 * checks made before a dial opens any connection.  Pure: no OS, no heap.
 *
 *   socks4://[user@]host[:port][/]        port 1080, user = SOCKS4 USERID
 *   socks4a://[user@]host[:port][/]       port 1080
 *   socks5://[user[:pass]@]host[:port][/] port 1080, RFC 1929 when a user is given
 *   socks5h://...                         same, the proxy resolves the target
 *   http://[user[:pass]@]host[:port][/]   port 8080, CONNECT, Basic when a user is given
 *   direct                                no proxy (exactly this word)
 *
 * Scheme names are case-insensitive.  userinfo is percent-decoded; host is
 * a name (letters, digits, '-', '.', '_', '~'), an IPv4 literal or a
 * bracketed IPv6 literal ("[::1]", zone as "%25N" with a numeric N).
 * XSOCK_EINVAL for every other form, with a static reason in ->error:
 * NULL/empty URL, missing "://", unknown scheme, empty host, bad host
 * character, unbracketed IPv6, port empty / not digits / 0 / > 65535 /
 * more than 5 digits, anything after the port except one "/", a query or
 * fragment, empty userinfo ("@host"), a raw '@' in userinfo, a bad percent
 * escape, a decoded control character (CR, LF, NUL, ...) in user or
 * password, raw control characters or spaces anywhere, user/password/host
 * over 255 bytes, an empty SOCKS5 user name (RFC 1929 needs 1..255), and a
 * ':' in an HTTP Basic user name.
 */
#ifndef XSOCK__PROXY_URL_H
#define XSOCK__PROXY_URL_H

#include <stddef.h>
#include <stdint.h>

enum xsock__proxy_scheme {
    XSOCK__PROXY_DIRECT = 0,
    XSOCK__PROXY_SOCKS4,
    XSOCK__PROXY_SOCKS4A,
    XSOCK__PROXY_SOCKS5,
    XSOCK__PROXY_SOCKS5H,
    XSOCK__PROXY_HTTP
};

#define XSOCK__PROXY_FIELD_MAX 255 /* user, password, host (decoded bytes) */
/* display: scheme (7) + "://" + "[" host "]" (255 raw + 2) + ":" + 5 digits + "/" */
#define XSOCK__PROXY_DISPLAY_MAX 288

typedef struct xsock__proxy_url {
    int scheme;                              /* enum xsock__proxy_scheme */
    char host[XSOCK__PROXY_FIELD_MAX + 1];    /* no brackets; IPv6 zone as "%N" */
    uint16_t port;                           /* the default when the URL has none */
    int host_is_ipv6;                        /* the URL had a bracketed literal */
    int has_user, has_password;              /* "u@" → 1,0; "u:@" and "u:p@" → 1,1 */
    char user[XSOCK__PROXY_FIELD_MAX + 1];    /* decoded, "" when none */
    char password[XSOCK__PROXY_FIELD_MAX + 1]; /* decoded, "" when none: a secret */
    /* The URL exactly as given minus "userinfo@": safe to show, to pass to
       connect_failed and to put in error details. "direct" for direct. */
    char display[XSOCK__PROXY_DISPLAY_MAX];
    const char *error; /* static reason when parsing failed, else NULL */
} xsock__proxy_url;

/* XSOCK_OK, or XSOCK_EINVAL with out->error set and every other field
   zeroed.  Never writes the password anywhere but out->password. */
int xsock__proxy_url_parse(const char *url, xsock__proxy_url *out);

/* Checks that depend on the target, made before connecting to the proxy:
     - NULL or empty host → XSOCK_EINVAL
     - IPv6 literal target (bracketed or not) with socks4/socks4a →
       XSOCK_EAFNOSUPPORT
     - socks4a/socks5h/http with a host name over 255 bytes → XSOCK_EINVAL
       (socks5:// and socks4:// resolve locally: no limit)
     - http with a control character (CR, LF, ...) or a space in the host →
       XSOCK_EINVAL (it would break the request line)
   `why` (may be NULL) gets a static reason on failure.  "direct" accepts
   any non-empty host.  The port is not checked (the dialer does). */
int xsock__proxy_check_target(const xsock__proxy_url *u, const char *host, uint16_t port,
                             const char **why);

/* "socks5h", "http", "direct", ... */
const char *xsock__proxy_scheme_name(int scheme);

/* Zero the struct (the password) in a way the compiler keeps. */
void xsock__proxy_url_wipe(xsock__proxy_url *u);

/* Zero memory in a way the compiler does not remove (shared with the
   handshakes). */


#endif
