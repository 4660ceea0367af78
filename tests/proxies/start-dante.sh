#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# start-dante.sh PORT [--ipv4-only]
# Dante (danted): SOCKS4 (no 4a: it answers 91) and SOCKS5 CONNECT without
# authentication, with real reply codes per errno.  Listens on 127.0.0.1:PORT
# and [::1]:PORT; connects out through lo only.  Prints the pid.
here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"
port=${1:-}; p_check_port "$port"; shift
v6=1
while [ $# -gt 0 ]; do
  case $1 in
    --ipv4-only) v6=0; shift ;;
    *) p_die "unknown option $1" ;;
  esac
done
danted=$(p_need danted) || p_die "danted missing: apt-get install -y dante-server"
p_setup_user; p_mkdir dante "$port"
p_port_free 127.0.0.1 "$port"; [ $v6 = 1 ] && p_port_free ::1 "$port"
{
  echo "logoutput: $P_DIR/danted.log"
  echo "internal: 127.0.0.1 port = $port"
  [ $v6 = 1 ] && echo "internal: ::1 port = $port"
  # outgoing connections through loopback only, both families
  echo "external: lo"
  echo "socksmethod: none"
  echo "clientmethod: none"
  # 0/0 matches IPv4 and IPv6 (0.0.0.0/0 would match IPv4 only); one keyword a line
  printf 'client pass {\n  from: 0/0 to: 0/0\n  log: error\n}\n'
  printf 'socks pass {\n  from: 0/0 to: 0/0\n  command: connect\n  log: error connect disconnect\n}\n'
} >"$P_DIR/danted.conf"
p_spawn "${P_DROP[@]}" "$danted" -f "$P_DIR/danted.conf" -p "$P_DIR/sockd.pid" -N 1
if [ $v6 = 1 ]; then p_wait 127.0.0.1 "$port" ::1 "$port"; else p_wait 127.0.0.1 "$port"; fi
p_done "$port"
