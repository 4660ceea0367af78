#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tls.sh TLS_CLIENT direct|squid|dante
# examples/tls_client against `openssl s_server -rev` on loopback, with a
# throwaway CA and server certificate made here with the openssl CLI:
# directly, through squid (HTTP CONNECT, Basic auth) or through dante
# (socks5h: the proxy resolves "localhost").  For squid and dante it runs
# under tests/proxies/run.sh, which started the proxy and set XT_SQUID_PORT
# (with XT_PROXY_USER/XT_PROXY_PASS) or XT_DANTE_PORT.
# Checks: the handshake completed, the server's certificate verified (and a
# wrong CA or a wrong name fails the handshake), bytes round-tripped (the
# server sends each line back reversed).
# Exit 77 (ctest SKIP, loudly) when tls_client was not built (no OpenSSL at
# configure) or the openssl CLI is missing.
set -uo pipefail
[ $# -eq 2 ] || { echo "usage: tls.sh TLS_CLIENT direct|squid|dante" >&2; exit 2; }
client=$1 via=$2

skip() {
  printf '\n*****\n***** SKIP: tls_client via %s: %s\n***** (CI installs libssl-dev and openssl: scripts/deps.sh)\n*****\n\n' "$via" "$*"
  echo "SKIP: tls_client via $via: $*" >&2
  exit 77
}
[ "$client" != none ] && [ -x "$client" ] ||
  skip "examples/tls_client was not built (OpenSSL not found at configure: apt-get install libssl-dev)"
command -v openssl >/dev/null || skip "the openssl command is missing (apt-get install openssl)"

case $via in
  direct) proxy=() shown=direct ;;
  squid)
    [ -n "${XT_SQUID_PORT:-}" ] || { echo "tls.sh: XT_SQUID_PORT not set (run me through tests/proxies/run.sh squid)" >&2; exit 1; }
    # the password has ':', '@' and '%': percent-encoded in the URL
    pass=$(printf '%s' "$XT_PROXY_PASS" | sed 's/%/%25/g; s/:/%3A/g; s/@/%40/g')
    proxy=(--proxy "http://$XT_PROXY_USER:$pass@127.0.0.1:$XT_SQUID_PORT")
    shown="squid, http://$XT_PROXY_USER:***@127.0.0.1:$XT_SQUID_PORT" ;;
  dante)
    [ -n "${XT_DANTE_PORT:-}" ] || { echo "tls.sh: XT_DANTE_PORT not set (run me through tests/proxies/run.sh dante)" >&2; exit 1; }
    proxy=(--proxy "socks5h://127.0.0.1:$XT_DANTE_PORT")
    shown="dante, ${proxy[1]}" ;;
  *) echo "tls.sh: unknown route '$via'" >&2; exit 2 ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xsock-tls.XXXXXX") || exit 1
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# ---- a throwaway CA, a server certificate for localhost and 127.0.0.1 it
# signed, and a second CA that signed nothing here
ossl() { openssl "$@" >>"$tmp/openssl.log" 2>&1 || { cat "$tmp/openssl.log" >&2; echo "tls.sh: openssl $1 failed" >&2; exit 1; }; }
ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
ossl req -x509 "${ec[@]}" -keyout "$tmp/ca.key" -out "$tmp/ca.pem" -days 1 -subj "/CN=xsock test CA $$"
ossl req -x509 "${ec[@]}" -keyout "$tmp/other-ca.key" -out "$tmp/other-ca.pem" -days 1 -subj "/CN=xsock other CA $$"
ossl req "${ec[@]}" -keyout "$tmp/server.key" -out "$tmp/server.csr" -subj "/CN=localhost"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$tmp/ext.cnf"
ossl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
  -out "$tmp/server.pem" -days 1 -extfile "$tmp/ext.cnf"

# ---- s_server on an ephemeral loopback port; it prints "ACCEPT addr:port"
openssl s_server -accept 127.0.0.1:0 -cert "$tmp/server.pem" -key "$tmp/server.key" -rev \
  </dev/null >"$tmp/server.out" 2>&1 &
server_pid=$!
for ((i = 0; i < 500; i++)); do
  grep -q '^ACCEPT ' "$tmp/server.out" && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.01
done
port=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\)$/\1/p' "$tmp/server.out")
[ -n "$port" ] || { cat "$tmp/server.out" >&2; echo "tls.sh: s_server did not start" >&2; exit 1; }
echo "tls.sh: s_server -rev on 127.0.0.1:$port, via $shown"

failures=0 passes=0
ok() { passes=$((passes + 1)); echo "ok   - $via: $*"; }
fail() { failures=$((failures + 1)); echo "FAIL - $via: $*"; }

# 1. the round trip, verified against the right CA, the name localhost
token="xsock-tls-$$-$RANDOM"
reversed=
for ((i = ${#token} - 1; i >= 0; i--)); do reversed+=${token:i:1}; done  # what -rev answers
printf '%s\n' "$token" | "$client" --cafile "$tmp/ca.pem" --timeout 10000 "${proxy[@]}" localhost "$port" \
  >"$tmp/out" 2>"$tmp/err"
rc=$?
sed 's/^/    /' "$tmp/err"
if [ $rc -ne 0 ]; then
  fail "tls_client exited $rc"
else
  grep -q '^tls_client: TLS handshake done: TLSv1\.[23]' "$tmp/err" && ok "TLS handshake completed" ||
    fail "no 'TLS handshake done' line"
  grep -q '^tls_client: certificate verified for localhost: subject /CN=localhost, issuer /CN=xsock test CA' "$tmp/err" &&
    ok "the server's certificate verified against --cafile" || fail "no 'certificate verified' line"
  grep -qx "$reversed" "$tmp/out" && ok "bytes round-tripped: sent $token, got $reversed" ||
    fail "expected '$reversed' on stdout, got '$(head -c 200 "$tmp/out")'"
fi

# 2. a CA that did not sign the server's certificate: the handshake fails
printf 'x\n' | "$client" --cafile "$tmp/other-ca.pem" --timeout 10000 "${proxy[@]}" localhost "$port" \
  >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'certificate verify failed: unable to get local issuer certificate' "$tmp/err" && [ ! -s "$tmp/out" ]; then
  ok "another CA: handshake refused ($(grep -m1 'verify failed:' "$tmp/err" | sed 's/^tls_client: *//'))"
else
  fail "another CA: exit $rc, stderr '$(cat "$tmp/err")', stdout '$(cat "$tmp/out")'"
fi

# 3. the right CA, a name the certificate does not carry
printf 'x\n' | "$client" --cafile "$tmp/ca.pem" --servername wrong.example --timeout 10000 "${proxy[@]}" localhost "$port" \
  >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'certificate verify failed: hostname mismatch' "$tmp/err" && [ ! -s "$tmp/out" ]; then
  ok "--servername wrong.example: handshake refused (hostname mismatch)"
else
  fail "wrong name: exit $rc, stderr '$(cat "$tmp/err")', stdout '$(cat "$tmp/out")'"
fi

echo "tls.sh: via $via: $passes passed, $failures failed"
[ $failures -eq 0 ] || { echo "tls.sh: s_server said:" >&2; grep -v 'cipher list\|Signature Algorithms\|Supported groups' "$tmp/server.out" >&2; }
[ $failures -eq 0 ]
