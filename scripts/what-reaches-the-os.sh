#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# what-reaches-the-os.sh [OUT.md] : what a timed connect makes the OS do,
# Java's Socket.connect(endpoint, 2000) next to xsock_dial with a 2 s
# timeout, direct and through a SOCKS5 proxy (microsocks), all on loopback.
#
#   Java:  strace -f of scripts/what-reaches-the-os/Probe.java (Debian's
#          openjdk-17-jdk-headless), every socket-related call counted;
#          strace -f -c for the process's total; VmHWM for the RSS.
#   xsock: the same under strace, plus its own trace (XSOCK_TRACE=stderr)
#          and its per-socket report line (xsock_report_live).
#
# Prints Markdown (the README's "What reaches the OS" section is its
# output) to stdout and to OUT.md when given.  Exits 77, loudly, when Java,
# strace, microsocks or python3 is missing.  Builds the static library in
# build/release (or $XSOCK_BUILD).  Only 127.0.0.1 is ever reached.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
here=$root/scripts/what-reaches-the-os
out=${1:-}

skip() {
  echo "what-reaches-the-os: SKIPPED: $*" >&2
  exit 77
}
command -v java >/dev/null && command -v javac >/dev/null ||
  skip "java/javac missing: apt-get install -y openjdk-17-jdk-headless (scripts/deps.sh --bench)"
command -v strace >/dev/null || skip "strace missing: apt-get install -y strace"
command -v microsocks >/dev/null || skip "microsocks missing: apt-get install -y microsocks"
command -v python3 >/dev/null || skip "python3 missing"

build=${XSOCK_BUILD:-$root/build/release}
# the static library, brought up to date (configured with the release preset
# when the build directory is new)
[ -f "$build/CMakeCache.txt" ] || (cd "$root" && cmake --preset release >/dev/null)
cmake --build "$build" --target xsock_static -j2 >/dev/null

tmp=$(mktemp -d "${TMPDIR:-/tmp}/what-reaches-the-os.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${socks_pid:-}" ] && bash "$root/tests/proxies/stop.sh" "$socks_pid" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

cc -std=c11 -O2 -ffile-prefix-map="$root/"= -I"$root/include" -o "$tmp/probe" "$here/probe.c" "$build/libxsock.a" -lpthread
javac -d "$tmp" "$here/Probe.java"
java_version=$(java -version 2>&1 | head -1)

# The target: a loopback listener that accepts and holds every connection.
cat >"$tmp/listener.py" <<'EOF'
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
print(s.getsockname()[1], flush=True)
held = []
while True:
    c, _ = s.accept(); held.append(c)
EOF
python3 "$tmp/listener.py" >"$tmp/port" &
pids+=($!)
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port")
[ -n "$port" ] || { echo "what-reaches-the-os: the listener did not start" >&2; exit 1; }

# A free loopback port for microsocks.
sport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
socks_pid=$(XT_PROXY_TMP=$tmp bash "$root/tests/proxies/start-microsocks.sh" "$sport" 2>/dev/null)

calls=socket,socketpair,connect,poll,ppoll,select,pselect6,getsockopt,setsockopt,fcntl,ioctl,bind,getsockname,getpeername,sendto,recvfrom,sendmsg,recvmsg,read,write,shutdown,close
# run NAME CMD... : strace the socket-related calls (-y names each fd), then
# the whole process's syscall count (strace -c), then stdout alone.
run() {
  local name=$1; shift
  strace -f -qq -y -o "$tmp/$name.st" -e trace="$calls" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
  strace -f -qq -c -o "$tmp/$name.c" "$@" >/dev/null 2>&1
}
run java-direct java -cp "$tmp" Probe 127.0.0.1 "$port"
run java-socks java -cp "$tmp" Probe 127.0.0.1 "$port" 127.0.0.1 "$sport"
run xsock-direct "$tmp/probe" 127.0.0.1 "$port"
run xsock-socks "$tmp/probe" 127.0.0.1 "$port" 127.0.0.1 "$sport"
# with the per-socket report (its own OS calls are left out of the trace shown)
PROBE_REPORT=1 XSOCK_TRACE=stderr "$tmp/probe" 127.0.0.1 "$port" >"$tmp/xsock-direct.rep" 2>"$tmp/xsock-direct.trace"
PROBE_REPORT=1 XSOCK_TRACE=stderr "$tmp/probe" 127.0.0.1 "$port" 127.0.0.1 "$sport" >"$tmp/xsock-socks.rep" 2>"$tmp/xsock-socks.trace"

python3 - "$tmp" "$port" "$sport" "$java_version" >"$tmp/report.md" <<'EOF'
import re, sys
tmp, port, sport, jver = sys.argv[1:5]
line_re = re.compile(r'^\d+\s+(\w+)\((.*)$')
fd_re = re.compile(r'^(\d+)<(socket|TCP|TCPv6|UNIX|UNIX-STREAM)[:\[]')

def parse(name):
    """Socket-related calls, in order: (call, fd, text) where the call is on a
    socket (or makes one)."""
    out = []
    for raw in open(f"{tmp}/{name}.st"):
        m = line_re.match(raw.strip())
        if not m:
            continue
        call, rest = m.group(1), m.group(2)
        fd = None
        if call in ("socket", "socketpair"):
            r = re.search(r'= (\d+)<', raw) or re.search(r'\[(\d+)<', raw)
            fd = r.group(1) if r else None
            if " = -1" in raw:
                continue
        elif call in ("poll", "ppoll"):
            r = re.search(r'fd=(\d+)<(socket|TCP)', rest)
            if not r:
                continue
            fd = r.group(1)
        else:
            r = fd_re.match(rest)
            if not r:
                continue
            fd = r.group(1)
        out.append((call, fd, raw.split(None, 1)[1].rstrip()))
    return out

def summary_total(name):
    for raw in open(f"{tmp}/{name}.c"):
        if raw.strip().endswith("total"):
            return int(raw.split()[3])
    return 0

def rss_mib(name):
    text = open(f"{tmp}/{name}.out").read()
    m = re.search(r'VmHWM:\s*(\d+) kB', text)
    return f"{int(m.group(1)) / 1024:.1f} MiB" if m else "?"

def the_connect(calls):
    """The calls from the socket() of the socket that connects to 127.0.0.1
    (the target or the proxy) to its close."""
    at = None
    for i, (c, fd, text) in enumerate(calls):
        if c == "connect" and "127.0.0.1" in text and (f"htons({port})" in text or f"htons({sport})" in text):
            at, target = i, fd
            break
    if at is None:
        return [], calls
    # descriptors are reused: the socket() that made this one is the last before the connect
    start = max(i for i in range(at) if calls[i][0] == "socket" and calls[i][1] == target)
    end = next(i for i in range(at, len(calls)) if calls[i][0] == "close" and calls[i][1] == target)
    return calls[start:end + 1], calls[:start] + calls[end + 1:]

def switches(seq):
    return sum(1 for c, _, t in seq if (c == "fcntl" and "F_SETFL" in t) or (c == "ioctl" and "FIONBIO" in t))

def names(seq):
    return ", ".join(c for c, _, _ in seq)

def xsock_trace(name):
    lines, inside = [], False
    for l in open(f"{tmp}/{name}.trace"):
        if l.startswith("probe: report"):
            inside = "begins" in l
        elif l.startswith("xsock-trace: ") and not inside:
            lines.append(l.rstrip())
    rep = [l.rstrip() for l in open(f"{tmp}/{name}.rep") if l.startswith("xsock: live socket")]
    return lines, rep

rows = []
detail = []
for label, j, x in (("direct", "java-direct", "xsock-direct"), ("SOCKS5 (microsocks)", "java-socks", "xsock-socks")):
    jc, xc = parse(j), parse(x)
    jconn, jrest = the_connect(jc)
    xconn, xrest = the_connect(xc)
    tr, rep = xsock_trace(x)
    # the report's own calls come between the connect and the close: not the work
    rows.append((label, jc, jconn, jrest, xc, xconn, tr, rep, j, x))

print(f"Measured by `scripts/what-reaches-the-os.sh` ({jver}; strace; a loopback listener;")
print("microsocks for SOCKS5). Socket-related calls are those on a socket descriptor or making one,")
print("counted by `strace -f -y`; the total is every system call of the process (`strace -f -c`).")
print()
print("| | Java direct | xsock direct | Java SOCKS5 | xsock SOCKS5 |")
print("|---|---|---|---|---|")
def cell(f):
    return [f(r) for r in rows]
def line(title, fj, fx):
    vals = []
    for r in rows:
        vals += [fj(r), fx(r)]
    print(f"| {title} | " + " | ".join(str(v) for v in vals) + " |")
line("calls for the connect (socket .. close)", lambda r: len(r[2]), lambda r: len(r[5]))
line("blocking/nonblocking switches in it", lambda r: switches(r[2]), lambda r: switches(r[5]))
line("other socket calls of the process", lambda r: len(r[3]), lambda r: len(r[4]) - len(r[5]))
line("all system calls of the process", lambda r: summary_total(r[8]), lambda r: summary_total(r[9]))
line("peak RSS (VmHWM)", lambda r: rss_mib(r[8]), lambda r: rss_mib(r[9]))
print()
print("Java's other socket calls are the JVM's start-up probes of socket options (a socket made,")
print("asked one option and closed, several times), its name-service lookups (nscd) and the")
print("socketpair NIO keeps for closing; none is part of the connect.")
for label, jc, jconn, jrest, xc, xconn, tr, rep, j, x in rows:
    print()
    print(f"**{label}**: Java, the connect's calls on its socket:")
    print()
    print("```")
    for c, fd, t in jconn:
        print(t)
    print("```")
    print()
    print("xsock, its own trace (`XSOCK_TRACE=stderr`) of the connect and close, and its report line")
    print("(printed between the two; the report's own getsockname/getsockopt/ioctl calls are left out):")
    print()
    print("```")
    for l in tr:
        print(l)
    for l in rep:
        print(l)
    print("```")
EOF
cat "$tmp/report.md"
if [ -n "$out" ]; then cp "$tmp/report.md" "$out"; fi
