#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# cli.sh EXAMPLES_DIR [EMULATOR...]
# The examples behave like their anchors (ncat, socat):
#   1. every bad argument exits 2 with a message on stderr naming the option
#      (or argument) and the value, and prints nothing on stdout;
#   2. --help and -h print the usage on stdout and exit 0;
#   3. xnc is interactive: a server's banner shows while xnc's stdin is still
#      open (a fifo this script holds), a line typed later is echoed at once,
#      and at stdin's EOF xnc half-closes and exits 0 when the peer closes;
#   4. --idle-timeout ends a silent session (exit 1, a message), activity in
#      either direction keeps it alive.
# EMULATOR (wine, for the mingw build) runs the .exe programs; the servers
# run through it too, so both ends are the Windows backend.
set -uo pipefail
[ $# -ge 1 ] || { echo "usage: cli.sh EXAMPLES_DIR [EMULATOR...]" >&2; exit 2; }
dir=$1; shift
emu=("$@")
suffix=
[ -f "$dir/xnc.exe" ] && suffix=.exe
for p in xnc echo_server proxy_selector; do
  [ -f "$dir/$p$suffix" ] || { echo "cli.sh: $dir/$p$suffix not built" >&2; exit 1; }
done
# Wine starts a process in a few hundred ms (seconds on a loaded machine):
# the bounds below that measure xnc's reaction are wider under an emulator.
if [ ${#emu[@]} -gt 0 ]; then slack=15; else slack=1; fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xsock-cli.XXXXXX") || exit 1
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  exec 3>&- 4>&- 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

failures=0 passes=0
ok() { passes=$((passes + 1)); echo "ok   - $*"; }
fail() { failures=$((failures + 1)); echo "FAIL - $*"; }
run() { local prog=$1; shift; "${emu[@]}" "$dir/$prog$suffix" "$@"; }
# in the background: exec, so that $! is the program itself (kill reaches it)
spawn() { local prog=$1; shift; exec "${emu[@]}" "$dir/$prog$suffix" "$@"; }
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# wait_for FILE REGEX SECONDS: until FILE has a line matching REGEX
wait_for() {
  local deadline=$(( $(now_ms) + $3 * 1000 ))
  until grep -qE "$2" "$1" 2>/dev/null; do
    (( $(now_ms) < deadline )) || return 1
    sleep 0.02
  done
}

# ---- 1. bad arguments: exit 2, the option and the value named on stderr
# prog | arguments (tab-separated) | what stderr must contain (tab-separated)
bad_cases=(
  "xnc|--timeout	abc	127.0.0.1	7|--timeout	abc"
  "xnc|--timeout	-5	127.0.0.1	7|--timeout	-5"
  "xnc|--timeout	10x	127.0.0.1	7|--timeout	10x"
  "xnc|--timeout	99999999999	127.0.0.1	7|--timeout	99999999999"
  "xnc|--timeout|--timeout	needs a value"
  "xnc|--idle-timeout	0	127.0.0.1	7|--idle-timeout	0"
  "xnc|--idle-timeout	soon	127.0.0.1	7|--idle-timeout	soon"
  "xnc|127.0.0.1	22x|port	22x"
  "xnc|127.0.0.1	70000|port	70000"
  "xnc|127.0.0.1	0|port	0"
  "xnc|127.0.0.1	-1|port	-1"
  "xnc|127.0.0.1	|port	''"
  "xnc|127.0.0.1|missing host and port"
  "xnc|127.0.0.1	7	extra|unexpected argument	extra"
  "xnc|--bogus	127.0.0.1	7|unknown option	--bogus"
  "xnc|--proxy	ftp://127.0.0.1:21	127.0.0.1	7|--proxy	ftp://127.0.0.1:21	unknown scheme"
  "xnc|--proxy	socks5://127.0.0.1:99999	127.0.0.1	7|--proxy	socks5://127.0.0.1:99999	port out of range"
  "xnc|--proxy	http://user:s3cret@127.0.0.1:3128/path	127.0.0.1	7|--proxy	http://127.0.0.1:3128/path	path in the proxy URL"
  "echo_server|--port	22x|--port	22x"
  "echo_server|--port	70000|--port	70000"
  "echo_server|--port	-5|--port	-5"
  "echo_server|--port|--port	needs a value"
  "echo_server|stray|unexpected argument	stray"
  "proxy_selector|--timeout	abc	127.0.0.1	7|--timeout	abc"
  "proxy_selector|--timeout	-5	127.0.0.1	7|--timeout	-5"
  "proxy_selector|127.0.0.1	22x|port	22x"
  "proxy_selector|127.0.0.1	70000|port	70000"
  "proxy_selector|127.0.0.1	0|port	0"
  "proxy_selector|127.0.0.1	7	socks5://127.0.0.1:1080	bogus://x|PROXY-URL #2	bogus://x	unknown scheme"
  "proxy_selector|--no-direct	127.0.0.1	7|--no-direct	PROXY-URL"
)
for c in "${bad_cases[@]}"; do
  IFS='|' read -r prog argstr wants <<<"$c"
  IFS=$'\t' read -r -a args <<<"$argstr"
  [ "$argstr" = "127.0.0.1	" ] && args=(127.0.0.1 "")
  IFS=$'\t' read -r -a want <<<"$wants"
  run "$prog" "${args[@]}" </dev/null >"$tmp/out" 2>"$tmp/err"
  rc=$?
  what="$prog ${args[*]}"
  if [ $rc -ne 2 ]; then fail "$what: exit $rc, expected 2 ($(head -c 300 "$tmp/err"))"; continue; fi
  if [ -s "$tmp/out" ]; then fail "$what: printed on stdout: $(head -c 200 "$tmp/out")"; continue; fi
  missing=
  for w in "${want[@]}"; do
    grep -qF -- "$w" "$tmp/err" || missing="$missing '$w'"
  done
  if [ -n "$missing" ]; then fail "$what: stderr lacks$missing: $(head -c 300 "$tmp/err")"; continue; fi
  if grep -qF s3cret "$tmp/err"; then fail "$what: the password is in the message"; continue; fi
  ok "$what -> exit 2: $(head -n 1 "$tmp/err" | tr -d '\r')"
done

# ---- 2. --help and -h: usage on stdout, exit 0
for prog in xnc echo_server proxy_selector; do
  for h in --help -h; do
    run "$prog" "$h" </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc -eq 0 ] && grep -q "^usage: $prog" "$tmp/out" && [ ! -s "$tmp/err" ]; then
      ok "$prog $h -> exit 0, usage on stdout"
    else
      fail "$prog $h: exit $rc, stdout '$(head -n 1 "$tmp/out")', stderr '$(head -c 200 "$tmp/err")'"
    fi
  done
done

# ---- 3. interactive: a banner before stdin closes
banner="220 xsock-banner-$$"
(spawn echo_server --banner "$banner") >"$tmp/server.out" 2>"$tmp/server.err" </dev/null &
server_pid=$!
if ! wait_for "$tmp/server.out" '^listening on ' $((slack * 10)); then
  fail "echo_server did not start: $(cat "$tmp/server.err")"
  echo "cli.sh: $passes passed, $failures failed"
  exit 1
fi
port=$(sed -n 's/^listening on .*:\([0-9]*\)\r*$/\1/p' "$tmp/server.out")

mkfifo "$tmp/stdin" "$tmp/stdin2"
# read-write open: does not block; this script stays the only writer (xnc
# gets the fifo without fd 3: a writer of its own would hide the EOF),
# so xnc's stdin stays open until fd 3 is closed
exec 3<>"$tmp/stdin"
t0=$(now_ms)
(spawn xnc --timeout 5000 127.0.0.1 "$port") <"$tmp/stdin" >"$tmp/xnc.out" 2>"$tmp/xnc.err" 3>&- &
xnc_pid=$!
if wait_for "$tmp/xnc.out" "^$banner" "$slack"; then
  ms=$(( $(now_ms) - t0 ))
  if kill -0 "$xnc_pid" 2>/dev/null; then
    ok "xnc printed the server's banner ${ms} ms after it started, its stdin still open"
  else
    fail "xnc printed the banner but is no longer running with its stdin open: $(cat "$tmp/xnc.err")"
  fi
else
  fail "xnc did not print the banner within ${slack} s while its stdin was open (got '$(cat "$tmp/xnc.out")', $(cat "$tmp/xnc.err"))"
fi
line="typed-line-$$"
echo "$line" >&3
if wait_for "$tmp/xnc.out" "^$line" "$slack"; then
  ok "a line written to xnc's stdin later came back from the echo at once"
else
  fail "the line written later did not come back (got '$(cat "$tmp/xnc.out")')"
fi
exec 3>&-  # stdin EOF: xnc half-closes, the echo server closes, xnc ends
deadline=$(( $(now_ms) + slack * 5000 ))
while kill -0 "$xnc_pid" 2>/dev/null && (( $(now_ms) < deadline )); do sleep 0.02; done
if kill -0 "$xnc_pid" 2>/dev/null; then
  fail "xnc still running after stdin EOF and the peer's close"
  kill "$xnc_pid"
else
  wait "$xnc_pid"; rc=$?
  if [ $rc -eq 0 ]; then ok "stdin EOF: xnc half-closed and exited 0 when the peer closed"
  else fail "xnc exited $rc after stdin EOF: $(cat "$tmp/xnc.err")"; fi
fi

# piped stdin, the old way: the banner and the echo, exit 0
printf 'piped-%s\n' $$ | run xnc 127.0.0.1 "$port" >"$tmp/pipe.out" 2>"$tmp/pipe.err"
rc=$?
if [ $rc -eq 0 ] && [ "$(tr -d '\r' <"$tmp/pipe.out")" = "$banner"$'\n'"piped-$$" ]; then
  ok "piped stdin: banner, then the echo, exit 0"
else
  fail "piped stdin: exit $rc, output '$(cat "$tmp/pipe.out")', $(cat "$tmp/pipe.err")"
fi

# ---- 4. --idle-timeout
idle=600
exec 4<>"$tmp/stdin2"
t0=$(now_ms)
(spawn xnc --idle-timeout $idle 127.0.0.1 "$port") <"$tmp/stdin2" >"$tmp/idle.out" 2>"$tmp/idle.err" 4>&- &
xnc_pid=$!
# activity both ways (a line out, its echo back) every 150 ms for 1.2 s:
# the session must outlive three idle periods
wait_for "$tmp/idle.out" "^$banner" "$slack"
t_active=$(now_ms)
for i in 1 2 3 4 5 6 7 8; do sleep 0.15; echo "keepalive-$i" >&4; done
wait_for "$tmp/idle.out" "^keepalive-8" "$slack"
t_quiet=$(now_ms)  # the last byte either way: the echo of keepalive-8
if kill -0 "$xnc_pid" 2>/dev/null; then
  ok "--idle-timeout $idle: alive after $(( $(now_ms) - t_active )) ms of steady traffic"
else
  fail "--idle-timeout $idle: ended during steady traffic: $(cat "$tmp/idle.err")"
fi
deadline=$(( t_quiet + idle + slack * 2000 ))
while kill -0 "$xnc_pid" 2>/dev/null && (( $(now_ms) < deadline )); do sleep 0.01; done
quiet_ms=$(( $(now_ms) - t_quiet ))
if kill -0 "$xnc_pid" 2>/dev/null; then
  fail "--idle-timeout $idle: still running ${quiet_ms} ms after the traffic stopped"
  kill "$xnc_pid"
else
  wait "$xnc_pid"; rc=$?
  if [ $rc -eq 1 ] && grep -q "idle for $idle ms" "$tmp/idle.err" && (( quiet_ms >= idle / 2 )); then
    ok "--idle-timeout $idle: exit 1 ${quiet_ms} ms after the last byte, stdin still open: $(tr -d '\r' <"$tmp/idle.err")"
  else
    fail "--idle-timeout $idle: exit $rc after ${quiet_ms} ms quiet, stderr '$(cat "$tmp/idle.err")'"
  fi
fi
exec 4>&-

echo "cli.sh: $passes passed, $failures failed"
[ $failures -eq 0 ]
