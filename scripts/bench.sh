#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The benchmark suite: xsock against a hand-written raw loop doing the same
# work, and against libuv, APR and libcurl where they do the same work,
# in one run on loopback.  Not part of the tests (CI builds bench/ but
# never times it).
#
#   bash scripts/bench.sh            all scenarios, ~7-8 minutes on 2 cores (under 20)
#   XB_ROUNDS=3 XB_SCALE=0.2 bash scripts/bench.sh    a quick look
#
# Scenarios (bench/xsock_bench.c does the work, one run per process):
#   (a) connect   timed connect (1000 ms) + close over 64 server ports
#   (b) socks5    SOCKS5 no-auth dial through dante and microsocks
#   (c) echo      64 B and 64 KiB round trips on one connection
#   (d) accept    a client pool against xsock_listen/xsock_accept vs accept4,
#                 all on one core
#   (e) live      (a) with 0 / 1k / 10k / 15k live sockets held open
#   (f) wine      (a) and (c) under Wine: xsock vs raw Winsock in one Wine
# Each is run XB_ROUNDS (default 11) times per implementation, rounds
# alternating between implementations (the order reversed every other
# round).  A run during which other processes took more than
# XB_GUARD_CORES (default 0.25) of a core is repeated (up to 3 times; the
# last one is kept and marked disturbed).  Then, per implementation and
# scenario: OS calls per operation (the library's os_calls and the raw
# loop's count; strace -c, N=2000 minus N=0 operations; under Wine the
# calls into ws2_32, WINEDEBUG=+relay), user instructions per operation
# (callgrind, N=2000 minus N=0), peak RSS, library heap per live socket
# (mallinfo2 around 15,000 opens).  Writes bench/results/results.{md,json},
# ratios.png.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
start=$(date +%s)
ROUNDS=${XB_ROUNDS:-11}
SCALE=${XB_SCALE:-1}
GUARD=${XB_GUARD_CORES:-0.25}
out=$root/bench/results
work=$root/build/bench-run
mkdir -p "$out" "$work"
scaled() { awk -v n="$1" -v s="$SCALE" 'BEGIN { v = int(n * s); print (v < 10 ? 10 : v) }'; }
say() { echo "== bench: $*" >&2; }

say "dependencies (scripts/deps.sh --bench)"
bash scripts/deps.sh --bench

say "build (release, and mingw-w64 for Wine)"
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXSOCK_WERROR=ON \
  -DXSOCK_BUILD_TESTS=OFF -DXSOCK_BUILD_EXAMPLES=OFF >"$work/cmake.log"
cmake --build build/bench -j2 --target xsock_bench >>"$work/cmake.log"
BIN=$root/build/bench/bench/xsock_bench
WINBIN=
if command -v x86_64-w64-mingw32-gcc >/dev/null && command -v wine >/dev/null; then
  cmake -S . -B build/bench-mingw -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXSOCK_WERROR=ON \
    -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchain-x86_64-w64-mingw32.cmake" \
    -DXSOCK_BUILD_TESTS=OFF -DXSOCK_BUILD_EXAMPLES=OFF >>"$work/cmake.log"
  cmake --build build/bench-mingw -j2 --target xsock_bench >>"$work/cmake.log"
  WINBIN=$root/build/bench-mingw/bench/xsock_bench.exe
fi
impls_connect=(raw xsock)
for peer in uv apr curl; do
  # a peer is in the binary when its -dev package was there at build time
  if grep -q "XB_HAVE_${peer^^}=1" build/bench/build.ninja 2>/dev/null; then impls_connect+=("$peer"); fi
done

# Where each side runs: on loopback a run's rate about halves when the
# scheduler puts client and server on one core (raw connects seen here:
# 16-22k/s on one core, 34-36k/s pinned apart, 28-39k/s left free), so
# with 2 cores or more the measured client is pinned to the first and
# every peer (server, proxies, wineserver) to the second.  XB_PIN=0: no pins.
CLIENT_PIN=() PEER_PIN=()
if [ "${XB_PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  CLIENT_PIN=(taskset -c 0) PEER_PIN=(taskset -c 1)
fi

# ---- servers, stopped by pid whatever happens ---------------------------
pids=()
wine_up=0
cleanup() {
  [ ${#pids[@]} -gt 0 ] && bash tests/proxies/stop.sh "${pids[@]}" >/dev/null 2>&1
  [ $wine_up = 1 ] && WINEPREFIX=$root/build/bench-mingw/wineprefix wineserver -k >/dev/null 2>&1 || true
}
trap cleanup EXIT
rm -f "$work/ports"
setsid "${PEER_PIN[@]}" "$BIN" serve "$work/ports" </dev/null >"$work/serve.log" 2>&1 &
server_pid=$!
pids+=("$server_pid")
for _ in $(seq 100); do [ -s "$work/ports" ] && break; sleep 0.05; done
read -r XB_PORTS XB_ECHO_PORT <"$work/ports"
export XB_PORTS XB_ECHO_PORT

# a proxy started by tests/proxies (its own process group) goes to the peers'
# core, every process and thread of it; the workers it forks later inherit it
pin_group() {
  [ ${#PEER_PIN[@]} -gt 0 ] || return 0
  local p
  for p in $(ps -eo pid=,pgid= | awk -v g="$1" '$2 == g { print $1 }'); do taskset -a -p -c 1 "$p" >/dev/null 2>&1 || true; done
}

# Proxy ports: below the ephemeral range, as tests/proxies/run.sh picks them.
read -r eph_lo _ </proc/sys/net/ipv4/ip_local_port_range
proxy_port() { echo $(( eph_lo > 21000 ? 20000 + RANDOM % 1000 : 10000 + RANDOM % 1000 )); }
export XT_PROXY_TMP=$work/proxies
mkdir -p "$XT_PROXY_TMP"
dante_port= microsocks_port=
for _ in 1 2 3; do
  p=$(proxy_port)
  if pid=$(bash tests/proxies/start-dante.sh "$p" --ipv4-only 2>>"$work/proxies.log"); then
    pids+=("$pid"); dante_port=$p; dante_pid=$pid
    pin_group "$pid"; break
  fi
done
for _ in 1 2 3; do
  p=$(proxy_port)
  if pid=$(bash tests/proxies/start-microsocks.sh "$p" 2>>"$work/proxies.log"); then
    pids+=("$pid"); microsocks_port=$p; microsocks_pid=$pid
    pin_group "$pid"; break
  fi
done
# a proxy runs in a process group of its own (setsid): "gPID" makes the
# guard count every process of it, dante's workers included

results=$work/runs.jsonl
: >"$results"

# run_guarded LABEL PEERS CMD...: one timed run, repeated when disturbed
run_guarded() {
  local peers=$1 try line others
  shift
  for try in 1 2 3; do
    line=$(XB_PEER_PIDS="$peers" "$@") || { echo "bench: run failed: $*" >&2; exit 1; }
    line=${line//$'\r'/} # the Windows binary writes CRLF
    others=$(sed -E 's/.*"others_cores":([0-9.]+).*/\1/' <<<"$line")
    if awk -v o="$others" -v g="$GUARD" 'BEGIN { exit !(o <= g) }'; then
      echo "${line%\}},\"disturbed\":false,\"tries\":$try}" >>"$results"
      return
    fi
    say "  disturbed (others used $others cores): repeating $*"
  done
  echo "${line%\}},\"disturbed\":true,\"tries\":3}" >>"$results"
}

# rounds SCENARIO-ARGS-BEFORE-IMPL -- IMPLS -- ARGS-AFTER: alternating rounds
rounds() {
  local peers=$1 mode=$2 n=$3 extra=$4
  shift 4
  local impls=("$@") r i order
  for ((r = 1; r <= ROUNDS; r++)); do
    order=("${impls[@]}")
    if ((r % 2 == 0)); then order=(); for ((i = ${#impls[@]} - 1; i >= 0; i--)); do order+=("${impls[i]}"); done; fi
    for i in "${order[@]}"; do
      # shellcheck disable=SC2086
      run_guarded "$peers" "${RUNNER[@]}" "$mode" "$i" "$n" $extra
    done
  done
}

wait_quiet() {
  local t=0
  while pgrep -f '\.ci/run' >/dev/null && ((t < 1800)); do
    ((t % 60 == 0)) && say "waiting for a CI run to finish before timing"
    sleep 5; t=$((t + 5))
  done
}
[ "${XB_NO_WAIT:-0}" = 1 ] || wait_quiet

RUNNER=("${CLIENT_PIN[@]}" "$BIN")
N_CONNECT=$(scaled 20000) N_ECHO=$(scaled 20000) N_ECHO_BIG=$(scaled 2000)
N_ACCEPT=$(scaled 20000) N_LIVE=$(scaled 10000) N_SOCKS=$(scaled 3000) N_WINE=$(scaled 5000)
say "(a) connect + close, ${impls_connect[*]}, $ROUNDS x $N_CONNECT"
rounds "$server_pid" connect "$N_CONNECT" "" "${impls_connect[@]}"
say "(c) echo 64 B x $N_ECHO, 64 KiB x $N_ECHO_BIG"
rounds "$server_pid" echo "$N_ECHO" 64 raw xsock
rounds "$server_pid" echo "$N_ECHO_BIG" 65536 raw xsock
say "(d) accept x $N_ACCEPT"
# the connecting clients are threads of the measured process: all of it on
# the client's core (bench/xsock_bench.c, pool_client, says why)
rounds "" accept "$N_ACCEPT" "" raw xsock
say "(e) connect + close at 0 / 1k / 10k / 15k live, x $N_LIVE"
for live in 0 1000 10000 15000; do rounds "$server_pid" live "$N_LIVE" "$live" raw xsock; done
for proxy in dante microsocks; do
  port_var=${proxy}_port pid_var=${proxy}_pid
  if [ -z "${!port_var}" ]; then say "(b) $proxy did not start: skipped"; continue; fi
  say "(b) SOCKS5 through $proxy x $N_SOCKS"
  export XB_SOCKS_PORT=${!port_var} XB_SOCKS_LABEL=socks5_$proxy
  rounds "$server_pid g${!pid_var}" socks "$N_SOCKS" "" raw xsock
done
if [ -n "$WINBIN" ]; then
  say "(f) under Wine: connect x $N_WINE, echo 64 B x $N_WINE, 64 KiB x $(scaled 1000)"
  export WINEPREFIX=$root/build/bench-mingw/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="winedbg.exe=d;mscoree=d;mshtml=d"
  mkdir -p "$WINEPREFIX"
  wineserver -p >/dev/null 2>&1 </dev/null || true  # non-zero when one is already up
  wine_up=1
  wine cmd /c exit 0 >/dev/null 2>&1 </dev/null || true
  # wineserver and Wine's own services do part of every Winsock call's work
  ws_pid=$(pgrep -d ' ' -f 'wineserver|\.exe' || true)
  if [ ${#PEER_PIN[@]} -gt 0 ]; then
    for p in $ws_pid; do taskset -a -p -c 1 "$p" >/dev/null 2>&1 || true; done
  fi
  RUNNER=("${CLIENT_PIN[@]}" wine "$WINBIN")
  # the label says Wine: the JSON "scenario" of the Windows binary is suffixed below
  mark=$(wc -l <"$results")
  rounds "$server_pid $ws_pid" connect "$N_WINE" "" raw xsock
  rounds "$server_pid $ws_pid" echo "$N_WINE" 64 raw xsock
  rounds "$server_pid $ws_pid" echo "$(scaled 1000)" 65536 raw xsock
  sed -i "$((mark + 1)),\$ s/\"scenario\":\"\([a-z_0-9]*\)\"/\"scenario\":\"wine_\1\"/" "$results"
  RUNNER=("${CLIENT_PIN[@]}" "$BIN")
fi

# ---- costs per operation: strace and callgrind, N minus 0 ---------------
# Every scenario's clients, unpinned (a count does not depend on the core).
# (d) counts the acceptor thread only (strace without -f, callgrind's
# thread 1): its connecting threads are plain C, the same for both clients,
# and would add their own calls and spins to the figure.  (f) counts the
# calls into ws2_32 under Wine (WINEDEBUG=+relay, RelayInclude ws2_32.*).
costs=$work/costs.jsonl
: >"$costs"
COST_N=2000
strace_calls() { # FOLLOW MODE IMPL N [ARG]: syscalls of the process (FOLLOW=-f: all threads)
  local f=$work/strace.out follow=$1
  shift
  # shellcheck disable=SC2086
  XB_COUNTING=1 strace $follow -c -o "$f" "$BIN" "$@" >/dev/null
  awk '/ total$/ { print $4 }' "$f"
}
callgrind_ir() { # THREAD MODE IMPL N [ARG]: user instructions (THREAD=all, or 1: the main thread)
  local f=$work/callgrind.out thread=$1 sep=no
  shift
  [ "$thread" = all ] || sep=yes
  rm -f "$f" "$f"-*
  XB_COUNTING=1 valgrind --tool=callgrind --separate-threads=$sep --callgrind-out-file="$f" "$BIN" "$@" >/dev/null 2>"$work/callgrind.log"
  [ "$thread" = all ] || f=$f-0$thread
  awk '/^(summary|totals):/ { print $2; exit }' "$f"
}
per_op() { awk -v a="$1" -v b="$2" -v n=$COST_N -v p="$3" 'BEGIN { printf "%." p "f", (b - a) / n }'; }
cost() { # SCENARIO PARAM MODE IMPL [ARG]
  local scenario=$1 param=$2 mode=$3 impl=$4 arg=${5:-} follow=-f thread=all s0 s1 i0 i1
  if [ "$mode" = accept ]; then follow= thread=1; fi
  s0=$(strace_calls "$follow" "$mode" "$impl" 0 $arg); s1=$(strace_calls "$follow" "$mode" "$impl" $COST_N $arg)
  i0=$(callgrind_ir $thread "$mode" "$impl" 0 $arg); i1=$(callgrind_ir $thread "$mode" "$impl" $COST_N $arg)
  echo "{\"scenario\":\"$scenario\",\"param\":$param,\"impl\":\"$impl\",\"strace_calls_per_op\":$(per_op "$s0" "$s1" 2),\"instructions_per_op\":$(per_op "$i0" "$i1" 0)}" >>"$costs"
}
# the calls into ws2_32 of one run under Wine, by function, byte-order
# helpers (htons and the like: arithmetic, no socket) left out
winsock_calls() { # MODE IMPL N [ARG]
  local f=$work/relay.log
  XB_COUNTING=1 WINEDEBUG=+relay wine "$WINBIN" "$@" >/dev/null 2>"$f" </dev/null
  grep -o 'Call ws2_32\.[A-Za-z0-9_]*' "$f" | sed 's/Call ws2_32\.//' | grep -Evx '[hn]to[nh][ls]' | sort | uniq -c
}
wine_cost() { # SCENARIO MODE IMPL [ARG]
  local scenario=$1 mode=$2 impl=$3 arg=${4:-}
  # shellcheck disable=SC2086
  winsock_calls "$mode" "$impl" 0 $arg >"$work/relay.0"
  # shellcheck disable=SC2086
  winsock_calls "$mode" "$impl" $COST_N $arg >"$work/relay.n"
  python3 - "$work/relay.0" "$work/relay.n" "$scenario" "$impl" $COST_N >>"$costs" <<'PY'
import json, sys
def read(p):
    return {name: int(n) for n, name in (l.split() for l in open(p) if l.strip())}
a, b = read(sys.argv[1]), read(sys.argv[2])
n = int(sys.argv[5])
by = {k: round((b.get(k, 0) - a.get(k, 0)) / n, 3) for k in sorted(set(a) | set(b)) if b.get(k, 0) != a.get(k, 0)}
print(json.dumps({"scenario": sys.argv[3], "param": 0, "impl": sys.argv[4],
                  "winsock_calls_per_op": round(sum(by.values()), 2), "winsock_calls": by}))
PY
}
cost_start=$(date +%s)
say "costs per operation (strace, callgrind; N=$COST_N minus N=0)"
for i in "${impls_connect[@]}"; do cost connect 0 connect "$i"; done
for i in raw xsock; do
  cost echo_64 0 echo "$i" 64
  cost echo_65536 0 echo "$i" 65536
  cost accept 0 accept "$i"
  cost live 10000 live "$i" 10000
done
for proxy in dante microsocks; do
  port_var=${proxy}_port
  [ -n "${!port_var}" ] || continue
  export XB_SOCKS_PORT=${!port_var} XB_SOCKS_LABEL=socks5_$proxy
  for i in raw xsock; do cost "socks5_$proxy" 0 socks "$i"; done
done
if [ -n "$WINBIN" ]; then
  say "Winsock calls per operation under Wine (WINEDEBUG=+relay, ws2_32; N=$COST_N minus N=0)"
  wine reg add 'HKCU\Software\Wine\Debug' /v RelayInclude /t REG_SZ /d 'ws2_32.*' /f >/dev/null 2>&1 </dev/null
  for i in raw xsock; do
    wine_cost wine_connect connect "$i"
    wine_cost wine_echo_64 echo "$i" 64
    wine_cost wine_echo_65536 echo "$i" 65536
  done
fi
cost_seconds=$(( $(date +%s) - cost_start ))
say "costs took $cost_seconds s"

# ---- the machine, the versions, the report -------------------------------
ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo none; }
machine=$work/machine.json
cat >"$machine" <<EOF
{"cpu": "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)",
 "cores": $(nproc),
 "kernel": "$(uname -sr)",
 "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
 "commit": "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src include || echo +dirty)",
 "gcc": "$(gcc -dumpfullversion)",
 "libuv": "$(ver libuv1-dev)", "apr": "$(ver libapr1-dev)", "libcurl": "$(ver libcurl4-openssl-dev)",
 "wine": "$(wine --version 2>/dev/null || echo none)", "dante": "$(ver dante-server)", "microsocks": "$(ver microsocks)",
 "rounds": $ROUNDS, "scale": $SCALE, "guard_cores": $GUARD,
 "seconds": $(( $(date +%s) - start )), "cost_seconds": $cost_seconds}
EOF
python3 bench/report.py "$results" "$costs" "$machine" "$out"
if command -v gnuplot >/dev/null; then
  gnuplot -e "datafile='$out/ratios.dat'; outfile='$out/ratios.png'" bench/ratios.gp
fi
# the READMEs show the last run's table, between their markers
python3 - "$out/results.md" bench/README.md README.md <<'PY'
import re, sys
table = open(sys.argv[1]).read()
for path in sys.argv[2:]:
    readme = open(path).read()
    new = re.sub(r"(<!-- results:begin -->\n).*?(<!-- results:end -->)",
                 lambda m: m.group(1) + table + m.group(2), readme, flags=re.S)
    open(path, "w").write(new)
PY
say "done in $(( $(date +%s) - start )) s: $out/results.md"
