#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# start-tinyproxy.sh PORT [--auth USER:PASS] [--ipv4-only]
# tinyproxy with CONNECT to every port on 127.0.0.1:PORT and [::1]:PORT,
# optional Basic auth (BasicAuth: user and password of [-a-z0-9._] only).
# No Allow/Deny lines: with `Allow ::1` tinyproxy 1.11.1 intermittently
# answered 403 to ::1 clients; the listen addresses keep it on loopback.
# Prints the pid.
here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"
port=${1:-}; p_check_port "$port"; shift
auth=""; v6=1
while [ $# -gt 0 ]; do
  case $1 in
    --auth) auth=$2; shift 2 ;;
    --ipv4-only) v6=0; shift ;;
    *) p_die "unknown option $1" ;;
  esac
done
tp=$(p_need tinyproxy) || p_die "tinyproxy missing: apt-get install -y tinyproxy"
p_setup_user; p_mkdir tinyproxy "$port"
p_port_free 127.0.0.1 "$port"; [ $v6 = 1 ] && p_port_free ::1 "$port"
{
  echo "Port $port"
  echo "Listen 127.0.0.1"
  [ $v6 = 1 ] && echo "Listen ::1"
  echo "Timeout 60"
  echo "LogFile \"$P_DIR/tinyproxy.log\""
  echo "LogLevel Info"
  echo "PidFile \"$P_DIR/tinyproxy.pid\""
  echo "MaxClients 100"
  echo "DisableViaHeader Yes"
  [ -n "$auth" ] && { p_split_auth "$auth"; echo "BasicAuth $P_AUTH_USER $P_AUTH_PASS"; }
} >"$P_DIR/tinyproxy.conf"
p_spawn "${P_DROP[@]}" "$tp" -d -c "$P_DIR/tinyproxy.conf"
if [ $v6 = 1 ]; then p_wait 127.0.0.1 "$port" ::1 "$port"; else p_wait 127.0.0.1 "$port"; fi
p_done "$port"
