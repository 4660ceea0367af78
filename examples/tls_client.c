/* SPDX-License-Identifier: MIT */
/* tls_client: TLS on top of an xsock connection, with OpenSSL, the way an
   application does it: xsock dials (directly or through a proxy, within
   one deadline), OpenSSL runs the TLS session over the connected socket.

   usage: tls_client --cafile FILE [--servername NAME] [--timeout MS]
                     [--proxy URL] [--env-proxy] host port

   It verifies the server's certificate against the CA certificates in
   FILE and the name (SNI and the certificate check use --servername, by
   default host), sends its standard input, closes the TLS session
   (close_notify) and prints what the server sends until it closes.

   The one thing to get right: OpenSSL must read and write through
   xsock_recv()/xsock_send(), not through the native handle (no
   SSL_set_fd(ssl, xsock_native_handle(s))).  After a proxy handshake the
   library may already hold bytes the proxy sent right behind its reply
   (xsock_buffered()); a TLS server that speaks at once makes that its
   first record.  Only xsock_recv() returns those bytes; a read from the
   OS handle would skip them and break the session.  Hence the custom
   BIO_METHOD below, whose read and write are xsock_recv and xsock_send.

   Built only when CMake finds OpenSSL (Debian: libssl-dev).  Debian has no
   OpenSSL for mingw-w64, so the Windows build never has this example. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <xsock.h>

#include "args.h"

static const char usage_text[] =
    "usage: tls_client --cafile FILE [options] host port\n"
    "\n"
    "Connects to host:port (optionally through a proxy), runs a TLS handshake\n"
    "that verifies the server's certificate, sends standard input, closes the\n"
    "TLS session and prints what the server sends until it closes.\n"
    "\n"
    "  --cafile FILE      trust the CA certificates in FILE (PEM); required\n"
    "  --servername NAME  the name sent as SNI and checked in the certificate\n"
    "                     (default: host; an IP address is checked, not sent)\n"
    "  --timeout MS       connect deadline (resolution, proxy, its handshake),\n"
    "                     and the longest wait of any TLS read or write\n"
    "                     (default 10000)\n"
    "  --proxy URL        socks4://, socks4a://, socks5://, socks5h://, http://\n"
    "                     (CONNECT), with an optional user:password@, or \"direct\"\n"
    "  --env-proxy        follow socks_proxy, all_proxy and no_proxy\n"
    "  -h, --help         print this help and exit\n"
    "\n"
    "Exit status: 0 after a verified session the server closed, 1 on a\n"
    "failure (connect, handshake, verification, I/O), 2 on a bad argument.\n";

/* ---- a BIO whose bytes go through xsock ------------------------------------ */

typedef struct xsock_bio_state {
    xsock *sock;
    int timeout_ms; /* the longest wait of one read or write */
    int last_error; /* XSOCK_E* of the last failed transfer, 0 if none */
} xsock_bio_state;

static int xsock_bio_write(BIO *bio, const char *buf, int len)
{
    xsock_bio_state *st = BIO_get_data(bio);
    BIO_clear_retry_flags(bio); /* blocking (with a timeout): never "retry" */
    ptrdiff_t n = xsock_send(st->sock, buf, (size_t)len, st->timeout_ms);
    if (n >= 0) return (int)n;
    st->last_error = (int)n;
    return -1;
}

static int xsock_bio_read(BIO *bio, char *buf, int len)
{
    xsock_bio_state *st = BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    /* xsock_recv returns the proxy's leftovers first, then the socket's */
    ptrdiff_t n = xsock_recv(st->sock, buf, (size_t)len, st->timeout_ms);
    if (n >= 0) return (int)n; /* 0: the peer closed the TCP connection */
    st->last_error = (int)n;
    return -1;
}

static int xsock_bio_puts(BIO *bio, const char *str)
{
    return xsock_bio_write(bio, str, (int)strlen(str));
}

static long xsock_bio_ctrl(BIO *bio, int cmd, long num, void *ptr)
{
    (void)num;
    (void)ptr;
    xsock_bio_state *st = BIO_get_data(bio);
    switch (cmd) {
    case BIO_CTRL_FLUSH:
        return 1; /* xsock_send has handed everything to the OS */
    case BIO_CTRL_PENDING:
        return st ? (long)xsock_buffered(st->sock) : 0;
    default:
        return 0; /* not supported */
    }
}

/* The method is made once (freed by xsock_bio_method_free at exit); the
   BIO's data is the caller's xsock_bio_state, and the BIO does not own the
   socket (the caller closes it). */
static BIO_METHOD *xsock_bio_meth;

static void xsock_bio_method_free(void)
{
    BIO_meth_free(xsock_bio_meth);
    xsock_bio_meth = NULL;
}

static BIO_METHOD *xsock_bio_method(void)
{
    if (!xsock_bio_meth) {
        xsock_bio_meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "xsock");
        if (!xsock_bio_meth || !BIO_meth_set_write(xsock_bio_meth, xsock_bio_write) ||
            !BIO_meth_set_read(xsock_bio_meth, xsock_bio_read) || !BIO_meth_set_puts(xsock_bio_meth, xsock_bio_puts) ||
            !BIO_meth_set_ctrl(xsock_bio_meth, xsock_bio_ctrl)) {
            xsock_bio_method_free();
        }
    }
    return xsock_bio_meth;
}

static BIO *xsock_bio_new(xsock_bio_state *st)
{
    BIO_METHOD *method = xsock_bio_method();
    BIO *bio = method ? BIO_new(method) : NULL;
    if (!bio) return NULL;
    BIO_set_data(bio, st);
    BIO_set_init(bio, 1);
    return bio;
}

/* ---- reporting -------------------------------------------------------------- */

/* Why an SSL_* call failed: OpenSSL's queue, the verification result and
   the transport's error, whichever apply. */
static void report_tls_failure(const char *what, SSL *ssl, int ret, const xsock_bio_state *st)
{
    int err = SSL_get_error(ssl, ret);
    fprintf(stderr, "tls_client: %s failed (SSL_get_error %d)\n", what, err);
    unsigned long e;
    char line[256];
    int reasons = 0;
    while ((e = ERR_get_error()) != 0) {
        ERR_error_string_n(e, line, sizeof line);
        fprintf(stderr, "tls_client:   %s\n", line);
        reasons++;
    }
    long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK)
        fprintf(stderr, "tls_client:   certificate verify failed: %s\n", X509_verify_cert_error_string(verify));
    if (st->last_error)
        fprintf(stderr, "tls_client:   transport: %s: %s\n", xsock_errname(st->last_error), xsock_last_error_detail());
    else if (!reasons && verify == X509_V_OK)
        fprintf(stderr, "tls_client:   (the server closed the connection or sent something that is not TLS)\n");
}

static void report_session(SSL *ssl, const char *name)
{
    fprintf(stderr, "tls_client: TLS handshake done: %s, %s\n", SSL_get_version(ssl), SSL_get_cipher_name(ssl));
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    X509 *cert = SSL_get1_peer_certificate(ssl);
#else
    X509 *cert = SSL_get_peer_certificate(ssl);
#endif
    char subject[256] = "?", issuer[256] = "?";
    if (cert) {
        X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
        X509_NAME_oneline(X509_get_issuer_name(cert), issuer, sizeof issuer);
        X509_free(cert);
    }
    /* SSL_VERIFY_PEER made the handshake fail otherwise; said for the record */
    fprintf(stderr, "tls_client: certificate verified for %s: subject %s, issuer %s\n", name, subject, issuer);
}

/* ---- the session -------------------------------------------------------------- */

/* Standard input to the server, close_notify, then the server's bytes to
   standard output until it closes.  0 on success. */
static int run_session(SSL *ssl, const xsock_bio_state *st)
{
    char buf[16384];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        int put = SSL_write(ssl, buf, (int)n); /* all of it: no partial writes by default */
        if (put <= 0) {
            report_tls_failure("SSL_write", ssl, put, st);
            return 1;
        }
    }
    /* Our side is done.  Only close_notify, no TCP half-close: some proxies
       (squid, tinyproxy) drop the tunnel when the client half-closes. */
    int rc = SSL_shutdown(ssl);
    if (rc < 0) {
        report_tls_failure("SSL_shutdown", ssl, rc, st);
        return 1;
    }
    for (;;) {
        int got = SSL_read(ssl, buf, sizeof buf);
        if (got > 0) {
            fwrite(buf, 1, (size_t)got, stdout);
            fflush(stdout);
            continue;
        }
        if (SSL_get_error(ssl, got) == SSL_ERROR_ZERO_RETURN) return 0; /* the server's close_notify */
        report_tls_failure("SSL_read", ssl, got, st);
        return 1;
    }
}

int main(int argc, char **argv)
{
    int timeout_ms = 10000, env_proxy = 0;
    const char *cafile = NULL, *servername = NULL, *proxy = NULL, *opt;
    args_cursor a;
    args_begin(&a, "tls_client", usage_text, argc, argv);
    while ((opt = args_next_option(&a)) != NULL) {
        if (strcmp(opt, "--cafile") == 0)
            cafile = args_value(&a, opt);
        else if (strcmp(opt, "--servername") == 0)
            servername = args_value(&a, opt);
        else if (strcmp(opt, "--timeout") == 0)
            timeout_ms = args_millis(&a, opt, args_value(&a, opt), 0);
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
    if (!cafile) args_fail(&a, "--cafile FILE is required: the server's certificate is always verified");
    if (!servername) servername = host;
    if (!*servername) args_fail(&a, "--servername: empty name");

    /* TLS settings first: a CA file that does not load is a bad argument */
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        fprintf(stderr, "tls_client: SSL_CTX_new failed\n");
        return 1;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (SSL_CTX_load_verify_locations(ctx, cafile, NULL) != 1) {
        char line[256];
        ERR_error_string_n(ERR_get_error(), line, sizeof line);
        fprintf(stderr, "tls_client: --cafile: cannot load CA certificates from '%s': %s\n", cafile, line);
        SSL_CTX_free(ctx);
        return 2;
    }

    xsock_init();
    xsock_dialer *d = xsock_dialer_new();
    if (!d) {
        fprintf(stderr, "tls_client: out of memory\n");
        SSL_CTX_free(ctx);
        xsock_cleanup();
        return 1;
    }
    xsock_dialer_set_timeout(d, timeout_ms);
    if (env_proxy) xsock_dialer_set_proxy_selector(d, xsock_env_proxy_selector());
    if (proxy) args_set_proxy(&a, d, "--proxy", proxy);
    xsock *s = NULL;
    int rc = xsock_dial(d, &s, host, port);
    xsock_dialer_free(d);
    if (rc != XSOCK_OK) {
        fprintf(stderr, "tls_client: %s: %s\n", xsock_errname(rc), xsock_last_error_detail());
        SSL_CTX_free(ctx);
        xsock_cleanup();
        return 1;
    }
    if (xsock_buffered(s) > 0)
        fprintf(stderr, "tls_client: %zu byte(s) came with the proxy's reply: the BIO reads them first\n",
                xsock_buffered(s));

    int status = 1;
    xsock_bio_state st = {s, timeout_ms, 0};
    SSL *ssl = SSL_new(ctx);
    BIO *bio = ssl ? xsock_bio_new(&st) : NULL;
    if (!bio) {
        fprintf(stderr, "tls_client: out of memory\n");
        goto out;
    }
    SSL_set_bio(ssl, bio, bio); /* ssl owns the BIO now (not the socket) */
    /* An IP address is checked against the certificate's IP entries and not
       sent as SNI (RFC 6066 allows host names only). */
    X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
    if (X509_VERIFY_PARAM_set1_ip_asc(param, servername) != 1) {
        /* SSL_set_tlsext_host_name is a macro that casts its argument to
           void *: give it a copy we own, so no const is cast away */
        char sni[256];
        snprintf(sni, sizeof sni, "%s", servername);
        if (strlen(servername) >= sizeof sni || SSL_set_tlsext_host_name(ssl, sni) != 1 ||
            SSL_set1_host(ssl, servername) != 1) {
            fprintf(stderr, "tls_client: --servername: cannot use '%s'\n", servername);
            goto out;
        }
    }
    int ret = SSL_connect(ssl);
    if (ret != 1) {
        report_tls_failure("TLS handshake", ssl, ret, &st);
        goto out;
    }
    report_session(ssl, servername);
    status = run_session(ssl, &st);
out:
    SSL_free(ssl); /* frees the BIO */
    SSL_CTX_free(ctx);
    xsock_bio_method_free();
    xsock_close(s);
    xsock_cleanup();
    return status;
}
