#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs everything the build, the tests and the demo need on Debian 12
# (run as root).  Idempotent: does nothing when all packages are present.
#
#   scripts/deps.sh          everything: build, tests, Windows, proxies, docs
#   scripts/deps.sh --demo   only what the library and the demo need
#   scripts/deps.sh --bench  what scripts/bench.sh and scripts/what-reaches-the-os.sh
#                            need besides the build:
#                            the peers it measures, the proxies, Wine, the chart
set -euo pipefail

DEMO_PACKAGES=(cmake ninja-build gcc libc6-dev)
PACKAGES=(
  "${DEMO_PACKAGES[@]}"
  # native tests; the consumer tests (C++, pkg-config)
  libcmocka-dev pkg-config g++
  # examples/tls_client (OpenSSL; Linux only: Debian has none for mingw-w64)
  libssl-dev
  # the API reference (scripts/docs.sh)
  doxygen
  # sanitizers, fuzzing, leak and descriptor checks
  clang libclang-rt-14-dev valgrind strace
  # the Windows build and its test run under Wine (64- and 32-bit loaders;
  # wine32 is an i386 package: multiarch is enabled below)
  mingw-w64 wine wine64 wine32:i386 dpkg-dev
  # network namespaces for multi-address tests
  iproute2 util-linux procps
  # real proxy servers for the proxy tests
  dante-server microsocks openssh-server openssh-client tinyproxy squid privoxy
  ncat v2ray socat curl python3 openssl
)

# scripts/bench.sh only: the tests never need these
BENCH_PACKAGES=(
  "${DEMO_PACKAGES[@]}"
  libuv1-dev libapr1-dev libcurl4-openssl-dev pkg-config
  dante-server microsocks strace valgrind procps util-linux python3 gnuplot-nox
  mingw-w64 wine wine64
  # scripts/what-reaches-the-os.sh: Java's Socket.connect under strace
  openjdk-17-jdk-headless
)

if [ "${1:-}" = "--demo" ]; then
  PACKAGES=("${DEMO_PACKAGES[@]}")
elif [ "${1:-}" = "--bench" ]; then
  PACKAGES=("${BENCH_PACKAGES[@]}")
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "deps.sh: missing packages (${missing[*]}); run as root to install them" >&2
  exit 1
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# wine32:i386 runs the 32-bit Windows tests; it needs the i386 architecture
if [ "$(dpkg --print-architecture)" = amd64 ] && ! dpkg --print-foreign-architectures | grep -qx i386; then
  dpkg --add-architecture i386
fi
apt-get update -qq
# The proxy packages' postinst scripts would start system daemons on their
# default ports; the tests start their own instances on loopback instead.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
