/* SPDX-License-Identifier: MIT */
/*
 * The backend contract: the only door between the portable core and an OS.
 *
 * Each backend (src/posix/, src/win32/) implements every function below
 * once, and defines its syscall table (syscalls.h).  What the core gives
 * the backends in return is in os_hooks.h (the thread's OS error, the call
 * count, the trace hook) and syscalls.h (the table's fault machinery).  The core never sees an OS type: handles are xsock_native,
 * addresses are xsock__addr, errors come back as XSOCK_E* codes with the raw
 * OS code stored for xsock_last_os_error().  Every OS call a backend makes
 * goes through its table of function pointers (see "Syscall table"), which
 * is what tracing reports, what os_calls counts and what tests replace.
 */
#ifndef XSOCK_OS_H
#define XSOCK_OS_H

#include "xsock.h"
#include "addr.h"

/* Internal results that never reach the application. */
#define XSOCK__EINPROGRESS (-1001) /* connect started, not finished */
#define XSOCK__EINTR (-1002)       /* wait interrupted; retry with the time left */

/* ---- Process-wide ------------------------------------------------------ */

int xsock_os_init(void);     /* once per first xsock_init (WSAStartup) */
void xsock_os_cleanup(void); /* once per last xsock_cleanup */
const char *xsock_os_backend_name(void); /* "posix", "win32" */

uint64_t xsock_os_monotonic_ns(void);

/* A fixed set of process-wide locks, statically initialised by the backend,
   so the core needs no lock type and no lock setup. */
enum { XSOCK_OS_LOCK_REGISTRY, XSOCK_OS_LOCK_CONFIG, XSOCK_OS_LOCK_INIT, XSOCK_OS_LOCK_COUNT_ };
void xsock_os_lock(int which);
void xsock_os_unlock(int which);

/* The OS's own count of socket handles of this process, or -1.  This is
   also the public API function of the same name (declared in xsock.h), so
   the backend's definition is the exported one. */
long xsock_os_handle_count(void);

/* "module+0xoffset" for a code address (for addr2line), or the raw pointer. */
void xsock_os_describe_code(const void *pc, char *buf, size_t len);

/* ---- Errors -------------------------------------------------------------- */

/* The XSOCK_E* code for a raw OS error (errno / WSAGetLastError). */
int xsock_os_map_error(int os_error);

/* ---- Sockets ------------------------------------------------------------- */

/* A new TCP socket of the family, nonblocking and not inherited by
   children, in as few OS calls as the OS allows. */
int xsock_os_socket(int family, xsock_native *out);

/* XSOCK_OK, XSOCK__EINPROGRESS or an error. */
int xsock_os_connect(xsock_native h, const xsock__addr *to);

/* The outcome of a finished nonblocking connect (SO_ERROR). */
int xsock_os_connect_result(xsock_native h);

/* Bind a connecting socket's local address; an IPv6 address binds IPv6
   only (IPV6_V6ONLY), so it never holds the IPv4 port of the same number. */
int xsock_os_bind(xsock_native h, const xsock__addr *local);

/* A listening socket: socket, the platform's address-reuse policy, dual
   stack when `dual_stack` and the family is IPv6, bind, listen. */
int xsock_os_listen(const xsock__addr *at, int backlog, int dual_stack, xsock_native *out);

/* A nonblocking, non-inherited accepted socket; XSOCK_EAGAIN when none. */
int xsock_os_accept(xsock_native listener, xsock_native *out, xsock__addr *peer);

/* Bytes moved, XSOCK_EAGAIN when it would block, or an error; never a signal. */
ptrdiff_t xsock_os_send(xsock_native h, const void *buf, size_t len);
ptrdiff_t xsock_os_recv(xsock_native h, void *buf, size_t len);

int xsock_os_shutdown(xsock_native h, int how); /* XSOCK_SHUT_* */
int xsock_os_close(xsock_native h);

int xsock_os_local_addr(xsock_native h, xsock__addr *out);
int xsock_os_peer_addr(xsock_native h, xsock__addr *out);

int xsock_os_set_nodelay(xsock_native h, int on);
int xsock_os_set_keepalive(xsock_native h, int on, int idle_s);

/* Take over a handle made elsewhere: check it is a stream socket, make it
   nonblocking.  *listening tells whether it accepts connections;
   *was_blocking lets xsock_os_release restore the mode. */
int xsock_os_adopt(xsock_native h, int *listening, int *was_blocking);
int xsock_os_set_blocking(xsock_native h, int blocking);

/* ---- Kernel-side figures, on demand (posix_stats.c, win_stats.c) --------- */

/* What the OS knows about one socket; -1 (state NULL) where it cannot tell.
   Never called on the data path: reports and xsock_socket_stats only. */
typedef struct xsock_os_kstats {
    int64_t sndbuf, rcvbuf;   /* SO_SNDBUF, SO_RCVBUF */
    int64_t unsent, unread;   /* SIOCOUTQ / SIOCINQ; FIONREAD */
    const char *state;        /* "ESTABLISHED", ...: static; NULL unknown */
    int64_t rtt_us, rttvar_us, retransmits, cwnd_bytes, mss;
} xsock_os_kstats;

/* Fill *out (set to "unknown" first by the backend); every OS call through
   the syscall table.  XSOCK_OK even when some figures stay unknown. */
int xsock_os_socket_stats(xsock_native h, xsock_os_kstats *out);

/* 1 when the process is past the point where OS calls are safe: Windows
   calls a DLL's exit handlers from its detach during ExitProcess, when
   Winsock may be gone (RtlDllShutdownInProgress).  0 on POSIX. */
int xsock_os_process_exiting(void);

/* ---- Waiting ------------------------------------------------------------- */

/* Ask for XSOCK_OS_WAIT_CONNECT on a socket with a connect in progress:
   the backend then uses whatever reliably reports a finished connect on
   its OS (WSAPoll does not report failed connects on older Windows). */
#define XSOCK_OS_WAIT_CONNECT 0x100

typedef struct xsock_os_pollent {
    xsock_native handle;
    short events;  /* XSOCK_POLLIN | XSOCK_POLLOUT | XSOCK_OS_WAIT_CONNECT */
    short revents; /* XSOCK_POLLIN | XSOCK_POLLOUT | XSOCK_POLLERR | XSOCK_POLLHUP;
                      a finished connect reports XSOCK_POLLOUT */
} xsock_os_pollent;

/* Ready count, 0 on timeout, XSOCK__EINTR, or an error.  timeout_ms -1
   waits forever. */
int xsock_os_poll(xsock_os_pollent *ents, size_t n, int timeout_ms);

/* ---- Names --------------------------------------------------------------- */

/* Resolve `host` (not a literal; the core parses those) to at most `max`
   TCP addresses of `family` (XSOCK_AF_*), in the resolver's order. */
int xsock_os_resolve(const char *host, uint16_t port, int family, xsock__addr *out, size_t max,
                     size_t *n);

/* ---- Threads, for a resolution the dial can abandon ------------------------- */

/* A one-shot event: set once, waited on with a timeout. */
typedef struct xsock_os_event xsock_os_event;
xsock_os_event *xsock_os_event_new(void); /* NULL when out of memory */
void xsock_os_event_free(xsock_os_event *e);
void xsock_os_event_set(xsock_os_event *e);
/* 1 once set, 0 when timeout_ms (-1: forever) passed first. */
int xsock_os_event_wait(xsock_os_event *e, int timeout_ms);

/* Run fn(arg) on a new detached thread.  XSOCK_OK or an error. */
int xsock_os_thread_start(void (*fn)(void *), void *arg);

#endif /* XSOCK_OS_H */
