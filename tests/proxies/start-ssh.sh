#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# start-ssh.sh PORT [--ipv4-only]
# OpenSSH dynamic forwarding (ssh -D) as a SOCKS4 / SOCKS4a / SOCKS5 server
# (no auth) on 127.0.0.1:PORT and [::1]:PORT.  The sshd needs no port of its
# own: the ssh client starts `sshd -i` (inetd mode) as its ProxyCommand, with
# a throw-away host key and a throw-away user key (key auth only) made in the
# temp dir.  Both run as the same unprivileged user (nobody under root),
# because sshd as root wants /run/sshd and sshd as non-root only lets its own
# user in.  ssh -D never sends a SOCKS failure reply: it closes the
# connection.  Prints the ssh client's pid.
here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"
port=${1:-}; p_check_port "$port"; shift
v6=1
while [ $# -gt 0 ]; do
  case $1 in
    --ipv4-only) v6=0; shift ;;
    *) p_die "unknown option $1" ;;
  esac
done
sshd=$(p_need sshd) || p_die "sshd missing: apt-get install -y openssh-server"
ssh=$(p_need ssh) || p_die "ssh missing: apt-get install -y openssh-client"
keygen=$(p_need ssh-keygen) || p_die "ssh-keygen missing: apt-get install -y openssh-client"
p_setup_user; p_mkdir ssh "$port"
p_port_free 127.0.0.1 "$port"; [ $v6 = 1 ] && p_port_free ::1 "$port"
d=$P_DIR
"${P_DROP[@]}" "$keygen" -q -t ed25519 -N '' -C '' -f "$d/hostkey"
"${P_DROP[@]}" "$keygen" -q -t ed25519 -N '' -C '' -f "$d/userkey"
cp "$d/userkey.pub" "$d/authorized_keys"
echo "xsock-test-sshd $(cut -d' ' -f1,2 "$d/hostkey.pub")" >"$d/known_hosts"
cat >"$d/sshd_config" <<CONF
HostKey $d/hostkey
AuthorizedKeysFile $d/authorized_keys
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
# without PAM, sshd takes nobody's '*' shadow password for a locked account
UsePAM yes
AllowTcpForwarding yes
PermitOpen any
X11Forwarding no
PrintMotd no
PrintLastLog no
LogLevel INFO
CONF
fwd=(-D "127.0.0.1:$port")
[ $v6 = 1 ] && fwd+=(-D "[::1]:$port")
p_spawn "${P_DROP[@]}" "$ssh" -F /dev/null -N "${fwd[@]}" \
  -i "$d/userkey" -o IdentitiesOnly=yes -o IdentityAgent=none \
  -o HostKeyAlias=xsock-test-sshd -o StrictHostKeyChecking=yes \
  -o UserKnownHostsFile="$d/known_hosts" -o GlobalKnownHostsFile=/dev/null \
  -o BatchMode=yes -o ExitOnForwardFailure=yes -o ServerAliveInterval=0 \
  -o LogLevel=ERROR -E "$d/ssh.log" \
  -o "ProxyCommand=$sshd -i -e -f $d/sshd_config" \
  "$P_USER@xsock-test-sshd"
if [ $v6 = 1 ]; then p_wait 127.0.0.1 "$port" ::1 "$port"; else p_wait 127.0.0.1 "$port"; fi
p_done "$port"
