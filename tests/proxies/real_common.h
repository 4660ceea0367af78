/* SPDX-License-Identifier: MIT */
/* Shared by tests/proxy_real_*.c: the tests against real proxy servers that
   tests/proxies/run.sh starts on loopback (Linux only).  Everything here
   goes through the public API; targets are loopback listeners of this
   process. */
#ifndef REAL_COMMON_H
#define REAL_COMMON_H

#include <stdatomic.h>

#include "xtest.h"

/* The port in environment variable `name`, set by run.sh; skips (77) the
   whole program when it is missing, i.e. when not started by run.sh. */
uint16_t pr_env_port(const char *name);
/* An environment variable set by run.sh (skips when missing). */
const char *pr_env(const char *name);

/* An echo target on `host` (a loopback literal): a thread serves the
   connections one after another, each until EOF.  pr_target_stop joins the
   thread (after serving what is queued), closes everything, copies the
   address the first connection came from into peer (may be NULL) and
   returns how many connections the target accepted. */
typedef struct pr_target {
    xsock *listener;
    uint16_t port;
    atomic_int stop;
    int accepted;  /* written by the thread only, read after the join */
    char peer[80]; /* where the first connection came from: the proxy */
    xt_thread *thread;
} pr_target;
pr_target *pr_target_start(const char *host);
int pr_target_stop(pr_target *t, char *peer, size_t len);

/* A port on `host` where nothing listens (bound, then closed). */
uint16_t pr_closed_port(const char *host);

/* scheme://[user[:pass]@]host:port with user and password percent-encoded;
   host is bracketed if it is an IPv6 literal.  Returns buf. */
char *pr_url(char *buf, size_t len, const char *scheme, const char *user, const char *pass,
             const char *host, uint16_t port);

/* One dial through `url` with a fresh dialer. */
int pr_dial(const char *url, const char *host, uint16_t port, int timeout_ms, xsock **out);

/* Sends a message through s and asserts the same bytes come back. */
void pr_echo(xsock *s, const char *msg);

/* Dial through `url` to a fresh echo target on target_host (by the name
   `dial_host`, or the target's own address when NULL), echo through the
   tunnel, close; asserts the target saw one connection and the library's
   live count and the OS socket count are back where they were.  Prints
   the proxy name and what happened. */
void pr_expect_echo(const char *url, const char *target_host, const char *dial_host);

/* Dial through `url` to host:port; asserts the error `want`, *out NULL,
   the live/OS counts unchanged, the detail containing `detail_has` (if
   not NULL) and never the password XT_PROXY_PASS. */
void pr_expect_fail(const char *url, const char *host, uint16_t port, int want,
                    const char *detail_has);

#endif
