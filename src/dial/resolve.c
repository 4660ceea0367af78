/* SPDX-License-Identifier: MIT */
/* The addresses of a dial's host, in RFC 8305 order, within its deadline.
   getaddrinfo cannot be cancelled, so a timed resolution runs on a thread of its own
   (curl's threaded resolver); the job is shared by the dial and the thread
   and freed by whichever lets go last, so an abandoned lookup leaks
   nothing once it returns. */
#include <stdlib.h>
#include <string.h>

#include "dial.h"

/* Timeout 0 waits no longer than scheduling noise for the resolver. */
#define ZERO_TIMEOUT_GRACE_MS 10

typedef struct resolve_job {
    atomic_int refs;
    xsock_os_event *done;
    char *host;
    uint16_t port;
    int family;
    unsigned epoch; /* of the dial that asked: see xsock__background_begin */
    int rc, os_error;
    size_t n;
    xsock__addr addrs[XSOCK__MAX_ADDRS];
} resolve_job;

static atomic_int g_running; /* resolver threads still inside getaddrinfo */

int xsock__resolver_threads(void)
{
    return atomic_load(&g_running);
}

static void job_release(resolve_job *job)
{
    if (atomic_fetch_sub(&job->refs, 1) != 1) return;
    xsock_os_event_free(job->done);
    free(job->host);
    free(job);
}

static void resolver_main(void *arg)
{
    resolve_job *job = arg;
    xsock__background_begin(job->epoch);
    job->rc = xsock_os_resolve(job->host, job->port, job->family, job->addrs, XSOCK__MAX_ADDRS, &job->n);
    job->os_error = job->rc == XSOCK_OK ? 0 : xsock__os_error();
    xsock_os_event_set(job->done);
    job_release(job);
    atomic_fetch_sub(&g_running, 1);
}

static resolve_job *job_new(const char *host, uint16_t port, int family)
{
    resolve_job *job = calloc(1, sizeof *job);
    if (!job) return NULL;
    job->host = xsock__strdup(host);
    job->done = xsock_os_event_new();
    if (!job->host || !job->done) {
        xsock_os_event_free(job->done);
        free(job->host);
        free(job);
        return NULL;
    }
    job->port = port;
    job->family = family;
    job->epoch = xsock__epoch();
    atomic_init(&job->refs, 2); /* the dial and the thread */
    return job;
}

int xsock__resolve_by(const xsock__deadline *deadline, int zero_timeout, const char *host,
                      uint16_t port, int family, xsock__addr *out, size_t max, size_t *n)
{
    *n = 0;
    /* No deadline: nothing to abandon, so no thread. */
    if (deadline->end_ns == 0) return xsock_os_resolve(host, port, family, out, max, n);

    resolve_job *job = job_new(host, port, family);
    if (!job) return XSOCK_ENOMEM;
    atomic_fetch_add(&g_running, 1);
    int rc = xsock_os_thread_start(resolver_main, job);
    if (rc != XSOCK_OK) {
        atomic_fetch_sub(&g_running, 1);
        job_release(job);
        job_release(job);
        return rc;
    }
    int done = 0;
    if (zero_timeout) {
        /* "one try": a name the hosts file knows answers within a few ms;
           a resolver that must ask the network is not waited for */
        done = xsock_os_event_wait(job->done, ZERO_TIMEOUT_GRACE_MS);
    } else {
        while (!done && !xsock__deadline_expired(deadline))
            done = xsock_os_event_wait(job->done, xsock__deadline_left_ms(deadline));
    }
    if (!done) {
        job_release(job); /* the thread frees it when getaddrinfo returns */
        return zero_timeout ? XSOCK_EAGAIN : XSOCK_ETIMEDOUT;
    }
    rc = job->rc;
    if (rc == XSOCK_OK) {
        *n = job->n < max ? job->n : max;
        memcpy(out, job->addrs, *n * sizeof *out);
    } else {
        xsock__set_os_error(job->os_error);
    }
    job_release(job);
    return rc;
}

/* ---- The addresses of a dial ------------------------------------------ */

/* Interleave families, starting with the family of the first address,
   in place: each position takes the next address of the family due there
   (the rest shift down one), so no copy of the list is made. */
static void interleave(xsock__addr *a, size_t n)
{
    for (size_t k = 1; k + 1 < n; k++) {
        int want_first = k % 2 == 0;
        size_t j = k;
        while (j < n && (a[j].family == a[0].family) != want_first) j++;
        if (j == n) return; /* one family is used up: the rest stays in order */
        if (j != k) {
            xsock__addr t = a[j];
            memmove(&a[k + 1], &a[k], (j - k) * sizeof *a);
            a[k] = t;
        }
    }
}

int xsock__literal_address(const char *host, uint16_t port, int family, xsock__addr *out)
{
    if (xsock__addr_parse(host, port, out) != XSOCK_OK) return XSOCK__NOT_LITERAL;
    if (family != XSOCK_AF_UNSPEC && out->family != family)
        return xsock__fail_msg(XSOCK_EAFNOSUPPORT, "connect %s: not an IPv%d address", host, family);
    return XSOCK_OK;
}

int xsock__resolve_name(const xsock__dial_ctx *ctx, const char *host, uint16_t port, int family,
                        xsock__addr *out, size_t max, size_t *n)
{
    *n = 0;
    if (host[0] == '\0') return xsock__fail_msg(XSOCK_EINVAL, "connect: empty host");
    int rc = xsock__resolve_by(&ctx->deadline, ctx->zero_timeout, host, port, family, out, max, n);
    if (rc == XSOCK_ETIMEDOUT || rc == XSOCK_EAGAIN) return xsock__fail_msg(rc, "resolve %s", host);
    if (rc != XSOCK_OK) return xsock__fail(rc, xsock__os_error(), "resolve %s", host);
    if (!ctx->zero_timeout && xsock__deadline_expired(&ctx->deadline))
        return xsock__fail_msg(XSOCK_ETIMEDOUT, "resolve %s", host);
    interleave(out, *n);
    return XSOCK_OK;
}

int xsock__resolve_family(const xsock__dial_ctx *ctx, const char *host, uint16_t port, int family,
                          xsock__addr *out, size_t max, size_t *n)
{
    *n = 0;
    int rc = xsock__literal_address(host, port, family, out);
    if (rc != XSOCK__NOT_LITERAL) {
        if (rc == XSOCK_OK) *n = 1;
        return rc;
    }
    return xsock__resolve_name(ctx, host, port, family, out, max, n);
}
