/* SPDX-License-Identifier: MIT */
/* xnc: a small netcat-like client, interactive like ncat: what the peer
   sends is printed as it arrives while standard input is still being read
   (a server that speaks first shows its banner at once), and standard
   input goes to the peer as it is typed.  At the end of standard input xnc
   half-closes the connection and keeps printing until the peer closes.

   Everything before the session goes through one dialer: its timeout
   covers the name resolution, the connect to the proxy and the proxy
   handshake.

   How the session waits for both directions at once:
   - POSIX: one poll(2) over standard input (fd 0) and the socket's native
     handle.
   - Windows: Winsock cannot wait on a console or a pipe, so a reader
     thread copies standard input into a loopback socket pair, and the main
     thread waits with xsock_poll() over the peer's socket and the pair's
     reading end.  Each socket is used by one thread only, as the library
     requires. */
#ifdef _WIN32
#define WIN32_LEAN_AND_MEAN
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0601 /* CancelSynchronousIo (Vista); the library targets 7 */
#endif
#else
#define _POSIX_C_SOURCE 200809L /* poll, read, clock_gettime */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xsock.h>

#include "args.h"

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <process.h>
#include <windows.h>
#else
#include <poll.h>
#include <time.h>
#include <unistd.h>
#endif

static const char usage_text[] =
    "usage: xnc [options] host port\n"
    "\n"
    "Connects to host:port, sends standard input and prints what the peer sends\n"
    "as it arrives.  At the end of standard input the connection is half-closed\n"
    "and xnc prints until the peer closes.\n"
    "\n"
    "  --timeout MS       connect deadline: resolution, every address, the proxy\n"
    "                     and its handshake (default 10000)\n"
    "  -i, --idle-timeout MS\n"
    "                     end the session (exit 1) after MS with no data either\n"
    "                     way (ncat's -i; default: none)\n"
    "  --proxy URL        connect through socks4://, socks4a://, socks5://,\n"
    "                     socks5h:// or http:// (CONNECT), with an optional\n"
    "                     user:password@ (percent-encoded), or \"direct\"\n"
    "  --env-proxy        follow socks_proxy, all_proxy and no_proxy (lowercase\n"
    "                     first, as curl does); --proxy wins over it\n"
    "  --trace            print every OS call of the library on stderr\n"
    "  -h, --help         print this help and exit\n"
    "\n"
    "Exit status: 0 when the peer closed the connection, 1 on a failure or an\n"
    "idle timeout, 2 on a bad argument.\n";

static void print_call(void *user, const xsock_trace_event *ev)
{
    (void)user;
    fprintf(stderr, "xnc: %s(handle %lld) = %ld, os_error %d, %.1f us\n", ev->call,
            ev->handle == XSOCK_INVALID_NATIVE ? -1LL : (long long)ev->handle, ev->result,
            ev->os_error, (double)ev->duration_ns / 1000.0);
}

static long long now_ms(void)
{
#ifdef _WIN32
    return (long long)GetTickCount64();
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
#endif
}

/* ---- standard input as something the session can wait on ---------------- */

typedef struct stdin_source {
#ifdef _WIN32
    xsock *pair_reader; /* main thread's end: stdin bytes arrive here */
    xsock *pair_writer; /* the reader thread's end */
    HANDLE thread;
#else
    int fd;
#endif
} stdin_source;

#ifdef _WIN32
static unsigned __stdcall copy_stdin_to_pair(void *arg)
{
    stdin_source *in = arg;
    HANDLE h = GetStdHandle(STD_INPUT_HANDLE);
    char buf[16384];
    DWORD got = 0;
    /* ReadFile returns what is there (a pipe's chunk, a console line), so
       each piece goes on at once; EOF, a closed pipe or no stdin end it. */
    while (h != NULL && h != INVALID_HANDLE_VALUE && ReadFile(h, buf, sizeof buf, &got, NULL) && got > 0)
        if (xsock_send_all(in->pair_writer, buf, got, XSOCK_INFINITE) != XSOCK_OK) break;
    /* the reading end sees EOF, which is stdin's EOF to the session */
    xsock_close(in->pair_writer);
    in->pair_writer = NULL;
    return 0;
}

static int stdin_open_source(stdin_source *in)
{
    xsock *listener = NULL;
    memset(in, 0, sizeof *in);
    int rc = xsock_listen(&listener, "127.0.0.1", 0, 1);
    if (rc == XSOCK_OK) rc = xsock_connect(&in->pair_writer, "127.0.0.1", (uint16_t)xsock_local_port(listener), 5000);
    if (rc == XSOCK_OK) rc = xsock_accept(listener, &in->pair_reader, 5000);
    xsock_close(listener);
    if (rc == XSOCK_OK) {
        /* another local process could have connected first: the accepted
           peer must be our own writer */
        char ours[64] = "", theirs[64] = "";
        xsock_local_addr(in->pair_writer, ours, sizeof ours);
        xsock_peer_addr(in->pair_reader, theirs, sizeof theirs);
        if (strcmp(ours, theirs) != 0) {
            fprintf(stderr, "xnc: stdin pair: unexpected peer %s (expected %s)\n", theirs, ours);
            rc = XSOCK_EOS;
        }
    }
    if (rc == XSOCK_OK) {
        in->thread = (HANDLE)_beginthreadex(NULL, 0, copy_stdin_to_pair, in, 0, NULL);
        if (!in->thread) rc = XSOCK_ENOMEM;
    }
    if (rc != XSOCK_OK) {
        fprintf(stderr, "xnc: cannot set up the stdin reader: %s\n", xsock_last_error_detail());
        xsock_close(in->pair_reader);
        xsock_close(in->pair_writer);
        return rc;
    }
    _setmode(_fileno(stdout), _O_BINARY); /* bytes as received, no CRLF translation */
    return XSOCK_OK;
}

/* 1: the reader thread has finished (its socket is closed), 0: it is still
   blocked reading stdin, which a peer that closed first leaves it in. */
static int stdin_close_source(stdin_source *in)
{
    xsock_close(in->pair_reader);
    /* Wake a ReadFile on a console or pipe; the thread then fails its send
       on the closed pair and closes its end. */
    if (WaitForSingleObject(in->thread, 0) != WAIT_OBJECT_0) CancelSynchronousIo(in->thread);
    int finished = WaitForSingleObject(in->thread, 500) == WAIT_OBJECT_0;
    CloseHandle(in->thread);
    return finished;
}

/* bytes, 0 at EOF, XSOCK_EAGAIN when nothing came after all */
static ptrdiff_t stdin_read(stdin_source *in, char *buf, size_t len)
{
    ptrdiff_t n = xsock_recv(in->pair_reader, buf, len, 0);
    if (n < 0 && n != XSOCK_EAGAIN)
        fprintf(stderr, "xnc: reading stdin from its pair: %s\n", xsock_last_error_detail());
    return n;
}
#else
static int stdin_open_source(stdin_source *in)
{
    in->fd = 0;
    return XSOCK_OK;
}

static int stdin_close_source(stdin_source *in)
{
    (void)in;
    return 1;
}

/* bytes, 0 at EOF, XSOCK_EAGAIN when interrupted, XSOCK_EOS on an error */
static ptrdiff_t stdin_read(stdin_source *in, char *buf, size_t len)
{
    ssize_t n = read(in->fd, buf, len);
    if (n >= 0) return (ptrdiff_t)n;
    if (errno == EINTR || errno == EAGAIN) return XSOCK_EAGAIN;
    fprintf(stderr, "xnc: reading stdin: %s\n", strerror(errno));
    return XSOCK_EOS;
}
#endif

/* Waits up to timeout_ms for the socket (sock_events) and, if want_stdin,
   standard input.  Sets *sock_ready / *stdin_ready; returns the number
   ready, 0 on timeout, or a negative XSOCK_E* code. */
static int wait_both(stdin_source *in, xsock *s, short sock_events, int want_stdin, int timeout_ms,
                     int *sock_ready, int *stdin_ready)
{
    *sock_ready = *stdin_ready = 0;
#ifdef _WIN32
    xsock_pollfd fds[2] = {{s, sock_events, 0}, {in->pair_reader, XSOCK_POLLIN, 0}};
    int n = xsock_poll(fds, want_stdin ? 2 : 1, timeout_ms);
    if (n <= 0) return n;
    *sock_ready = fds[0].revents != 0;
    *stdin_ready = want_stdin && fds[1].revents != 0;
    return n;
#else
    struct pollfd fds[2] = {{(int)xsock_native_handle(s), 0, 0}, {in->fd, POLLIN, 0}};
    if (sock_events & XSOCK_POLLIN) fds[0].events |= POLLIN;
    if (sock_events & XSOCK_POLLOUT) fds[0].events |= POLLOUT;
    int n = poll(fds, want_stdin ? 2 : 1, timeout_ms);
    if (n < 0 && errno == EINTR) return 0; /* the caller checks its deadline and waits again */
    if (n < 0) {
        fprintf(stderr, "xnc: poll: %s\n", strerror(errno));
        return XSOCK_EOS;
    }
    *sock_ready = fds[0].revents != 0; /* POLLHUP/POLLERR too: recv or send says what */
    *stdin_ready = want_stdin && fds[1].revents != 0;
    return n;
#endif
}

/* ---- the session ---------------------------------------------------------- */

enum session_end { PEER_CLOSED, IDLE, FAILED };

static enum session_end run_session(xsock *s, stdin_source *in, int idle_ms)
{
    char from_peer[16384], to_peer[16384];
    size_t pending = 0, sent = 0; /* stdin bytes read, not yet all sent */
    int stdin_open = 1;
    long long last_activity = now_ms();
    for (;;) {
        int sock_ready = 1, stdin_ready = 0;
        /* Bytes the library already holds (what a proxy sent right after
           its reply) make no handle readable: take them before waiting. */
        if (xsock_buffered(s) == 0) {
            int wait_ms = XSOCK_INFINITE;
            if (idle_ms != XSOCK_INFINITE) {
                long long left = last_activity + idle_ms - now_ms();
                if (left <= 0) return IDLE;
                wait_ms = (int)left;
            }
            /* While stdin bytes wait to be sent, stdin is not read: the
               peer's pace holds stdin back instead of a growing buffer. */
            short sock_events = (short)(XSOCK_POLLIN | (pending > sent ? XSOCK_POLLOUT : 0));
            int n = wait_both(in, s, sock_events, stdin_open && pending == sent, wait_ms, &sock_ready,
                              &stdin_ready);
            if (n < 0) {
                fprintf(stderr, "xnc: %s: %s\n", xsock_errname(n), xsock_last_error_detail());
                return FAILED;
            }
            if (n == 0) continue; /* the deadline check above decides */
        }
        if (sock_ready) {
            ptrdiff_t got = xsock_recv(s, from_peer, sizeof from_peer, 0);
            if (got == 0) return PEER_CLOSED;
            if (got > 0) {
                fwrite(from_peer, 1, (size_t)got, stdout);
                fflush(stdout);
                last_activity = now_ms();
            } else if (got != XSOCK_EAGAIN) {
                fprintf(stderr, "xnc: %s: %s\n", xsock_errname((int)got), xsock_last_error_detail());
                return FAILED;
            }
            if (pending > sent) {
                ptrdiff_t put = xsock_send(s, to_peer + sent, pending - sent, 0);
                if (put > 0) {
                    sent += (size_t)put;
                    last_activity = now_ms();
                } else if (put != XSOCK_EAGAIN) {
                    fprintf(stderr, "xnc: %s: %s\n", xsock_errname((int)put), xsock_last_error_detail());
                    return FAILED;
                }
                if (sent == pending) pending = sent = 0;
            }
        }
        if (stdin_ready) {
            ptrdiff_t got = stdin_read(in, to_peer, sizeof to_peer);
            if (got > 0) {
                pending = (size_t)got;
                sent = 0;
                last_activity = now_ms();
            } else if (got == 0) {
                /* like ncat: our side is done, the peer's may not be */
                stdin_open = 0;
                int rc = xsock_shutdown(s, XSOCK_SHUT_WR);
                if (rc != XSOCK_OK) {
                    fprintf(stderr, "xnc: %s: %s\n", xsock_errname(rc), xsock_last_error_detail());
                    return FAILED;
                }
            } else if (got != XSOCK_EAGAIN) {
                return FAILED;
            }
        }
    }
}

int main(int argc, char **argv)
{
    int timeout_ms = 10000, idle_ms = XSOCK_INFINITE, env_proxy = 0, trace = 0;
    const char *proxy = NULL, *opt;
    args_cursor a;
    args_begin(&a, "xnc", usage_text, argc, argv);
    while ((opt = args_next_option(&a)) != NULL) {
        if (strcmp(opt, "--timeout") == 0)
            timeout_ms = args_millis(&a, opt, args_value(&a, opt), 0);
        else if (strcmp(opt, "--idle-timeout") == 0 || strcmp(opt, "-i") == 0)
            idle_ms = args_millis(&a, opt, args_value(&a, opt), 1);
        else if (strcmp(opt, "--trace") == 0)
            trace = 1;
        else if (strcmp(opt, "--proxy") == 0)
            proxy = args_value(&a, opt);
        else if (strcmp(opt, "--env-proxy") == 0)
            env_proxy = 1;
        else
            args_unknown_option(&a, opt);
    }
    int npos;
    char **pos = args_positionals(&a, 2, 2, "host and port", &npos);
    const char *host = pos[0];
    uint16_t port = args_port(&a, "port", pos[1], 0);

    xsock_init();
    xsock_dialer *d = xsock_dialer_new();
    if (!d) {
        fprintf(stderr, "xnc: out of memory\n");
        xsock_cleanup();
        return 1;
    }
    xsock_dialer_set_timeout(d, timeout_ms); /* validated above: >= 0 */
    /* The environment is read only because we install its selector; a
       fixed proxy on the same dialer would win over any selector. */
    if (env_proxy) xsock_dialer_set_proxy_selector(d, xsock_env_proxy_selector());
    if (proxy) args_set_proxy(&a, d, "--proxy", proxy);
    if (trace) xsock_set_trace(print_call, NULL);

    xsock *s = NULL;
    int rc = xsock_dial(d, &s, host, port);
    xsock_dialer_free(d);
    if (rc != XSOCK_OK) {
        fprintf(stderr, "xnc: %s: %s\n", xsock_errname(rc), xsock_last_error_detail());
        xsock_cleanup();
        return 1;
    }
    stdin_source in;
    enum session_end end = FAILED;
    if (stdin_open_source(&in) == XSOCK_OK) {
        end = run_session(s, &in, idle_ms);
        if (end == IDLE) fprintf(stderr, "xnc: idle for %d ms (--idle-timeout): closing\n", idle_ms);
        xsock_close(s);
        if (!stdin_close_source(&in)) {
            /* Windows: the reader thread is still blocked on stdin and holds
               its end of the pair; nothing portable interrupts that read,
               and the process exit ends it: skip the leak report, which
               would name that socket. */
            fflush(stdout);
            _Exit(end == PEER_CLOSED ? 0 : 1);
        }
    } else {
        xsock_close(s);
    }
    xsock_cleanup();
    return end == PEER_CLOSED ? 0 : 1;
}
