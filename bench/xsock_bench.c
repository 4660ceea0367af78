/* SPDX-License-Identifier: MIT */
/* The benchmark suite's client and server (scripts/bench.sh drives it).
   One run of one implementation per process, so that rounds alternate
   between processes and each one's peak RSS, OS calls (strace -f -c) and
   instructions (callgrind) are its own.  Prints one JSON line per run.

     xsock_bench serve PORTFILE          64 accept-and-close listeners and
                                         one echo listener on 127.0.0.1
     xsock_bench connect IMPL N          (a) timed connect (1000 ms) + close
                                         over the 64 ports in XB_PORTS
     xsock_bench echo IMPL N SIZE        (c) SIZE-byte round trips to XB_ECHO_PORT
     xsock_bench accept IMPL N           (d) N accepts fed by a client pool
     xsock_bench live IMPL N LIVE        (e) (a) with LIVE sockets held open
     xsock_bench socks IMPL N            (b) SOCKS5 no-auth dial through
                                         XB_SOCKS_PORT to XB_PORTS

   IMPL: raw (a hand-written loop doing the same work), xsock, and for
   connect: uv, apr, curl (where built).  XB_PEER_PIDS: the processes whose
   CPU is part of the work (server, proxy, wineserver); the rest of the
   machine's busy time during the run is reported as "others_cores" so the
   script can repeat a disturbed run. */
#if !defined(_WIN32)
#define _GNU_SOURCE 1
#endif
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xsock.h>

#if defined(_WIN32)
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <psapi.h>
typedef SOCKET raw_socket;
#define RAW_INVALID INVALID_SOCKET
/* Wine maps drive Z: to the Unix root, so the guard reads the same files */
#define PROC_ROOT "Z:"
#else
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
typedef int raw_socket;
#define RAW_INVALID (-1)
#define PROC_ROOT ""
#endif

#if defined(XB_HAVE_UV)
#include <uv.h>
#endif
#if defined(XB_HAVE_APR)
#include <apr_network_io.h>
#include <apr_pools.h>
#endif
#if defined(XB_HAVE_CURL)
#include <curl/curl.h>
#endif

#define PORT_COUNT 64
#define CONNECT_TIMEOUT_MS 1000

static uint16_t g_ports[PORT_COUNT];
static int g_port_count;

static void die(const char *what)
{
    fprintf(stderr, "xsock_bench: %s\n", what);
    exit(1);
}

/* ---- clocks and the CPU guard ------------------------------------------ */

static double now_s(void)
{
#if defined(_WIN32)
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (double)c.QuadPart / (double)f.QuadPart;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
#endif
}

/* Seconds of CPU this process used (all threads). */
static double own_cpu_s(void)
{
#if defined(_WIN32)
    FILETIME c, e, k, u;
    GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u);
    ULARGE_INTEGER kk = {.u = {k.dwLowDateTime, k.dwHighDateTime}};
    ULARGE_INTEGER uu = {.u = {u.dwLowDateTime, u.dwHighDateTime}};
    return (double)(kk.QuadPart + uu.QuadPart) / 1e7;
#else
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
#endif
}

static long peak_rss_kib(void)
{
#if defined(_WIN32)
    PROCESS_MEMORY_COUNTERS pmc;
    if (!GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc)) return 0;
    return (long)(pmc.PeakWorkingSetSize / 1024);
#else
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
#endif
}

/* Busy and total seconds of the whole machine, from /proc/stat (USER_HZ 100):
   user, nice, system and steal (another guest's time is a disturbance too). */
static void machine_cpu_s(double *busy, double *total)
{
    char path[64];
    snprintf(path, sizeof path, "%s/proc/stat", PROC_ROOT);
    FILE *f = fopen(path, "r");
    unsigned long long v[8] = {0};
    *busy = *total = 0;
    if (!f) return;
    if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
               &v[6], &v[7]) == 8) {
        unsigned long long all = 0;
        for (int i = 0; i < 8; i++) all += v[i];
        *total = (double)all / 100.0;
        /* minus idle and iowait, and minus irq and softirq: on loopback those
           are the kernel carrying this run's own packets, charged to no process */
        *busy = (double)(all - v[3] - v[4] - v[5] - v[6]) / 100.0;
    }
    fclose(f);
}

/* CPU seconds of one process (all threads, and its reaped children) from /proc. */
static double proc_cpu_s(long pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "%s/proc/%ld/stat", PROC_ROOT, pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p) return 0;
    unsigned long long ut = 0, st = 0, cut = 0, cst = 0;
    /* after ')': state ppid pgrp session tty tpgid flags minflt cminflt majflt
       cmajflt utime stime cutime cstime; the children's part holds the
       workers that a proxy (dante) forks per client and reaps */
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %llu %llu", &ut, &st, &cut,
               &cst) != 4)
        return 0;
    return (double)(ut + st + cut + cst) / 100.0;
}

#if defined(_WIN32)
static double group_cpu_s(long pgid)
{
    (void)pgid; /* the Wine runs list their peers by pid */
    return 0;
}
#else
/* CPU seconds of every process in group pgid, read at each mark because a
   proxy (dante) forks its workers once the clients come. */
static double group_cpu_s(long pgid)
{
    DIR *d = opendir("/proc");
    double sum = 0;
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char path[300], buf[1024];
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        char *p = strrchr(buf, ')');
        long grp = -1;
        if (p && sscanf(p + 1, " %*c %*d %ld", &grp) == 1 && grp == pgid) sum += proc_cpu_s(atol(e->d_name));
    }
    closedir(d);
    return sum;
}
#endif

/* The peers' CPU: XB_PEER_PIDS lists pids, and "gN" for every process of
   group N (a proxy started with setsid by tests/proxies/lib.sh). */
static double peers_cpu_s(void)
{
    const char *list = getenv("XB_PEER_PIDS");
    double sum = 0;
    if (!list) return 0;
    char *end;
    for (const char *p = list; *p;) {
        int group = *p == 'g';
        long pid = strtol(p + group, &end, 10);
        if (end == p + group) {
            p++;
            continue;
        }
        sum += group ? group_cpu_s(pid) : proc_cpu_s(pid);
        p = end;
    }
    return sum;
}

typedef struct {
    double t, own, peers, busy, total;
} guard_mark;

static guard_mark guard_now(void)
{
    guard_mark m;
    machine_cpu_s(&m.busy, &m.total);
    m.own = own_cpu_s();
    m.peers = peers_cpu_s();
    m.t = now_s();
    return m;
}

static uint64_t lib_os_calls(void)
{
    xsock_stats st;
    xsock_get_stats(&st);
    return st.os_calls;
}

/* One JSON line: what ran, how long, and what else ran meanwhile. */
static void emit(const char *scenario, const char *impl, long n, long param, guard_mark a, guard_mark b,
                 double os_calls_per_op, double heap_per_socket)
{
    double wall = b.t - a.t;
    double others = ((b.busy - a.busy) - (b.own - a.own) - (b.peers - a.peers)) / (wall > 0 ? wall : 1);
    if (others < 0) others = 0;
    printf("{\"scenario\":\"%s\",\"impl\":\"%s\",\"n\":%ld,\"param\":%ld,\"secs\":%.6f,"
           "\"ops_per_s\":%.1f,\"os_calls_per_op\":%.3f,\"own_cores\":%.3f,\"others_cores\":%.3f,"
           "\"peak_rss_kib\":%ld,\"heap_per_socket\":%.1f}\n",
           scenario, impl, n, param, wall, n > 0 && wall > 0 ? (double)n / wall : 0.0, os_calls_per_op,
           (b.own - a.own) / (wall > 0 ? wall : 1), others, peak_rss_kib(), heap_per_socket);
    fflush(stdout);
}

/* Runs under strace or callgrind (XB_COUNTING=1) do no warm-up, so that the
   run with N operations minus the run with none is exactly N operations. */
static long warm_up_count(long usual)
{
    return getenv("XB_COUNTING") ? 0 : usual;
}

/* ---- raw sockets, both platforms --------------------------------------- */

static void loopback(struct sockaddr_in *sa, uint16_t port)
{
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa->sin_port = htons(port);
}

static void raw_close(raw_socket fd)
{
#if defined(_WIN32)
    closesocket(fd);
#else
    close(fd);
#endif
}

/* The raw loop's own count of the OS calls it made. */
static long g_raw_calls;

/* Wait for readable (in) or writable; 1 ready, 0 timeout, -1 error. */
static int raw_wait(raw_socket fd, int in, int timeout_ms)
{
    g_raw_calls++;
#if defined(_WIN32)
    fd_set set, err;
    FD_ZERO(&set);
    FD_ZERO(&err);
    FD_SET(fd, &set);
    FD_SET(fd, &err);
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    int r = select(0, in ? &set : NULL, in ? NULL : &set, &err, &tv);
    return r < 0 ? -1 : r > 0;
#else
    struct pollfd p = {fd, (short)(in ? POLLIN : POLLOUT), 0};
    int r = poll(&p, 1, timeout_ms);
    return r < 0 ? -1 : r > 0;
#endif
}

static int raw_would_block(void)
{
#if defined(_WIN32)
    return WSAGetLastError() == WSAEWOULDBLOCK;
#else
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINPROGRESS;
#endif
}

/* socket, connect (in progress), wait, SO_ERROR: POSIX 4 calls + close;
   Winsock adds FIONBIO, as a socket cannot be made non-blocking at birth. */
static raw_socket raw_timed_connect(uint16_t port, int timeout_ms)
{
    struct sockaddr_in sa;
    loopback(&sa, port);
#if defined(_WIN32)
    raw_socket fd = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    g_raw_calls++;
    if (fd == RAW_INVALID) return RAW_INVALID;
    u_long on = 1;
    ioctlsocket(fd, (long)FIONBIO, &on);
    g_raw_calls++;
#else
    raw_socket fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    g_raw_calls++;
    if (fd == RAW_INVALID) return RAW_INVALID;
#endif
    g_raw_calls++;
    if (connect(fd, (const struct sockaddr *)&sa, sizeof sa) != 0 && !raw_would_block()) {
        raw_close(fd);
        return RAW_INVALID;
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (raw_wait(fd, 0, timeout_ms) != 1) {
        raw_close(fd);
        return RAW_INVALID;
    }
    g_raw_calls++;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, (char *)&err, &len) != 0 || err) {
        raw_close(fd);
        return RAW_INVALID;
    }
    return fd;
}

static int raw_send_all(raw_socket fd, const char *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        g_raw_calls++;
#if defined(_WIN32)
        int r = send(fd, buf + done, (int)(len - done), 0);
#else
        ssize_t r = send(fd, buf + done, len - done, MSG_NOSIGNAL);
#endif
        if (r > 0) {
            done += (size_t)r;
        } else if (r < 0 && raw_would_block()) {
            if (raw_wait(fd, 0, CONNECT_TIMEOUT_MS) != 1) return -1;
        } else {
            return -1;
        }
    }
    return 0;
}

static int raw_recv_all(raw_socket fd, char *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        g_raw_calls++;
#if defined(_WIN32)
        int r = recv(fd, buf + done, (int)(len - done), 0);
#else
        ssize_t r = recv(fd, buf + done, len - done, 0);
#endif
        if (r > 0) {
            done += (size_t)r;
        } else if (r < 0 && raw_would_block()) {
            if (raw_wait(fd, 1, CONNECT_TIMEOUT_MS) != 1) return -1;
        } else {
            return -1;
        }
    }
    return 0;
}

/* ---- peers of (a) -------------------------------------------------------- */

#if defined(XB_HAVE_UV)
static uv_loop_t g_uv_loop;
static int g_uv_status;
static void uv_on_connect(uv_connect_t *req, int status)
{
    g_uv_status = status;
    uv_timer_stop((uv_timer_t *)req->data);
}
static void uv_on_timeout(uv_timer_t *t)
{
    (void)t;
    g_uv_status = UV_ETIMEDOUT;
}
static int uv_connect_close(uint16_t port)
{
    uv_tcp_t tcp;
    uv_connect_t req;
    uv_timer_t timer;
    struct sockaddr_in sa;
    loopback(&sa, port);
    g_uv_status = 1;
    uv_tcp_init(&g_uv_loop, &tcp);
    uv_timer_init(&g_uv_loop, &timer);
    req.data = &timer;
    uv_timer_start(&timer, uv_on_timeout, CONNECT_TIMEOUT_MS, 0);
    if (uv_tcp_connect(&req, &tcp, (const struct sockaddr *)&sa, uv_on_connect) != 0) return -1;
    while (g_uv_status == 1) uv_run(&g_uv_loop, UV_RUN_ONCE);
    uv_close((uv_handle_t *)&tcp, NULL);
    uv_close((uv_handle_t *)&timer, NULL);
    uv_run(&g_uv_loop, UV_RUN_DEFAULT);
    return g_uv_status == 0 ? 0 : -1;
}
#endif

#if defined(XB_HAVE_APR)
static apr_pool_t *g_apr_root, *g_apr_per_op;
static apr_sockaddr_t *g_apr_addr[PORT_COUNT];
static int apr_connect_close(int i)
{
    apr_socket_t *s;
    int ok = apr_socket_create(&s, APR_INET, SOCK_STREAM, APR_PROTO_TCP, g_apr_per_op) == APR_SUCCESS &&
             apr_socket_timeout_set(s, (apr_interval_time_t)CONNECT_TIMEOUT_MS * 1000) == APR_SUCCESS &&
             apr_socket_connect(s, g_apr_addr[i]) == APR_SUCCESS;
    apr_socket_close(s);
    apr_pool_clear(g_apr_per_op);
    return ok ? 0 : -1;
}
#endif

#if defined(XB_HAVE_CURL)
static char g_curl_url[PORT_COUNT][40];
static int curl_connect_close(int i)
{
    CURL *c = curl_easy_init();
    if (!c) return -1;
    curl_easy_setopt(c, CURLOPT_URL, g_curl_url[i]);
    curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    return rc == CURLE_OK ? 0 : -1;
}
#endif

static void peers_init(const char *impl)
{
    (void)impl;
#if defined(XB_HAVE_UV)
    if (!strcmp(impl, "uv")) uv_loop_init(&g_uv_loop);
#endif
#if defined(XB_HAVE_APR)
    if (!strcmp(impl, "apr")) {
        apr_initialize();
        apr_pool_create(&g_apr_root, NULL);
        apr_pool_create(&g_apr_per_op, g_apr_root);
        for (int i = 0; i < g_port_count; i++)
            if (apr_sockaddr_info_get(&g_apr_addr[i], "127.0.0.1", APR_INET, g_ports[i], 0, g_apr_root) !=
                APR_SUCCESS)
                die("apr_sockaddr_info_get");
    }
#endif
#if defined(XB_HAVE_CURL)
    if (!strcmp(impl, "curl")) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        for (int i = 0; i < g_port_count; i++)
            snprintf(g_curl_url[i], sizeof g_curl_url[i], "http://127.0.0.1:%u/", (unsigned)g_ports[i]);
    }
#endif
}

/* ---- (a) and (e): connect + close ---------------------------------------- */

/* One timed connect + close to port index i; 0 on success.  The client is
   chosen once, before the loop (connect_close_for), so that the loop does
   the same call through a pointer for every client and the instructions
   per operation are the client's work. */
typedef int (*connect_close_fn)(int i);

static int raw_connect_close(int i)
{
    raw_socket fd = raw_timed_connect(g_ports[i], CONNECT_TIMEOUT_MS);
    if (fd == RAW_INVALID) return -1;
    raw_close(fd);
    g_raw_calls++;
    return 0;
}

static int xsock_connect_close(int i)
{
    xsock *s;
    if (xsock_connect(&s, "127.0.0.1", g_ports[i], CONNECT_TIMEOUT_MS) != XSOCK_OK) return -1;
    return xsock_close(s) == XSOCK_OK ? 0 : -1;
}

#if defined(XB_HAVE_UV)
static int uv_connect_close_i(int i)
{
    return uv_connect_close(g_ports[i]);
}
#endif

static connect_close_fn connect_close_for(const char *impl)
{
    if (!strcmp(impl, "raw")) return raw_connect_close;
    if (!strcmp(impl, "xsock")) return xsock_connect_close;
#if defined(XB_HAVE_UV)
    if (!strcmp(impl, "uv")) return uv_connect_close_i;
#endif
#if defined(XB_HAVE_APR)
    if (!strcmp(impl, "apr")) return apr_connect_close;
#endif
#if defined(XB_HAVE_CURL)
    if (!strcmp(impl, "curl")) return curl_connect_close;
#endif
    die("unknown or unbuilt IMPL");
    return NULL;
}

static void run_connect(const char *scenario, const char *impl, long n, long live)
{
    connect_close_fn connect_close_once = connect_close_for(impl);
    peers_init(impl);
    /* held open through the run: raw descriptors or xsock sockets */
    raw_socket *held_fds = NULL;
    xsock **held = NULL;
    double heap_per_socket = 0;
    if (live > 0) {
#if !defined(_WIN32)
        struct rlimit rl = {(rlim_t)live + 1024, (rlim_t)live + 1024};
        struct rlimit cur;
        getrlimit(RLIMIT_NOFILE, &cur);
        if (cur.rlim_max > rl.rlim_max) rl.rlim_max = cur.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) die("setrlimit RLIMIT_NOFILE");
        struct mallinfo2 before = mallinfo2();
#endif
        held_fds = calloc((size_t)live, sizeof *held_fds);
        held = calloc((size_t)live, sizeof *held);
        if (!held_fds || !held) die("out of memory");
#if !defined(_WIN32)
        before = mallinfo2(); /* after the bench's own arrays */
#endif
        for (long i = 0; i < live; i++) {
            if (!strcmp(impl, "xsock")) {
                if (xsock_connect(&held[i], "127.0.0.1", g_ports[i % g_port_count], CONNECT_TIMEOUT_MS) !=
                    XSOCK_OK)
                    die("live: xsock_connect");
            } else {
                held_fds[i] = raw_timed_connect(g_ports[i % g_port_count], CONNECT_TIMEOUT_MS);
                if (held_fds[i] == RAW_INVALID) die("live: connect");
            }
        }
#if !defined(_WIN32)
        struct mallinfo2 after = mallinfo2();
        heap_per_socket = ((double)after.uordblks - (double)before.uordblks) / (double)live;
#endif
    }
    for (long i = 0; i < warm_up_count(200); i++) /* warm caches and the peer's accept path */
        if (connect_close_once((int)(i % g_port_count)) != 0) die("warm-up connect failed");
    g_raw_calls = 0;
    uint64_t c0 = lib_os_calls();
    guard_mark a = guard_now();
    for (long i = 0; i < n; i++)
        if (connect_close_once((int)(i % g_port_count)) != 0) die("connect failed");
    guard_mark b = guard_now();
    double calls = !strcmp(impl, "raw") ? (double)g_raw_calls : (double)(lib_os_calls() - c0);
    emit(scenario, impl, n, live, a, b, n > 0 ? calls / (double)n : 0, heap_per_socket);
    for (long i = 0; i < live; i++) {
        if (!strcmp(impl, "xsock"))
            xsock_close(held[i]);
        else
            raw_close(held_fds[i]);
    }
    free(held);
    free(held_fds);
}

/* ---- (c): echo round trips ------------------------------------------------ */

static void run_echo(const char *impl, long n, long size)
{
    char *msg = calloc(1, (size_t)size), *buf = malloc((size_t)size);
    const char *p = getenv("XB_ECHO_PORT");
    if (!msg || !buf || !p) die("echo: memory or XB_ECHO_PORT");
    uint16_t port = (uint16_t)atoi(p);
    char label[32];
    snprintf(label, sizeof label, "echo_%ld", size);
    long warm = warm_up_count(n / 10 + 1);
    if (!strcmp(impl, "raw")) {
        raw_socket fd = raw_timed_connect(port, CONNECT_TIMEOUT_MS);
        if (fd == RAW_INVALID) die("echo: connect");
        for (long i = 0; i < warm; i++)
            if (raw_send_all(fd, msg, (size_t)size) || raw_recv_all(fd, buf, (size_t)size)) die("echo: raw");
        g_raw_calls = 0;
        guard_mark a = guard_now();
        for (long i = 0; i < n; i++)
            if (raw_send_all(fd, msg, (size_t)size) || raw_recv_all(fd, buf, (size_t)size)) die("echo: raw");
        guard_mark b = guard_now();
        emit(label, impl, n, size, a, b, n > 0 ? (double)g_raw_calls / (double)n : 0, 0);
        raw_close(fd);
    } else if (!strcmp(impl, "xsock")) {
        xsock *s;
        if (xsock_connect(&s, "127.0.0.1", port, CONNECT_TIMEOUT_MS) != XSOCK_OK) die("echo: xsock_connect");
        for (long i = 0; i < warm; i++)
            if (xsock_send_all(s, msg, (size_t)size, CONNECT_TIMEOUT_MS) ||
                xsock_recv_all(s, buf, (size_t)size, CONNECT_TIMEOUT_MS))
                die("echo: xsock");
        uint64_t c0 = lib_os_calls();
        guard_mark a = guard_now();
        for (long i = 0; i < n; i++)
            if (xsock_send_all(s, msg, (size_t)size, CONNECT_TIMEOUT_MS) ||
                xsock_recv_all(s, buf, (size_t)size, CONNECT_TIMEOUT_MS))
                die("echo: xsock");
        guard_mark b = guard_now();
        emit(label, impl, n, size, a, b, n > 0 ? (double)(lib_os_calls() - c0) / (double)n : 0, 0);
        xsock_close(s);
    } else {
        die("echo: IMPL is raw or xsock");
    }
    free(msg);
    free(buf);
}

#if !defined(_WIN32)
/* ---- (b): SOCKS5 no-auth CONNECT ------------------------------------------ */

/* socket, connect, poll, SO_ERROR, greeting, poll, method, request, poll,
   reply, close: the 11 calls of a SOCKS5 no-auth dial done by hand. */
static int raw_socks5_once(uint16_t proxy_port, uint16_t target_port)
{
    raw_socket fd = raw_timed_connect(proxy_port, CONNECT_TIMEOUT_MS);
    if (fd == RAW_INVALID) return -1;
    static const char greeting[3] = {5, 1, 0};
    char req[10] = {5, 1, 0, 1, 127, 0, 0, 1, (char)(target_port >> 8), (char)(target_port & 0xff)};
    char reply[10];
    int ok = raw_send_all(fd, greeting, 3) == 0 && raw_wait(fd, 1, CONNECT_TIMEOUT_MS) == 1 &&
             raw_recv_all(fd, reply, 2) == 0 && reply[0] == 5 && reply[1] == 0 && raw_send_all(fd, req, 10) == 0 &&
             raw_wait(fd, 1, CONNECT_TIMEOUT_MS) == 1 && raw_recv_all(fd, reply, 10) == 0 && reply[1] == 0;
    raw_close(fd);
    g_raw_calls++;
    return ok ? 0 : -1;
}

static uint16_t g_socks_proxy_port;
static xsock_dialer *g_socks_dialer;

/* One dial + close to target port through the proxy; 0 on success. */
typedef int (*socks_once_fn)(uint16_t target);

static int raw_socks_once(uint16_t target)
{
    return raw_socks5_once(g_socks_proxy_port, target);
}

static int xsock_socks_once(uint16_t target)
{
    xsock *s;
    if (xsock_dial(g_socks_dialer, &s, "127.0.0.1", target) != XSOCK_OK) return -1;
    return xsock_close(s) == XSOCK_OK ? 0 : -1;
}

static void run_socks(const char *impl, long n)
{
    const char *p = getenv("XB_SOCKS_PORT");
    if (!p) die("socks: XB_SOCKS_PORT");
    g_socks_proxy_port = (uint16_t)atoi(p);
    const char *label = getenv("XB_SOCKS_LABEL") ? getenv("XB_SOCKS_LABEL") : "socks5";
    char url[64];
    snprintf(url, sizeof url, "socks5://127.0.0.1:%u", (unsigned)g_socks_proxy_port);
    socks_once_fn once = raw_socks_once;
    if (!strcmp(impl, "xsock")) {
        g_socks_dialer = xsock_dialer_new();
        if (!g_socks_dialer || xsock_dialer_set_proxy(g_socks_dialer, url) ||
            xsock_dialer_set_timeout(g_socks_dialer, CONNECT_TIMEOUT_MS))
            die("socks: dialer");
        once = xsock_socks_once;
    } else if (strcmp(impl, "raw") != 0) {
        die("socks: IMPL is raw or xsock");
    }
    long warm = warm_up_count(n / 10 + 1);
    for (long i = 0; i < warm; i++)
        if (once(g_ports[i % g_port_count]) != 0) die("socks: warm-up dial failed");
    g_raw_calls = 0;
    uint64_t c0 = lib_os_calls();
    guard_mark a = guard_now();
    for (long i = 0; i < n; i++)
        if (once(g_ports[i % g_port_count]) != 0) die("socks: dial failed");
    guard_mark b = guard_now();
    double calls = g_socks_dialer ? (double)(lib_os_calls() - c0) : (double)g_raw_calls;
    emit(label, impl, n, 0, a, b, n > 0 ? calls / (double)n : 0, 0);
    xsock_dialer_free(g_socks_dialer);
}

/* ---- (d): accept rate ------------------------------------------------------ */

#define POOL_THREADS 2
static atomic_long g_pool_connected, g_accepted;
static atomic_int g_pool_stop;
static uint16_t g_accept_port;

/* Keeps at most 64 connections queued ahead of the acceptor: a full accept
   queue drops SYNs, and a retransmitted SYN would cost a second.  The
   clients and the acceptor share one core (scripts/bench.sh pins the whole
   process to core 0 and the threads inherit it), so a run is bound by the
   CPU of a connection, both ends, and the acceptor never waits (2.0-2.1
   calls per accept).  With the acceptor on a core of its own a run was a
   relay of cross-core wake-ups with both cores partly idle (perf: 40% and
   12% halted) and its rate wandered between 25k/s and 35k/s.

   The clients connect from 64 source addresses in turn (127.0.0.2 to
   127.0.0.65, bind with IP_BIND_ADDRESS_NO_PORT, the port still chosen by
   connect): a client closes first, so each connection leaves a TIME_WAIT
   on the client's side, and ~22,000 of them towards the one listening
   address and port fill the ephemeral range (28,232 ports, connect takes
   the even half first) within a run.  connect() then spent its time in the
   kernel's port search (__inet_hash_connect, __inet_check_established,
   tcp_twsk_unique: 20% of all samples, perf record -a) and a run made
   ~17k/s; unless the machine's TIME_WAIT table was full from earlier runs
   (tcp_max_tw_buckets, TCPTimeWaitOverflow in /proc/net/netstat), when no
   TIME_WAIT was kept and the same run made ~35k/s: the bimodal rate of (d).
   (a) spreads its 4-tuples over 64 server ports for the same reason. */
#define POOL_SOURCES 64
/* Counted runs (XB_COUNTING): each client makes its share of the N
   connections at once, queued all (backlog 4096), and the acceptor starts
   once they are all made, so that it never waits and its count is N
   accepts, not N accepts and as many waits as the threads' timing gives. */
static long g_pool_share = -1;
static void *pool_client(void *arg)
{
    unsigned k = (unsigned)(intptr_t)arg;
    long made = 0;
    struct sockaddr_in sa, src;
    loopback(&sa, g_accept_port);
    loopback(&src, 0);
    while (!atomic_load(&g_pool_stop) && made != g_pool_share) {
        if (g_pool_share < 0 && atomic_load(&g_pool_connected) - atomic_load(&g_accepted) >= 64) {
            sched_yield();
            continue;
        }
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) continue;
#if defined(IP_BIND_ADDRESS_NO_PORT)
        int one = 1;
        src.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1 + (k++ % POOL_SOURCES));
        setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        bind(fd, (struct sockaddr *)&src, sizeof src);
#endif
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
            atomic_fetch_add(&g_pool_connected, 1);
            made++;
        }
        close(fd);
    }
    return NULL;
}

static raw_socket g_accept_lfd = RAW_INVALID;
static xsock *g_accept_listener;

/* One accept + close; 0 on success. */
typedef int (*accept_once_fn)(void);

static int raw_accept_close(void)
{
    int fd;
    for (;;) {
        g_raw_calls++;
        fd = accept4(g_accept_lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0 || errno != EAGAIN) break;
        raw_wait(g_accept_lfd, 1, CONNECT_TIMEOUT_MS);
    }
    if (fd < 0) return -1;
    close(fd);
    g_raw_calls++;
    return 0;
}

static int xsock_accept_close(void)
{
    xsock *c;
    if (xsock_accept(g_accept_listener, &c, CONNECT_TIMEOUT_MS) != XSOCK_OK) return -1;
    return xsock_close(c) == XSOCK_OK ? 0 : -1;
}

static void run_accept(const char *impl, long n)
{
    accept_once_fn once;
    if (!strcmp(impl, "raw")) {
        struct sockaddr_in sa;
        loopback(&sa, 0);
        socklen_t len = sizeof sa;
        g_accept_lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (g_accept_lfd < 0 || bind(g_accept_lfd, (struct sockaddr *)&sa, sizeof sa) ||
            listen(g_accept_lfd, 4096) || getsockname(g_accept_lfd, (struct sockaddr *)&sa, &len))
            die("accept: raw listen");
        g_accept_port = ntohs(sa.sin_port);
        once = raw_accept_close;
    } else if (!strcmp(impl, "xsock")) {
        if (xsock_listen(&g_accept_listener, "127.0.0.1", 0, 4096) != XSOCK_OK) die("accept: xsock_listen");
        g_accept_port = (uint16_t)xsock_local_port(g_accept_listener);
        once = xsock_accept_close;
    } else {
        die("accept: IMPL is raw or xsock");
        return;
    }
    int counting = getenv("XB_COUNTING") != NULL;
    if (counting) g_pool_share = (n + POOL_THREADS - 1) / POOL_THREADS;
    pthread_t pool[POOL_THREADS];
    for (int i = 0; i < POOL_THREADS; i++)
        pthread_create(&pool[i], NULL, pool_client, (void *)(intptr_t)(i * (POOL_SOURCES / POOL_THREADS)));
    if (counting)
        for (int i = 0; i < POOL_THREADS; i++) pthread_join(pool[i], NULL);
    long warm = warm_up_count(n / 10 + 1);
    for (long i = 0; i < warm; i++) {
        if (once() != 0) die("accept: warm-up accept failed");
        atomic_fetch_add(&g_accepted, 1);
    }
    g_raw_calls = 0;
    uint64_t c0 = lib_os_calls();
    guard_mark a = guard_now();
    for (long i = 0; i < n; i++) {
        if (once() != 0) die("accept: accept failed");
        atomic_fetch_add(&g_accepted, 1);
    }
    guard_mark b = guard_now();
    double calls = g_accept_listener ? (double)(lib_os_calls() - c0) : (double)g_raw_calls;
    emit("accept", impl, n, 0, a, b, n > 0 ? calls / (double)n : 0, 0);
    /* the throttle keeps the queue far below the backlog (4096), so no
       client is blocked in connect: they stop, and closing the listener
       resets what is still queued (no accepts after the count) */
    atomic_store(&g_pool_stop, 1);
    if (!counting)
        for (int i = 0; i < POOL_THREADS; i++) pthread_join(pool[i], NULL);
    if (g_accept_listener)
        xsock_close(g_accept_listener);
    else
        close(g_accept_lfd);
}

/* ---- the server process --------------------------------------------------- */

static void *echo_conn(void *arg)
{
    int fd = (int)(intptr_t)arg;
    static __thread char buf[65536];
    ssize_t r;
    while ((r = recv(fd, buf, sizeof buf, 0)) > 0) {
        for (ssize_t off = 0; off < r;) {
            ssize_t w = send(fd, buf + off, (size_t)(r - off), MSG_NOSIGNAL);
            if (w <= 0) goto out;
            off += w;
        }
    }
out:
    close(fd);
    return NULL;
}

/* Accepts and closes on 64 ports (one epoll, one thread), and echoes on one
   more (a thread per connection).  Writes "P1,...,P64 ECHO" to PORTFILE. */
static int run_serve(const char *portfile)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int fds[PORT_COUNT + 1];
    uint16_t ports[PORT_COUNT + 1];
    for (int i = 0; i <= PORT_COUNT; i++) {
        struct sockaddr_in sa;
        loopback(&sa, 0);
        socklen_t len = sizeof sa;
        fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&sa, sizeof sa) || listen(fds[i], 4096) ||
            getsockname(fds[i], (struct sockaddr *)&sa, &len))
            die("serve: listen");
        ports[i] = ntohs(sa.sin_port);
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
    }
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s.tmp", portfile);
    FILE *f = fopen(tmp, "w");
    if (!f) die("serve: port file");
    for (int i = 0; i < PORT_COUNT; i++) fprintf(f, "%s%u", i ? "," : "", (unsigned)ports[i]);
    fprintf(f, " %u\n", (unsigned)ports[PORT_COUNT]);
    fclose(f);
    rename(tmp, portfile);
    for (;;) {
        struct epoll_event evs[64];
        int k = epoll_wait(ep, evs, 64, -1);
        if (k < 0 && errno != EINTR) die("serve: epoll_wait");
        for (int j = 0; j < k; j++) {
            int i = (int)evs[j].data.u32;
            int c;
            while ((c = accept4(fds[i], NULL, NULL, SOCK_CLOEXEC)) >= 0) {
                if (i < PORT_COUNT) {
                    close(c);
                } else {
                    pthread_t t;
                    pthread_create(&t, NULL, echo_conn, (void *)(intptr_t)c);
                    pthread_detach(t);
                }
            }
        }
    }
    return 0; /* not reached: scripts/bench.sh stops the server by pid */
}
#endif

static void read_ports(void)
{
    const char *p = getenv("XB_PORTS");
    if (!p) die("XB_PORTS is not set (scripts/bench.sh sets it)");
    char *end;
    while (*p && g_port_count < PORT_COUNT) {
        long v = strtol(p, &end, 10);
        if (end == p) break;
        g_ports[g_port_count++] = (uint16_t)v;
        p = *end == ',' ? end + 1 : end;
    }
    if (g_port_count == 0) die("XB_PORTS holds no port");
}

int main(int argc, char **argv)
{
    if (argc < 2) die("usage: xsock_bench serve PORTFILE | connect|echo|accept|live|socks IMPL N [ARG]");
    const char *mode = argv[1];
#if !defined(_WIN32)
    if (!strcmp(mode, "serve") && argc == 3) return run_serve(argv[2]);
#endif
    if (argc < 4) die("usage: xsock_bench MODE IMPL N [ARG]");
    const char *impl = argv[2];
    long n = atol(argv[3]);
    if (xsock_init() != 0) die("xsock_init");
#if defined(_WIN32)
    WSADATA wsa;
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) die("WSAStartup");
#endif
    if (!strcmp(mode, "connect")) {
        read_ports();
        run_connect("connect", impl, n, 0);
    } else if (!strcmp(mode, "live") && argc == 5) {
        read_ports();
        run_connect("live", impl, n, atol(argv[4]));
    } else if (!strcmp(mode, "echo") && argc == 5) {
        run_echo(impl, n, atol(argv[4]));
#if !defined(_WIN32)
    } else if (!strcmp(mode, "socks")) {
        read_ports();
        run_socks(impl, n);
    } else if (!strcmp(mode, "accept")) {
        run_accept(impl, n);
#endif
    } else {
        die("unknown mode");
    }
    xsock_cleanup();
    return 0;
}
