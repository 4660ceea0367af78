#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# start-privoxy.sh PORT [--ipv4-only]
# Privoxy as an HTTP CONNECT proxy (no proxy auth) on 127.0.0.1:PORT and
# [::1]:PORT.  Privoxy tunnels only to port 443 by default; the action file
# here allows every port ({+limit-connect{1-}}).  Prints the pid.
here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"
port=${1:-}; p_check_port "$port"; shift
v6=1
while [ $# -gt 0 ]; do
  case $1 in
    --ipv4-only) v6=0; shift ;;
    *) p_die "unknown option $1" ;;
  esac
done
pv=$(p_need privoxy) || p_die "privoxy missing: apt-get install -y privoxy"
[ -d /etc/privoxy/templates ] || p_die "/etc/privoxy/templates missing (part of the privoxy package)"
p_port_free 127.0.0.1 "$port"; [ $v6 = 1 ] && p_port_free ::1 "$port"
p_setup_user; p_mkdir privoxy "$port"
printf '{+limit-connect{1-}}\n/\n' >"$P_DIR/xsock.action"
{
  echo "confdir $P_DIR"
  echo "templdir /etc/privoxy/templates"
  echo "logdir $P_DIR"
  echo "logfile privoxy.log"
  echo "actionsfile xsock.action"
  echo "listen-address 127.0.0.1:$port"
  [ $v6 = 1 ] && echo "listen-address [::1]:$port"
  echo "toggle 1"
  echo "enable-remote-toggle 0"
  echo "enable-remote-http-toggle 0"
  echo "enable-edit-actions 0"
  echo "forwarded-connect-retries 0"
  echo "debug 1"
  echo "debug 4096"
  echo "debug 8192"
} >"$P_DIR/config"
p_spawn "${P_DROP[@]}" "$pv" --no-daemon "$P_DIR/config"
if [ $v6 = 1 ]; then p_wait 127.0.0.1 "$port" ::1 "$port"; else p_wait 127.0.0.1 "$port"; fi
p_done "$port"
