/* SPDX-License-Identifier: MIT */
/**
 * @file xsock.h
 * @brief xsock: portable TCP sockets with timed connect, proxies and an
 * exact account of every OS socket held.
 *
 * This header is the whole API; it includes only standard C headers
 * (never `<winsock2.h>` or `<sys/socket.h>`).  Link `xsock::xsock`
 * (static) or `xsock::shared` in CMake, or `pkg-config --libs xsock`;
 * define nothing either way.
 *
 * Conventions that hold for every function below (docs/design.md is the
 * full contract):
 * - **Results**: `int` functions return #XSOCK_OK (0) or a negative
 *   `XSOCK_E*` code (same value on every OS, see #XSOCK_ERRNO_MAP);
 *   byte counts are `ptrdiff_t`, bytes (>= 0) or a negative code.
 *   Constructors take `xsock **out` and set `*out = NULL` on failure.
 *   Every failure sets the calling thread's xsock_last_error_detail() and
 *   xsock_last_os_error(); a success clears neither.
 * - **Timeouts** are `int` milliseconds: #XSOCK_INFINITE (-1) waits
 *   forever, 0 tries once without waiting (XSOCK_EAGAIN when not ready),
 *   > 0 is ONE deadline for the whole call (name resolution, every address,
 *   the proxy and its handshake included).  A call never returns
 *   XSOCK_ETIMEDOUT before its timeout has passed, and never takes much
 *   longer (tens of ms of scheduling noise).  Below -1 is XSOCK_EINVAL.
 * - **Threads**: any function may be called from any thread; one socket is
 *   used by one thread at a time, and xsock_close() wakes no one.
 *   Accounting, selector registration and tracing are thread-safe.
 * - **No signals**: writing to a reset connection returns XSOCK_EPIPE or
 *   XSOCK_ECONNRESET, never SIGPIPE.  Sockets are never inherited by
 *   child processes.
 */
#ifndef XSOCK_H
#define XSOCK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The API exports functions only, never data, so users of the static
   library and of the DLL define nothing.  _WIN32 is tested before
   __GNUC__ because mingw defines both.  (Not part of the API reference.) */
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

/** @name Version of this header
 * The project's only version number: CMake's project(VERSION), the soname
 * (`libxsock.so.MAJOR`), the DLL name (`libxsock-MAJOR.dll`), `xsock.pc`
 * and the CMake package version are all read from these lines.  Within
 * one major version the ABI only grows (README, "Versions and ABI").
 * @{ */
#define XSOCK_VERSION_MAJOR 0 /**< incompatible ABI changes */
#define XSOCK_VERSION_MINOR 1 /**< additions, compatible */
#define XSOCK_VERSION_PATCH 0 /**< fixes only */
#define XSOCK_VERSION_STRING "0.1.0" /**< "MAJOR.MINOR.PATCH" */
/** @} */

/* ---- Errors ---------------------------------------------------------- */

/**
 * @brief Every error code: `X(name, value, description)`.
 *
 * The codes are negative, the same on every OS, and never change value
 * once released.  xsock_strerror() returns the description,
 * xsock_errname() the name.  Expand it with a macro of your own to build
 * a table, e.g. `#define ROW(n, v, d) { v, #n },`.
 *
 * | code | value | meaning |
 * |------|-------|---------|
 * | XSOCK_EINVAL | -1 | bad argument, malformed proxy URL, buffer too small |
 * | XSOCK_ENOMEM | -2 | out of memory |
 * | XSOCK_ETIMEDOUT | -3 | the caller's own deadline passed (never anything else) |
 * | XSOCK_EAGAIN | -4 | timeout 0 and not ready |
 * | XSOCK_ECONNREFUSED | -5 | connection refused |
 * | XSOCK_ECONNRESET | -6 | connection reset by peer |
 * | XSOCK_ECONNABORTED | -7 | aborted, or declared dead by the OS (keepalive, retransmission timeout); sticky |
 * | XSOCK_EPIPE | -8 | write after the connection closed |
 * | XSOCK_ENETUNREACH | -9 | network unreachable |
 * | XSOCK_EHOSTUNREACH | -10 | host unreachable |
 * | XSOCK_EADDRINUSE | -11 | local address in use |
 * | XSOCK_EADDRNOTAVAIL | -12 | address not available |
 * | XSOCK_EAFNOSUPPORT | -13 | address family not supported, or every address skipped |
 * | XSOCK_ENOTFOUND | -14 | the name does not resolve |
 * | XSOCK_EDNSTEMP | -15 | temporary resolver failure |
 * | XSOCK_EMFILE | -16 | the OS has no more handles |
 * | XSOCK_ELIMIT | -17 | the library's own limit (xsock_set_limit()) |
 * | XSOCK_ECLOSED | -18 | the peer closed before the operation completed (data phase) |
 * | XSOCK_EPROXYCONNECT | -19 | cannot reach the proxy itself |
 * | XSOCK_EPROXYPROTO | -20 | the proxy spoke nonsense or closed mid-handshake |
 * | XSOCK_EPROXYAUTH | -21 | the proxy wants authentication or rejected it |
 * | XSOCK_EPROXY_GENERAL | -22 | SOCKS5 reply 0x01, SOCKS4 91, other HTTP statuses |
 * | XSOCK_EPROXY_NOTALLOWED | -23 | SOCKS5 0x02, HTTP 403 |
 * | XSOCK_EPROXY_NETUNREACH | -24 | SOCKS5 0x03 |
 * | XSOCK_EPROXY_HOSTUNREACH | -25 | SOCKS5 0x04, HTTP 404 |
 * | XSOCK_EPROXY_CONNREFUSED | -26 | SOCKS5 0x05, HTTP 502/503 when the proxy says the target refused |
 * | XSOCK_EPROXY_TTLEXPIRED | -27 | SOCKS5 0x06, HTTP 504 |
 * | XSOCK_EPROXY_CMDNOTSUP | -28 | SOCKS5 0x07 |
 * | XSOCK_EPROXY_ATYPNOTSUP | -29 | SOCKS5 0x08 |
 * | XSOCK_EOS | -30 | any other OS error (see xsock_last_os_error()) |
 */
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

/** @brief The error codes of #XSOCK_ERRNO_MAP as enumerators, and #XSOCK_OK.
    XSOCK_OK comes last so that no enumerator list ends in a comma (C89). */
enum {
#define XSOCK_ENUM_ENTRY_(name, value, text) name = value,
    XSOCK_ERRNO_MAP(XSOCK_ENUM_ENTRY_)
#undef XSOCK_ENUM_ENTRY_
    XSOCK_OK = 0 /**< success */
};

/**
 * @brief The description of an error code ("timed out").
 * @param err #XSOCK_OK or an `XSOCK_E*` code.
 * @return A static string; "success" for #XSOCK_OK, "unknown error" for a
 * value that is no code.  Never NULL.  Thread-safe, sets no error.
 */
XSOCK_API const char *xsock_strerror(int err);
/**
 * @brief The name of an error code ("XSOCK_ETIMEDOUT").
 * @return A static string; "XSOCK_OK" for 0, "XSOCK_E?" for a value that
 * is no code.  Never NULL.  Thread-safe, sets no error.
 */
XSOCK_API const char *xsock_errname(int err);
/**
 * @brief The OS error code of the calling thread's last failure.
 * @return The raw errno (POSIX) or WSAGetLastError() (Windows) value of
 * the OS call that failed, or 0 when the last failure came from no OS call
 * (a bad argument, a proxy reply, a skipped address).  Never a value left
 * over from an earlier call.  Per thread; a success does not clear it.
 */
XSOCK_API int xsock_last_os_error(void);
/**
 * @brief One line describing the calling thread's last failure.
 *
 * Says which call failed on which address and with which OS code, e.g.
 * `connect 127.0.0.1:9: connection refused (os 111)`; a dial lists every
 * address tried with its own result, a proxy failure the raw reply code or
 * HTTP status line, send_all/recv_all failures "after N of M bytes".  A
 * password never appears in it.  Long details end in "...".
 * @return A string owned by the library, valid on this thread until its
 * next failing xsock call; "" before any failure.  Per thread; a success
 * does not clear it.
 */
XSOCK_API const char *xsock_last_error_detail(void);

/* ---- Library ----------------------------------------------------------- */

/** A timeout that waits forever. */
#define XSOCK_INFINITE (-1)

/**
 * @brief The version of the library linked at run time, "MAJOR.MINOR.PATCH".
 *
 * The header's #XSOCK_VERSION_STRING is the version compiled against; with
 * the shared library the two may differ (same major version: compatible).
 * @return A static string, never NULL.  Thread-safe; needs no xsock_init().
 */
XSOCK_API const char *xsock_version(void);

/**
 * @brief Start the library (WSAStartup on Windows); reference counted.
 *
 * Optional on POSIX; on Windows the first constructor calls it implicitly
 * if the application did not.  Each successful call needs one
 * xsock_cleanup().
 * @retval XSOCK_OK started, or the count went up.
 * @retval XSOCK_EOS the OS socket layer did not start (WSAStartup failed;
 * the code is in xsock_last_os_error()).
 * Thread-safe.
 */
XSOCK_API int xsock_init(void);
/**
 * @brief Undo one xsock_init(); the last one stops the OS layer.
 *
 * Sockets still open are leaks: each is reported on stderr (as by
 * xsock_report_live()) and the OS layer stays up while they live.  After
 * the last cleanup returns no application callback (trace hook, selector)
 * is called from any thread.
 * @return The number of sockets still open (0 when none leaked); never an
 * error.  Thread-safe.
 */
XSOCK_API int xsock_cleanup(void);

/* ---- Sockets --------------------------------------------------------- */

/** @brief A TCP socket (opaque): one per OS socket, counted from creation to close. */
typedef struct xsock xsock;
/** @brief The OS handle: an `int` fd on POSIX, a `SOCKET` on Windows. */
typedef uintptr_t xsock_native;
/** No OS handle (what xsock_native_handle(NULL) and a refused xsock_release() return). */
#define XSOCK_INVALID_NATIVE ((xsock_native)-1)

/** @name xsock_shutdown() directions
 * @{ */
#define XSOCK_SHUT_RD 0   /**< no more receives */
#define XSOCK_SHUT_WR 1   /**< no more sends: the peer reads EOF */
#define XSOCK_SHUT_RDWR 2 /**< both */
/** @} */

/** @name Address families for xsock_dialer_set_family()
 * @{ */
#define XSOCK_AF_UNSPEC 0 /**< any: IPv6 and IPv4 interleaved (RFC 8305) */
#define XSOCK_AF_INET 4   /**< IPv4 only */
#define XSOCK_AF_INET6 6  /**< IPv6 only */
/** @} */

/**
 * @brief Connect to host:port within one deadline: a dial with a default
 * dialer whose timeout is @p timeout_ms (see xsock_dial()).
 *
 * @param out set to the connected socket, or NULL on failure.
 * @param host a name or an IP literal (IPv6 without brackets or with);
 * names are resolved inside the deadline, a literal never reaches the
 * resolver.
 * @param port 1..65535.
 * @param timeout_ms covers resolution and every address tried;
 * #XSOCK_INFINITE, 0 (one try: XSOCK_EAGAIN while the connect is still
 * in progress; a name gets at most 10 ms of resolver) or a deadline.
 * The default selector (xsock_set_default_proxy_selector()) applies.
 * @retval XSOCK_OK connected.
 * @retval XSOCK_EINVAL NULL out or host, port 0, timeout below -1.
 * @retval XSOCK_ETIMEDOUT the deadline passed (an attempt the OS abandoned
 * earlier is retried until then).
 * @retval XSOCK_EAGAIN timeout 0 and not connected yet.
 * @retval XSOCK_ECONNREFUSED, XSOCK_EHOSTUNREACH, XSOCK_ENETUNREACH,
 * XSOCK_EADDRNOTAVAIL, XSOCK_EOS when every address failed: the most
 * informative wins (refused > host unreachable > net unreachable > address
 * not available > other OS error > timed out).
 * @retval XSOCK_ENOTFOUND, XSOCK_EDNSTEMP the name does not resolve / the
 * resolver failed.
 * @retval XSOCK_EMFILE, XSOCK_ELIMIT no handle left (OS / xsock_set_limit()).
 * @retval XSOCK_ENOMEM out of memory.
 * @retval XSOCK_EPROXY* through a proxy of the default selector (see xsock_dial()).
 */
XSOCK_API int xsock_connect(xsock **out, const char *host, uint16_t port, int timeout_ms);
/**
 * @brief Listen on host:port.
 *
 * @param out set to the listening socket, or NULL on failure.
 * @param host NULL: all interfaces, dual-stack where the OS allows (`::`
 * with IPV6_V6ONLY off), else 0.0.0.0; an IP literal; or a name, which
 * listens on its first IPv4 address when it has one ("localhost" is
 * 127.0.0.1), else its first address.
 * @param port 0 for an ephemeral port (read it with xsock_local_port()).
 * @param backlog the accept queue length (>= 0; 0: the OS default).
 * Listeners do not share ports (SO_EXCLUSIVEADDRUSE on Windows).  Does not
 * wait.
 * @retval XSOCK_OK listening.
 * @retval XSOCK_EINVAL NULL out, negative backlog, empty host.
 * @retval XSOCK_EADDRINUSE the port is taken.
 * @retval XSOCK_EADDRNOTAVAIL the address is not local.
 * @retval XSOCK_ENOTFOUND, XSOCK_EDNSTEMP the host name does not resolve.
 * @retval XSOCK_EMFILE, XSOCK_ELIMIT, XSOCK_ENOMEM, XSOCK_EOS no handle,
 * library limit, memory, other OS failure.
 */
XSOCK_API int xsock_listen(xsock **out, const char *host, uint16_t port, int backlog);
/**
 * @brief Accept one connection from a listener.
 *
 * Waits up to @p timeout_ms for a connection.  A waiting accept holds no
 * slot of the library's limit; at the limit it returns XSOCK_ELIMIT and
 * leaves the connection queued in the OS.  Accepted sockets are not
 * inheritable either.
 *
 * Out of handles (XSOCK_EMFILE), the connection also stays queued and the
 * listener stays readable: xsock_accept() returns at once every time, but
 * an application's own poll-then-accept loop would spin.  Stop polling the
 * listener until a handle has been freed (a close), or do what libuv and
 * nginx do: keep one spare handle open, and at EMFILE close it, accept and
 * close the connection (the client sees a clean close, not a hang), then
 * open the spare again.
 * @retval XSOCK_OK @p out is the accepted socket (kind "accepted").
 * @retval XSOCK_EINVAL NULL listener or out, timeout below -1.
 * @retval XSOCK_ETIMEDOUT nobody connected within the timeout.
 * @retval XSOCK_EAGAIN timeout 0 and nobody waiting.
 * @retval XSOCK_ELIMIT, XSOCK_EMFILE, XSOCK_ENOMEM, XSOCK_EOS limit,
 * no handle, memory, other OS failure.
 */
XSOCK_API int xsock_accept(xsock *listener, xsock **out, int timeout_ms);
/**
 * @brief Send some bytes: waits until at least one can be sent, then sends
 * what the OS takes (possibly less than @p len).
 * @return The number of bytes sent (0 only when @p len is 0), or:
 * XSOCK_EINVAL (NULL socket or buffer with len > 0, timeout below -1),
 * XSOCK_ETIMEDOUT (nothing could be sent before the deadline),
 * XSOCK_EAGAIN (timeout 0 and the send buffer is full),
 * XSOCK_EPIPE / XSOCK_ECONNRESET (the connection is gone; never SIGPIPE),
 * XSOCK_ECONNABORTED (the OS declared the connection dead; every later
 * send and recv returns it too), XSOCK_EOS.
 */
XSOCK_API ptrdiff_t xsock_send(xsock *s, const void *buf, size_t len, int timeout_ms);
/**
 * @brief Receive some bytes: waits until at least one is there.
 *
 * Bytes a proxy sent together with its reply (xsock_buffered()) come first.
 * @return The number of bytes received (up to @p len), 0 at orderly EOF
 * (or when @p len is 0), or: XSOCK_EINVAL, XSOCK_ETIMEDOUT (nothing
 * arrived before the deadline), XSOCK_EAGAIN (timeout 0 and nothing there),
 * XSOCK_ECONNRESET, XSOCK_ECONNABORTED (sticky, as for xsock_send()),
 * XSOCK_EOS.
 */
XSOCK_API ptrdiff_t xsock_recv(xsock *s, void *buf, size_t len, int timeout_ms);
/**
 * @brief Send all @p len bytes within one deadline.
 *
 * Use xsock_send_all_ex() to learn how many were sent before a failure;
 * the detail says "after N of M bytes" for every failure.
 * @retval XSOCK_OK all sent.
 * @retval XSOCK_ETIMEDOUT the deadline passed before all were sent.
 * @retval XSOCK_EAGAIN timeout 0 and the OS would not take all at once.
 * @retval XSOCK_EINVAL, XSOCK_EPIPE, XSOCK_ECONNRESET, XSOCK_ECONNABORTED,
 * XSOCK_EOS as for xsock_send().
 */
XSOCK_API int xsock_send_all(xsock *s, const void *buf, size_t len, int timeout_ms);
/**
 * @brief Receive exactly @p len bytes within one deadline.
 * @retval XSOCK_OK all received.
 * @retval XSOCK_ECLOSED the peer closed (EOF) before @p len bytes came.
 * @retval XSOCK_ETIMEDOUT the deadline passed first.
 * @retval XSOCK_EAGAIN timeout 0 and not all were there.
 * @retval XSOCK_EINVAL, XSOCK_ECONNRESET, XSOCK_ECONNABORTED, XSOCK_EOS as
 * for xsock_recv().
 * The bytes received before a failure are in @p buf; xsock_recv_all_ex()
 * says how many.
 */
XSOCK_API int xsock_recv_all(xsock *s, void *buf, size_t len, int timeout_ms);
/**
 * @brief xsock_send_all(), and @p done (may be NULL) is set to the number
 * of bytes sent, whatever the result (Java's `bytesTransferred`).
 * @return As xsock_send_all().
 */
XSOCK_API int xsock_send_all_ex(xsock *s, const void *buf, size_t len, int timeout_ms,
                                size_t *done);
/**
 * @brief xsock_recv_all(), and @p done (may be NULL) is set to the number
 * of bytes received into @p buf, whatever the result.
 * @return As xsock_recv_all().
 */
XSOCK_API int xsock_recv_all_ex(xsock *s, void *buf, size_t len, int timeout_ms, size_t *done);
/**
 * @brief Bytes the library holds for the next xsock_recv(): what a proxy
 * sent together with its reply.
 *
 * Code that reads the native handle directly must read these first.
 * @return The count; 0 for NULL or when none are held.  Never fails.
 */
XSOCK_API size_t xsock_buffered(const xsock *s);
/**
 * @brief Shut down one or both directions (the peer reads EOF after
 * #XSOCK_SHUT_WR).  Does not wait; the socket stays open and counted.
 * @param s the socket.
 * @param how #XSOCK_SHUT_RD, #XSOCK_SHUT_WR or #XSOCK_SHUT_RDWR.
 * @retval XSOCK_OK done.
 * @retval XSOCK_EINVAL NULL socket or another @p how.
 * @retval XSOCK_ECONNRESET, XSOCK_EOS the OS refused (e.g. not connected).
 */
XSOCK_API int xsock_shutdown(xsock *s, int how);
/**
 * @brief Close the socket and release its record; always releases, even
 * when the OS reports an error.
 *
 * Do not close a socket another thread is using: it wakes no one.
 * @retval XSOCK_OK closed; also for NULL (a no-op).
 * @retval XSOCK_EOS the OS close failed (the socket is released all the same).
 */
XSOCK_API int xsock_close(xsock *s);
/**
 * @brief The local address as "127.0.0.1:80" or "[::1]:80".
 * @param s the socket.
 * @param buf receives the string, NUL-terminated; 48 bytes hold any address.
 * @param len the size of @p buf.
 * @retval XSOCK_OK written.
 * @retval XSOCK_EINVAL NULL socket or buffer, or @p len too small.
 * @retval XSOCK_EOS the OS could not say (getsockname failed).
 */
XSOCK_API int xsock_local_addr(const xsock *s, char *buf, size_t len);
/**
 * @brief The OS peer address as "127.0.0.1:80" or "[::1]:80"; for a
 * proxied socket, the proxy.  IPv4 peers of a dual-stack listener read as
 * plain IPv4.
 * @retval XSOCK_OK written.
 * @retval XSOCK_EINVAL NULL socket or buffer, or @p len too small.
 * @retval XSOCK_EOS the OS could not say (e.g. a listener has no peer).
 */
XSOCK_API int xsock_peer_addr(const xsock *s, char *buf, size_t len);
/**
 * @brief The local port (the one chosen when listening on port 0).
 * @return The port (1..65535), or XSOCK_EINVAL for NULL, XSOCK_EOS when
 * the OS could not say.
 */
XSOCK_API int xsock_local_port(const xsock *s);
/**
 * @brief Turn Nagle's algorithm off (@p on nonzero: TCP_NODELAY) or on.
 * @retval XSOCK_OK set.  @retval XSOCK_EINVAL NULL socket.
 * @retval XSOCK_EOS the OS refused.
 */
XSOCK_API int xsock_set_nodelay(xsock *s, int on);
/**
 * @brief TCP keepalive on or off.
 * @param s the socket.
 * @param on nonzero: on.
 * @param idle_s seconds of idleness before the first probe; 0 keeps the
 * OS default.  A connection the probes declare dead then fails with
 * XSOCK_ECONNABORTED.
 * @retval XSOCK_OK set.  @retval XSOCK_EINVAL NULL socket, negative idle.
 * @retval XSOCK_EOS the OS refused.
 */
XSOCK_API int xsock_set_keepalive(xsock *s, int on, int idle_s);
/**
 * @brief The OS handle, still owned by the library (do not close it).
 * @return The handle, or #XSOCK_INVALID_NATIVE for NULL.  Never fails.
 */
XSOCK_API xsock_native xsock_native_handle(const xsock *s);
/**
 * @brief Take ownership of an OS TCP socket (IPv4 or IPv6 stream), which
 * is then counted (kind "adopted") and made nonblocking and
 * non-inheritable.
 * @retval XSOCK_OK adopted; close it with xsock_close() or give it back
 * with xsock_release() (in the blocking mode it came in).
 * @retval XSOCK_EINVAL NULL out, #XSOCK_INVALID_NATIVE, or not a TCP
 * socket of IPv4/IPv6 (UDP, AF_UNIX): the handle stays the caller's.
 * @retval XSOCK_ELIMIT, XSOCK_ENOMEM, XSOCK_EOS limit, memory, OS failure.
 */
XSOCK_API int xsock_adopt(xsock **out, xsock_native h);
/**
 * @brief Give the OS handle back to the caller and free the xsock; counts
 * as a close in the statistics.
 * @return The handle, or #XSOCK_INVALID_NATIVE for NULL and while bytes
 * are buffered (xsock_buffered(): the detail says how many; the socket
 * stays open and owned by the library: read them first).
 */
XSOCK_API xsock_native xsock_release(xsock *s);

/** @name xsock_poll() events
 * @{ */
#define XSOCK_POLLIN 0x01  /**< readable (data, EOF, or a connection to accept) */
#define XSOCK_POLLOUT 0x04 /**< writable (or a connect finished) */
#define XSOCK_POLLERR 0x08 /**< error (revents only) */
#define XSOCK_POLLHUP 0x10 /**< hang-up (revents only) */
/** @} */

/** @brief One entry of xsock_poll(). */
typedef struct {
    xsock *sock;   /**< the socket; NULL entries are ignored (revents 0) */
    short events;  /**< XSOCK_POLLIN and/or XSOCK_POLLOUT */
    short revents; /**< set by xsock_poll() */
} xsock_pollfd;
/**
 * @brief Wait until one of the sockets is ready, like poll(2).
 *
 * A socket holding buffered proxy bytes is readable at once.  `n == 0` or
 * every entry NULL waits for the timeout and returns 0, as poll(2) does.
 * Interrupted waits go on until the deadline.
 * @return The number of entries with revents set (0 when the timeout
 * passed: no XSOCK_ETIMEDOUT, no XSOCK_EAGAIN), or XSOCK_EINVAL (NULL
 * fds with n > 0, timeout below -1), XSOCK_ENOMEM, XSOCK_EOS.
 */
XSOCK_API int xsock_poll(xsock_pollfd *fds, size_t n, int timeout_ms);

/* ---- Dialer ------------------------------------------------------------ */

/** @brief Every connect option in one place (opaque, reusable).  Set it up
    on one thread; while it dials it is read only, and several threads may
    dial with it at once. */
typedef struct xsock_dialer xsock_dialer;
/** @brief See struct xsock_proxy_selector. */
typedef struct xsock_proxy_selector xsock_proxy_selector;

/**
 * @brief A dialer with the defaults: timeout #XSOCK_INFINITE, any family,
 * no local address, happy eyeballs every 250 ms, no proxy of its own.
 * @return The dialer, or NULL (XSOCK_ENOMEM in xsock_last_error_detail()).
 */
XSOCK_API xsock_dialer *xsock_dialer_new(void);
/** @brief Free a dialer (NULL: no-op).  Sockets it made stay open. */
XSOCK_API void xsock_dialer_free(xsock_dialer *d);
/**
 * @brief The one deadline of each xsock_dial(): resolution, every address,
 * the proxy connect and handshake.  See "Timeouts" above.
 * @retval XSOCK_OK set.  @retval XSOCK_EINVAL NULL dialer, below -1.
 */
XSOCK_API int xsock_dialer_set_timeout(xsock_dialer *d, int timeout_ms);
/**
 * @brief Which target addresses a direct dial tries, and the address a
 * `socks5://` proxy is sent (the proxy itself is reached over any family).
 * @param d the dialer.
 * @param family #XSOCK_AF_UNSPEC, #XSOCK_AF_INET or #XSOCK_AF_INET6.
 * @retval XSOCK_OK set.  @retval XSOCK_EINVAL NULL dialer, another value.
 */
XSOCK_API int xsock_dialer_set_family(xsock_dialer *d, int family);
/**
 * @brief Bind every attempt to a local address and/or port.
 * @param d the dialer.
 * @param host an IP literal, or NULL to bind only the port; an attempt to
 * a target of the other family is skipped (no attempt; only when all are
 * skipped is the dial XSOCK_EAFNOSUPPORT).
 * @param port 0: any.  With a fixed port the dial's own attempts never
 * collide; a busy port is XSOCK_EADDRINUSE from xsock_dial().
 * @retval XSOCK_OK set.  @retval XSOCK_EINVAL NULL dialer, not an IP literal.
 */
XSOCK_API int xsock_dialer_set_local(xsock_dialer *d, const char *host, uint16_t port);
/**
 * @brief The delay between starting attempts to several addresses (RFC 8305).
 * @param d the dialer.
 * @param delay_ms > 0: a new attempt every delay_ms while earlier ones are
 * pending, the first to connect wins and the rest are closed; 0: one
 * address at a time, each getting an equal share of the time left (at
 * least 2 s when the deadline allows).
 * @retval XSOCK_OK set.  @retval XSOCK_EINVAL NULL dialer, negative delay.
 */
XSOCK_API int xsock_dialer_set_happy_eyeballs(xsock_dialer *d, int delay_ms);
/**
 * @brief A fixed proxy for every dial of this dialer.
 * @param d the dialer.
 * @param url `socks4://`, `socks4a://`, `socks5://` (the client resolves),
 * `socks5h://` (the proxy resolves), `http://` (CONNECT), with optional
 * percent-encoded `user:pass@` and `:port` (default 1080 / 8080); `"direct"`
 * forces a direct connect ignoring every selector; NULL removes it.
 * @retval XSOCK_OK set.
 * @retval XSOCK_EINVAL NULL dialer, or a malformed URL (the detail says
 * why: unknown scheme, bad port, a field over 255 bytes, CR/LF/NUL, a ':'
 * in an HTTP user).
 * @retval XSOCK_ENOMEM out of memory.
 */
XSOCK_API int xsock_dialer_set_proxy(xsock_dialer *d, const char *url);
/**
 * @brief A proxy selector for this dialer's dials (used when no fixed proxy
 * is set); @p sel must outlive the dialer's use.  NULL removes it.
 * @retval XSOCK_OK set.  @retval XSOCK_EINVAL NULL dialer, or no select function.
 */
XSOCK_API int xsock_dialer_set_proxy_selector(xsock_dialer *d, const xsock_proxy_selector *sel);
/**
 * @brief Connect to host:port with every option of the dialer, within its
 * one deadline.
 *
 * The route, first found: the fixed proxy, the dialer's selector, the
 * default selector, otherwise direct.  Direct: the addresses are tried in
 * RFC 8305 order (see xsock_dialer_set_happy_eyeballs()).  Through
 * proxies: each entry the selector added is tried in turn, and
 * `connect_failed` hears of each that failed; after a timeout none further
 * is tried.  No socket made on the way outlives the call.
 * @retval XSOCK_OK connected; for a proxied socket xsock_peer_addr() is the proxy.
 * @retval XSOCK_EINVAL NULL dialer, out or host; port 0; a target a proxy
 * cannot carry (a host over 255 bytes for socks5h/socks4a, CR/LF in a host
 * for http), detected before any connection.
 * @retval XSOCK_EAFNOSUPPORT every address skipped (family, local address),
 * or an IPv6 target through SOCKS4.
 * @retval XSOCK_EPROXYCONNECT the proxy could not be reached.
 * @retval XSOCK_EPROXYPROTO the proxy spoke nonsense or closed mid-handshake.
 * @retval XSOCK_EPROXYAUTH the proxy wants credentials or rejected them.
 * @retval XSOCK_EPROXY_GENERAL ... XSOCK_EPROXY_ATYPNOTSUP the proxy's
 * reply (SOCKS5 code, SOCKS4 rejection, HTTP status; the raw one is in the detail).
 * @retval other the codes of xsock_connect() (timeouts, refused, names,
 * limits); with several proxies, the error of the last one tried.
 * A negative return of the selector's `select` aborts with that code.
 */
XSOCK_API int xsock_dial(const xsock_dialer *d, xsock **out, const char *host, uint16_t port);

/* ---- Proxies ----------------------------------------------------------- */

/** @brief The list a selector's `select` fills (opaque, owned by the dial). */
typedef struct xsock_proxy_list xsock_proxy_list;
/**
 * @brief Add a proxy URL (or "direct") to try, in order; for use inside a
 * selector's `select`.  The URL is copied.
 * @retval XSOCK_OK added.
 * @retval XSOCK_EINVAL NULL list or a malformed URL (as for
 * xsock_dialer_set_proxy(); the detail says why).
 * @retval XSOCK_ENOMEM out of memory.
 */
XSOCK_API int xsock_proxy_list_add(xsock_proxy_list *list, const char *url);

/**
 * @brief Chooses proxies per destination, like Java's `ProxySelector`.
 *
 * The callbacks run on the dialing thread, outside any lock of the library;
 * they may be called from several threads at once and must not close
 * sockets the dial is using.
 */
struct xsock_proxy_selector {
    void *user; /**< passed back to both callbacks */
    /** uri is "socket://host:port" (IPv6 bracketed, the host as the caller
        gave it).  Add proxies to try, in order; add "direct" to connect
        without one.  Adding nothing means direct.  A negative return
        aborts the connect with that code. */
    int (*select)(void *user, const char *uri, xsock_proxy_list *out);
    /** Called for each proxy that failed, before the next is tried, with
        the URL as given minus its userinfo; not for "direct".  May be NULL. */
    void (*connect_failed)(void *user, const char *uri, const char *proxy_url, int err);
};

/**
 * @brief The selector of every dial whose dialer has neither a fixed proxy
 * nor a selector (xsock_connect() included); NULL: none (direct).
 * @p sel must stay valid while set.  Thread-safe; never fails.
 */
XSOCK_API void xsock_set_default_proxy_selector(const xsock_proxy_selector *sel);
/**
 * @brief A selector that follows curl's environment variables, read at
 * every select: `socks_proxy`, then `all_proxy` (lowercase before
 * uppercase in each pair; scheme-less values are socks5:// for socks_proxy,
 * http:// otherwise) and `no_proxy` (comma or space separated suffixes on
 * label boundaries, `*`, IP literals, CIDR blocks, `:port`).  The
 * environment is never read unless this selector is installed.
 * @return A static selector, never NULL.  Thread-safe.
 */
XSOCK_API const xsock_proxy_selector *xsock_env_proxy_selector(void);

/* ---- Accounting -------------------------------------------------------- */

/** @brief Counters of the OS sockets the library holds; `opened - closed == live`. */
typedef struct xsock_stats {
    uint64_t opened;   /**< sockets made or adopted since start */
    uint64_t closed;   /**< closed since start (xsock_release() counts as a close) */
    uint64_t live;     /**< open now */
    uint64_t peak;     /**< the most open at once */
    uint64_t limit;    /**< xsock_set_limit(); 0: none */
    uint64_t os_calls; /**< socket-related OS calls made */
} xsock_stats;
/** @brief Copy the counters into @p st (NULL: no-op).  Thread-safe, O(1). */
XSOCK_API void xsock_get_stats(xsock_stats *st);
/**
 * @brief Beyond @p max_live live sockets every constructor fails with
 * XSOCK_ELIMIT before any OS call (an accept leaves the connection
 * queued; a dial goes on one address at a time).  0: no limit.
 * Thread-safe.
 */
XSOCK_API void xsock_set_limit(uint64_t max_live);

/** @brief One live socket, as xsock_foreach_live() shows it. */
typedef struct xsock_info {
    xsock_native handle; /**< the OS handle */
    const char *kind;    /**< "connecting", "connected", "listening", "accepted", "adopted" */
    const char *local;   /**< local address, "" when unknown */
    const char *peer;    /**< peer address ("target via proxy-host:port" when proxied), "" when unknown */
    const char *site;    /**< where it was made: "file.c:LINE" or "module+0xOFFSET" */
    uint64_t age_ms;     /**< since creation */
} xsock_info;
/**
 * @brief Call @p cb once per live socket.
 *
 * The records are copied under the registry lock and @p cb runs outside
 * it; the strings live only during the call.  @p cb must not create or
 * close sockets.  NULL @p cb only counts.  Thread-safe.
 * @return The number of live sockets.
 */
XSOCK_API size_t xsock_foreach_live(void (*cb)(void *user, const xsock_info *info), void *user);
/**
 * @brief Print one line per live socket to @p out: handle, kind, local,
 * peer, age and site.  Thread-safe.
 * @return The number of sockets printed.
 */
XSOCK_API size_t xsock_report_live(FILE *out);
/**
 * @brief The OS's own count of this process's open sockets, for
 * cross-checks (compare deltas): Linux counts socket descriptors in
 * /proc/self/fd, Windows socket handles in the system handle table.
 * @return The count, or -1 where unknown.  Thread-safe.
 */
XSOCK_API long xsock_os_handle_count(void);

/* ---- Tracing ----------------------------------------------------------- */

/** @brief One OS call the library made. */
typedef struct xsock_trace_event {
    const char *call;     /**< "socket", "connect", "poll", "WSAPoll", "getsockopt", "close", ... */
    xsock_native handle;  /**< the socket, or XSOCK_INVALID_NATIVE for calls on several or none */
    long result;          /**< the call's return value */
    int os_error;         /**< raw errno / WSAGetLastError (EINPROGRESS included); 0 on success */
    uint64_t duration_ns; /**< how long the call took */
} xsock_trace_event;
/**
 * @brief Report every socket-related OS call to @p cb (NULL: off; the cost
 * is then one branch per call).
 *
 * @p cb is called on the thread that made the OS call (a resolver thread
 * for getaddrinfo), outside any lock of the library, and never after the
 * last xsock_cleanup() has returned.  Thread-safe; never fails.
 */
XSOCK_API void xsock_set_trace(void (*cb)(void *user, const xsock_trace_event *ev), void *user);

/* ---- Creation sites ---------------------------------------------------- */

/* The constructors with an explicit creation site.  Code compiled with
   XSOCK_TRACK_SITES defined before including this header calls them
   through macros passing "file.c:LINE"; other code records the caller's
   code address ("module+0xOFFSET", for addr2line). */

/** @brief xsock_connect() recording @p site ("file.c:LINE"; must outlive
    the socket, e.g. a string literal; NULL: the caller's address).
    @return As xsock_connect(). */
XSOCK_API int xsock_connect_at(xsock **out, const char *host, uint16_t port, int timeout_ms,
                               const char *site);
/** @brief xsock_listen() recording @p site (as xsock_connect_at()).
    @return As xsock_listen(). */
XSOCK_API int xsock_listen_at(xsock **out, const char *host, uint16_t port, int backlog,
                              const char *site);
/** @brief xsock_accept() recording @p site (as xsock_connect_at()).
    @return As xsock_accept(). */
XSOCK_API int xsock_accept_at(xsock *listener, xsock **out, int timeout_ms, const char *site);
/** @brief xsock_adopt() recording @p site (as xsock_connect_at()).
    @return As xsock_adopt(). */
XSOCK_API int xsock_adopt_at(xsock **out, xsock_native h, const char *site);
/** @brief xsock_dial() recording @p site (as xsock_connect_at()).
    @return As xsock_dial(). */
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
