/* SPDX-License-Identifier: MIT */
/* What the parts of a dial share: the dialer's options, the fixed context
   of one dial, and the steps (route, resolve, connect, proxy). */
#ifndef XSOCK_DIAL_H
#define XSOCK_DIAL_H

#include "../internal.h"

struct xsock_dialer {
    int timeout_ms;  /* XSOCK_INFINITE by default */
    int family;      /* XSOCK_AF_* */
    int he_delay_ms; /* happy eyeballs: 0 one address at a time */
    int has_local;
    int local_any; /* bind only the port, to the target's family wildcard */
    xsock__addr local;
    struct xsock__proxy_url *proxy; /* fixed proxy (parsed), or NULL */
    const xsock_proxy_selector *selector;
};

/* The options of one dial, fixed for its whole length. */
typedef struct xsock__dial_ctx {
    const xsock_dialer *opts; /* never NULL: the defaults when the caller gave none */
    xsock__deadline deadline;
    int zero_timeout;
    xsock__site site;
} xsock__dial_ctx;

/* Resolve a host name (not a literal) by the deadline: on a thread of its
   own when the deadline is finite, so the dial can leave it behind
   (resolve.c).  XSOCK_ETIMEDOUT when the deadline passes first. */
int xsock__resolve_by(const xsock__deadline *deadline, int zero_timeout, const char *host,
                      uint16_t port, int family, xsock__addr *out, size_t max, size_t *n);
/* Resolver threads still running, finished or abandoned (for tests). */
XSOCK_TESTABLE int xsock__resolver_threads(void);

/* Pick the route (fixed proxy, selector, default selector, direct) and
   dial it within ctx's deadline (route.c). */
int xsock__dial_route(const xsock__dial_ctx *ctx, const char *host, uint16_t port, xsock **out);

/* What a failed dial reports (outcome.c): the best error by DESIGN.md's
   ranking, and the list of every address with its own result. */
typedef struct xsock__outcome {
    int best, best_os;
    size_t tried;
    char list[XSOCK__DETAIL_MAX];
    size_t len;
} xsock__outcome;
void xsock__outcome_init(xsock__outcome *o);
void xsock__outcome_note(xsock__outcome *o, const xsock__addr *a, int err, int os_error);
/* Record the failure (detail "connect ...") and return its code. */
int xsock__outcome_report(const xsock__outcome *o, const char *host, uint16_t port);

/* Connect to one address (happy_eyeballs.c), its first socket born at
   `born_ns`: a clock reading taken just before, with nothing in between
   (the dial's start, for a literal dialed directly), or 0: when it is made. */
int xsock__connect_one(const xsock__dial_ctx *ctx, const xsock__addr *a, uint64_t born_ns,
                       const char *host, uint16_t port, xsock **out);

/* Connect to the first of `addrs` that answers (happy_eyeballs.c); host and
   port only name the target in the error detail. */
XSOCK_TESTABLE int xsock__connect_addrs(const xsock__dial_ctx *ctx, const xsock__addr *addrs, size_t n,
                         const char *host, uint16_t port, xsock **out);

/* A literal `host` as its one address: XSOCK_OK, XSOCK_EAFNOSUPPORT (with
   detail) when it is not of `family`, or XSOCK__NOT_LITERAL for a name. */
#define XSOCK__NOT_LITERAL 1
int xsock__literal_address(const char *host, uint16_t port, int family, xsock__addr *out);

/* The addresses of a host that is no literal (xsock__literal_address said
   so), in RFC 8305 order, resolved within ctx's deadline. */
int xsock__resolve_name(const xsock__dial_ctx *ctx, const char *host, uint16_t port, int family,
                        xsock__addr *out, size_t max, size_t *n);

/* The addresses of `host` of `family` (XSOCK_AF_*), in RFC 8305 order,
   resolved within ctx's deadline; a literal is its own single address. */
int xsock__resolve_family(const xsock__dial_ctx *ctx, const char *host, uint16_t port, int family,
                          xsock__addr *out, size_t max, size_t *n);

/* Connect to `host` through one proxy (proxy_dial.c). */
struct xsock__proxy_url;
int xsock__dial_proxy(const xsock__dial_ctx *ctx, const struct xsock__proxy_url *p, const char *host,
                      uint16_t port, xsock **out);

#endif
