/*
 * xsock: portable TCP sockets with timed connect, proxies and an exact
 * account of every OS socket held.  This header is the whole API; it
 * includes only standard C headers.
 */
#ifndef XSOCK_H
#define XSOCK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The API exports functions only, never data, so users of the static
   library and of the DLL define nothing.  _WIN32 is tested before
   __GNUC__ because mingw defines both. */
#if defined(_WIN32) && defined(XSOCK_BUILDING_DLL)
#define XSOCK_API __declspec(dllexport)
#elif defined(_WIN32)
#define XSOCK_API
#elif defined(__GNUC__) && defined(XSOCK_BUILDING)
#define XSOCK_API __attribute__((visibility("default")))
#else
#define XSOCK_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define XSOCK_VERSION_MAJOR 0
#define XSOCK_VERSION_MINOR 1
#define XSOCK_VERSION_PATCH 0
#define XSOCK_VERSION_STRING "0.1.0"

/* ---- Errors ---------------------------------------------------------- */

/* X(name, value, description).  Values are fixed forever once released. */
#define XSOCK_ERRNO_MAP(X)                                                   \
    X(XSOCK_EINVAL, -1, "invalid argument")                                  \
    X(XSOCK_ENOMEM, -2, "out of memory")                                     \
    X(XSOCK_ETIMEDOUT, -3, "timed out")                                      \
    X(XSOCK_EAGAIN, -4, "not ready (timeout 0)")                             \
    X(XSOCK_ECONNREFUSED, -5, "connection refused")                          \
    X(XSOCK_ECONNRESET, -6, "connection reset by peer")                      \
    X(XSOCK_ECONNABORTED, -7, "connection aborted")                          \
    X(XSOCK_EPIPE, -8, "broken pipe")                                        \
    X(XSOCK_ENETUNREACH, -9, "network unreachable")                          \
    X(XSOCK_EHOSTUNREACH, -10, "host unreachable")                           \
    X(XSOCK_EADDRINUSE, -11, "address in use")                               \
    X(XSOCK_EADDRNOTAVAIL, -12, "address not available")                     \
    X(XSOCK_EAFNOSUPPORT, -13, "address family not supported")               \
    X(XSOCK_ENOTFOUND, -14, "name does not resolve")                         \
    X(XSOCK_EDNSTEMP, -15, "temporary name resolution failure")              \
    X(XSOCK_EMFILE, -16, "no more OS handles")                               \
    X(XSOCK_ELIMIT, -17, "socket limit of the library reached")              \
    X(XSOCK_ECLOSED, -18, "peer closed the connection")                      \
    X(XSOCK_EPROXYCONNECT, -19, "cannot connect to the proxy")               \
    X(XSOCK_EPROXYPROTO, -20, "proxy protocol error")                        \
    X(XSOCK_EPROXYAUTH, -21, "proxy authentication required or failed")      \
    X(XSOCK_EPROXY_GENERAL, -22, "proxy: general failure")                   \
    X(XSOCK_EPROXY_NOTALLOWED, -23, "proxy: connection not allowed")         \
    X(XSOCK_EPROXY_NETUNREACH, -24, "proxy: network unreachable")            \
    X(XSOCK_EPROXY_HOSTUNREACH, -25, "proxy: host unreachable")              \
    X(XSOCK_EPROXY_CONNREFUSED, -26, "proxy: connection refused by target")  \
    X(XSOCK_EPROXY_TTLEXPIRED, -27, "proxy: TTL expired")                    \
    X(XSOCK_EPROXY_CMDNOTSUP, -28, "proxy: command not supported")           \
    X(XSOCK_EPROXY_ATYPNOTSUP, -29, "proxy: address type not supported")     \
    X(XSOCK_EOS, -30, "operating system error")

/* XSOCK_OK comes last so that no enumerator list ends in a comma (C89). */
enum {
#define XSOCK_ENUM_ENTRY_(name, value, text) name = value,
    XSOCK_ERRNO_MAP(XSOCK_ENUM_ENTRY_)
#undef XSOCK_ENUM_ENTRY_
    XSOCK_OK = 0
};

XSOCK_API const char *xsock_strerror(int err);
XSOCK_API const char *xsock_errname(int err);
XSOCK_API int xsock_last_os_error(void);
XSOCK_API const char *xsock_last_error_detail(void);

/* ---- Library ----------------------------------------------------------- */

#define XSOCK_INFINITE (-1)

/* The version of the library linked at run time, "MAJOR.MINOR.PATCH"
   (the header's XSOCK_VERSION_STRING is the one compiled against). */
XSOCK_API const char *xsock_version(void);

XSOCK_API int xsock_init(void);
XSOCK_API int xsock_cleanup(void); /* returns the number of sockets still open */

/* ---- Sockets --------------------------------------------------------- */

typedef struct xsock xsock;
typedef uintptr_t xsock_native; /* int fd on POSIX, SOCKET on Windows */
#define XSOCK_INVALID_NATIVE ((xsock_native)-1)

#define XSOCK_SHUT_RD 0
#define XSOCK_SHUT_WR 1
#define XSOCK_SHUT_RDWR 2

#define XSOCK_AF_UNSPEC 0
#define XSOCK_AF_INET 4
#define XSOCK_AF_INET6 6

XSOCK_API int xsock_connect(xsock **out, const char *host, uint16_t port, int timeout_ms);
XSOCK_API int xsock_listen(xsock **out, const char *host, uint16_t port, int backlog);
XSOCK_API int xsock_accept(xsock *listener, xsock **out, int timeout_ms);
XSOCK_API ptrdiff_t xsock_send(xsock *s, const void *buf, size_t len, int timeout_ms);
XSOCK_API ptrdiff_t xsock_recv(xsock *s, void *buf, size_t len, int timeout_ms);
XSOCK_API int xsock_send_all(xsock *s, const void *buf, size_t len, int timeout_ms);
XSOCK_API int xsock_recv_all(xsock *s, void *buf, size_t len, int timeout_ms);
/* The same, and *done (may be NULL) is the number of bytes moved, whatever
   the result. */
XSOCK_API int xsock_send_all_ex(xsock *s, const void *buf, size_t len, int timeout_ms,
                                size_t *done);
XSOCK_API int xsock_recv_all_ex(xsock *s, void *buf, size_t len, int timeout_ms, size_t *done);
/* Bytes held by the library for the next recv (a proxy's leftovers). */
XSOCK_API size_t xsock_buffered(const xsock *s);
XSOCK_API int xsock_shutdown(xsock *s, int how);
XSOCK_API int xsock_close(xsock *s);
XSOCK_API int xsock_local_addr(const xsock *s, char *buf, size_t len);
XSOCK_API int xsock_peer_addr(const xsock *s, char *buf, size_t len);
XSOCK_API int xsock_local_port(const xsock *s);
XSOCK_API int xsock_set_nodelay(xsock *s, int on);
XSOCK_API int xsock_set_keepalive(xsock *s, int on, int idle_s);
XSOCK_API xsock_native xsock_native_handle(const xsock *s);
XSOCK_API int xsock_adopt(xsock **out, xsock_native h);
XSOCK_API xsock_native xsock_release(xsock *s);
/* xsock_release gives an adopted handle back in the mode it had at adopt
   where the OS can tell (POSIX); Winsock cannot report a socket's mode, so
   on Windows an adopted handle comes back blocking, and any other handle
   as the library keeps it (nonblocking).  xsock_release_ex sets the mode
   the caller names: nonblocking != 0 gives it back nonblocking (an event
   loop that lent its socket), 0 blocking.  Same refusals as
   xsock_release; if the mode cannot be set, XSOCK_INVALID_NATIVE and the
   socket stays open and the library's. */
XSOCK_API xsock_native xsock_release_ex(xsock *s, int nonblocking);

#define XSOCK_POLLIN 0x01
#define XSOCK_POLLOUT 0x04
#define XSOCK_POLLERR 0x08
#define XSOCK_POLLHUP 0x10

typedef struct {
    xsock *sock;
    short events;
    short revents;
} xsock_pollfd;
XSOCK_API int xsock_poll(xsock_pollfd *fds, size_t n, int timeout_ms);

/* ---- Dialer ------------------------------------------------------------ */

typedef struct xsock_dialer xsock_dialer;
typedef struct xsock_proxy_selector xsock_proxy_selector;

XSOCK_API xsock_dialer *xsock_dialer_new(void);
XSOCK_API void xsock_dialer_free(xsock_dialer *d);
XSOCK_API int xsock_dialer_set_timeout(xsock_dialer *d, int timeout_ms);
XSOCK_API int xsock_dialer_set_family(xsock_dialer *d, int family);
XSOCK_API int xsock_dialer_set_local(xsock_dialer *d, const char *host, uint16_t port);
XSOCK_API int xsock_dialer_set_happy_eyeballs(xsock_dialer *d, int delay_ms);
XSOCK_API int xsock_dialer_set_proxy(xsock_dialer *d, const char *url);
XSOCK_API int xsock_dialer_set_proxy_selector(xsock_dialer *d, const xsock_proxy_selector *sel);
XSOCK_API int xsock_dial(const xsock_dialer *d, xsock **out, const char *host, uint16_t port);

/* ---- Proxies ----------------------------------------------------------- */

typedef struct xsock_proxy_list xsock_proxy_list;
XSOCK_API int xsock_proxy_list_add(xsock_proxy_list *list, const char *url);

struct xsock_proxy_selector {
    void *user;
    /* uri is "socket://host:port".  Add proxies to try, in order; add
       "direct" to connect without one.  Adding nothing means direct.
       A negative return aborts the connect with that code. */
    int (*select)(void *user, const char *uri, xsock_proxy_list *out);
    /* Called for each proxy that failed, before the next is tried.  May be NULL. */
    void (*connect_failed)(void *user, const char *uri, const char *proxy_url, int err);
};

XSOCK_API void xsock_set_default_proxy_selector(const xsock_proxy_selector *sel);
XSOCK_API const xsock_proxy_selector *xsock_env_proxy_selector(void);

/* ---- Accounting -------------------------------------------------------- */

typedef struct xsock_stats {
    uint64_t opened, closed;
    uint64_t live, peak;
    uint64_t limit;
    uint64_t os_calls;
} xsock_stats;
XSOCK_API void xsock_get_stats(xsock_stats *st);
XSOCK_API void xsock_set_limit(uint64_t max_live);

typedef struct xsock_info {
    xsock_native handle;
    const char *kind; /* "connecting", "connected", "listening", "accepted", "adopted" */
    const char *local, *peer;
    const char *site;
    uint64_t age_ms;
} xsock_info;
/* cb runs with the record locked (the strings live only during the call):
   it must not create or close sockets.  NULL cb only counts. */
XSOCK_API size_t xsock_foreach_live(void (*cb)(void *user, const xsock_info *info), void *user);
XSOCK_API size_t xsock_report_live(FILE *out);
XSOCK_API long xsock_os_handle_count(void);

/* ---- Tracing ----------------------------------------------------------- */

/* A call that makes a socket (socket, WSASocketW, accept) reports the new
   socket as `handle` when it succeeds (accept: the listener when it
   fails), and as `result` too when it fits in a long.  On 64-bit Windows a
   SOCKET is 64 bits and a long 32: there `handle` is the authoritative
   value, and `result` is LONG_MAX for a SOCKET above it (never a
   truncated value, which could name another socket). */
typedef struct xsock_trace_event {
    const char *call;
    xsock_native handle;
    long result;
    int os_error;
    uint64_t duration_ns;
} xsock_trace_event;
/* cb is called on the thread that made the OS call (a resolver thread for
   getaddrinfo), outside any lock of the library. */
XSOCK_API void xsock_set_trace(void (*cb)(void *user, const xsock_trace_event *ev), void *user);

/* ---- Creation sites ---------------------------------------------------- */

/* The constructors with an explicit creation site.  `site` must outlive
   the socket (a string literal).  NULL records the caller's address. */
XSOCK_API int xsock_connect_at(xsock **out, const char *host, uint16_t port, int timeout_ms,
                               const char *site);
XSOCK_API int xsock_listen_at(xsock **out, const char *host, uint16_t port, int backlog,
                              const char *site);
XSOCK_API int xsock_accept_at(xsock *listener, xsock **out, int timeout_ms, const char *site);
XSOCK_API int xsock_adopt_at(xsock **out, xsock_native h, const char *site);
XSOCK_API int xsock_dial_at(const xsock_dialer *d, xsock **out, const char *host, uint16_t port,
                            const char *site);

#ifdef XSOCK_TRACK_SITES
#define XSOCK_SITE_STR2_(l) #l
#define XSOCK_SITE_STR_(l) XSOCK_SITE_STR2_(l)
#define XSOCK_SITE_ __FILE__ ":" XSOCK_SITE_STR_(__LINE__)
#define xsock_connect(o, h, p, t) xsock_connect_at((o), (h), (p), (t), XSOCK_SITE_)
#define xsock_listen(o, h, p, b) xsock_listen_at((o), (h), (p), (b), XSOCK_SITE_)
#define xsock_accept(l, o, t) xsock_accept_at((l), (o), (t), XSOCK_SITE_)
#define xsock_adopt(o, h) xsock_adopt_at((o), (h), XSOCK_SITE_)
#define xsock_dial(d, o, h, p) xsock_dial_at((d), (o), (h), (p), XSOCK_SITE_)
#endif

#ifdef __cplusplus
}
#endif

#endif /* XSOCK_H */
