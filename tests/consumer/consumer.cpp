/* SPDX-License-Identifier: MIT */
// The consumer in C++98: xsock.h is usable from C++ (extern "C", no
// C-only constructs), compiled with -std=c++98 -pedantic -Werror.
#include <cstdio>
#include <cstring>
#include <string>

#include <xsock.h>

namespace {

// one owner per socket, closed on every path
class Socket {
public:
    Socket() : s_(0) {}
    ~Socket() { xsock_close(s_); }
    xsock **out() { return &s_; }
    xsock *get() const { return s_; }
private:
    Socket(const Socket &);
    Socket &operator=(const Socket &);
    xsock *s_;
};

int failed(const std::string &what, int rc)
{
    std::fprintf(stderr, "consumer_cxx: %s: %s (%s)\n", what.c_str(), xsock_errname(rc),
                 xsock_last_error_detail());
    return 1;
}

int exchange(const Socket &from, const Socket &to, const std::string &msg)
{
    int rc = xsock_send_all(from.get(), msg.data(), msg.size(), 5000);
    if (rc != XSOCK_OK) return failed("send_all", rc);
    std::string got(msg.size(), '\0');
    rc = xsock_recv_all(to.get(), &got[0], got.size(), 5000);
    if (rc != XSOCK_OK) return failed("recv_all", rc);
    if (got != msg) {
        std::fprintf(stderr, "consumer_cxx: sent \"%s\", received \"%s\"\n", msg.c_str(), got.c_str());
        return 1;
    }
    return 0;
}

int run()
{
    Socket listener, client, server;
    int rc = xsock_listen(listener.out(), "127.0.0.1", 0, 4);
    if (rc != XSOCK_OK) return failed("listen", rc);
    int port = xsock_local_port(listener.get());
    if (port <= 0) return failed("local_port", port);
    rc = xsock_connect(client.out(), "127.0.0.1", static_cast<uint16_t>(port), 5000);
    if (rc != XSOCK_OK) return failed("connect", rc);
    rc = xsock_accept(listener.get(), server.out(), 5000);
    if (rc != XSOCK_OK) return failed("accept", rc);
    return exchange(client, server, "ping") || exchange(server, client, "pong");
}

} // namespace

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "consumer_cxx";
    if (std::strcmp(xsock_version(), XSOCK_VERSION_STRING) != 0) return failed("version", 0);
    if (xsock_init() != XSOCK_OK) return failed("init", 0);
    if (run() != 0) return 1;
    int left = xsock_cleanup();
    if (left != 0) {
        std::fprintf(stderr, "consumer_cxx: %d socket(s) left open\n", left);
        return 1;
    }
    std::printf("consumer_cxx(%s): ok: xsock %s, C++98\n", how, xsock_version());
    return 0;
}
