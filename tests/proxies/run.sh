#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run.sh SERVER TEST [ARGS...]
# Runs one tests/proxy_real_SERVER.c program against real proxy servers:
# starts them on loopback high ports chosen here, passes the ports (and the
# credentials) in XT_* environment variables, runs TEST, and stops every
# server by pid afterwards, whatever happened (a watchdog stops them too if
# this script is killed, e.g. by a ctest timeout).
#
# Exit: the test's status; 77 (ctest SKIP) with a loud message when a server
# binary is not installed; 1 when a server is installed but fails to start.
#
#   SERVER      instances started              variables set
#   dante       dante (no auth)                XT_DANTE_PORT
#   microsocks  microsocks --auth              XT_MICROSOCKS_PORT XT_PROXY_USER XT_PROXY_PASS
#   ssh         ssh -D + sshd -i               XT_SSH_PORT
#   squid       squid --auth                   XT_SQUID_PORT XT_PROXY_USER XT_PROXY_PASS
#   tinyproxy   tinyproxy, tinyproxy --auth    XT_TINYPROXY_PORT XT_TINYPROXY_AUTH_PORT XT_PROXY_USER XT_PROXY_PASS
#   privoxy     privoxy                        XT_PRIVOXY_PORT
#
# Every server listens on 127.0.0.1 and ::1 (microsocks: 127.0.0.1 only).
# Ports come from below the kernel's ephemeral range and are chosen and
# bound under a lock (flock), so parallel runs (ctest -j) never collide.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
set +e
P_SELF=run.sh
[ $# -ge 2 ] || { echo "usage: run.sh SERVER TEST [ARGS...]" >&2; exit 2; }
server=$1; shift

skip() {
  local msg="SKIP: proxy_real_$server: $*"
  printf '\n*****\n***** %s\n***** (CI installs every server: scripts/deps.sh)\n*****\n\n' "$msg"
  printf '%s\n' "$msg" >&2
  exit 77
}

case $server in
  dante) need=(danted:dante-server) ;;
  microsocks) need=(microsocks:microsocks) ;;
  ssh) need=(ssh:openssh-client ssh-keygen:openssh-client sshd:openssh-server) ;;
  squid) need=(squid:squid openssl:openssl) ;;
  tinyproxy) need=(tinyproxy:tinyproxy) ;;
  privoxy) need=(privoxy:privoxy) ;;
  *) echo "run.sh: unknown server '$server'" >&2; exit 2 ;;
esac
for n in "${need[@]}"; do
  p_need "${n%%:*}" >/dev/null || skip "${n%%:*} is not installed (apt-get install ${n#*:})"
done
for tool in setsid flock ps awk mktemp; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool missing (util-linux / procps)" >&2; exit 1; }
done

XT_PROXY_TMP=$(mktemp -d "${TMPDIR:-/tmp}/xsock-proxy-$server.XXXXXX") || exit 1
chmod 755 "$XT_PROXY_TMP"
export XT_PROXY_TMP
pids=()
watchdog=

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$watchdog" ]; then kill -- "-$watchdog" 2>/dev/null || kill "$watchdog" 2>/dev/null; fi
  local t0=$EPOCHREALTIME
  [ ${#pids[@]} -gt 0 ] && bash "$here/stop.sh" "${pids[@]}"
  awk -v a="$t0" -v b="$EPOCHREALTIME" -v s="$server" -v n=${#pids[@]} \
    'BEGIN { printf "run.sh: stopped %s (%d server(s)) in %.0f ms\n", s, n, (b - a) * 1000 }' >&2
  [ "${XT_PROXY_KEEP:-0}" = 1 ] || rm -rf "$XT_PROXY_TMP"
  exit $rc
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# Ports: below the ephemeral range, so no outgoing connection holds one.
read -r eph_lo eph_hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || { eph_lo=32768; eph_hi=60999; }
if (( eph_lo > 21000 )); then port_lo=20000 port_hi=$((eph_lo - 1))
elif (( eph_hi < 64000 )); then port_lo=$((eph_hi + 1)) port_hi=65000
else port_lo=20000 port_hi=29999; fi
used=" "
pick_port() {
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((port_lo + (RANDOM * 32768 + RANDOM) % (port_hi - port_lo + 1)))
    case $used in *" $p "*) continue ;; esac
    p_port_open 127.0.0.1 "$p" && continue
    p_port_open ::1 "$p" && continue
    used="$used$p "
    echo "$p"
    return 0
  done
  return 1
}

# start NAME VAR [OPTIONS...] : start-NAME.sh on a fresh port; export VAR=port
start() {
  local name=$1 var=$2 try port pid t0 what
  shift 2
  for try in 1 2 3 4 5; do
    port=$(pick_port) || { echo "run.sh: no free port in $port_lo-$port_hi" >&2; return 1; }
    t0=$EPOCHREALTIME
    if pid=$(bash "$here/start-$name.sh" "$port" "$@"); then
      pids+=("$pid")
      export "$var=$port"
      what=$name
      case " $* " in *" --auth "*) what="$name (Basic/RFC 1929 auth)" ;; esac
      awk -v a="$t0" -v b="$EPOCHREALTIME" -v n="$what" -v p="$port" \
        'BEGIN { printf "run.sh: %s up on port %s in %.0f ms\n", n, p, (b - a) * 1000 }' >&2
      return 0
    fi
    echo "run.sh: start-$name.sh on port $port failed (try $try)" >&2
  done
  return 1
}

# Choose and bind the ports under one lock shared by every run.sh.
exec 9>"${TMPDIR:-/tmp}/xsock-proxy-ports.$(id -u).lock"
flock -w 60 9 || { echo "run.sh: cannot take the port lock" >&2; exit 1; }
ok=1
case $server in
  dante) start dante XT_DANTE_PORT || ok=0 ;;
  microsocks)
    export XT_PROXY_USER=xsock XT_PROXY_PASS='pa:ss@w0rd%'
    start microsocks XT_MICROSOCKS_PORT --auth "$XT_PROXY_USER:$XT_PROXY_PASS" || ok=0 ;;
  ssh) start ssh XT_SSH_PORT || ok=0 ;;
  squid)
    export XT_PROXY_USER=xsock XT_PROXY_PASS='pa:ss@w0rd%'
    start squid XT_SQUID_PORT --auth "$XT_PROXY_USER:$XT_PROXY_PASS" || ok=0 ;;
  tinyproxy)
    # tinyproxy's BasicAuth takes [-a-z0-9._] only
    export XT_PROXY_USER=xsock XT_PROXY_PASS=tiny.pass-1
    start tinyproxy XT_TINYPROXY_PORT || ok=0
    [ $ok = 1 ] && { start tinyproxy XT_TINYPROXY_AUTH_PORT --auth "$XT_PROXY_USER:$XT_PROXY_PASS" || ok=0; } ;;
  privoxy) start privoxy XT_PRIVOXY_PORT || ok=0 ;;
esac
exec 9>&-

# Watchdog: detached from this script's process tree (ctest kills a timed
# out test's descendants, not the servers, which setsid took out of it), it
# stops the servers if this script disappears without running cleanup.
if [ ${#pids[@]} -gt 0 ]; then
  me=$$
  me_start=$(awk '{ print $22 }' "/proc/$me/stat")
  wd_file="$XT_PROXY_TMP/watchdog.pid"
  rmdir_after=$XT_PROXY_TMP
  [ "${XT_PROXY_KEEP:-0}" = 1 ] && rmdir_after=
  ( setsid bash -c '
      me=$1 me_start=$2 stop=$3 dir=$4; shift 4
      while [ "$(awk "{ print \$22 }" "/proc/$me/stat" 2>/dev/null)" = "$me_start" ] &&
            ! grep -q "^State:[[:space:]]*Z" "/proc/$me/status" 2>/dev/null; do sleep 1; done
      bash "$stop" "$@"
      [ -n "$dir" ] && rm -rf "$dir"' watchdog "$me" "$me_start" "$here/stop.sh" "$rmdir_after" "${pids[@]}" \
      </dev/null >/dev/null 2>&1 &
    echo $! >"$wd_file" )
  watchdog=$(cat "$wd_file" 2>/dev/null)
fi
[ $ok = 1 ] || { echo "run.sh: FAILED to start $server (installed, but it did not come up)" >&2; exit 1; }

"$@"
