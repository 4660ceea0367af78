#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds xsock and runs the demo: a refused connect, a timeout, an echo,
# the OS calls of a timed connect and the leak report.  Needs only what the
# demo needs (cmake, ninja, gcc): no CMocka, Wine or proxies, and builds
# only the library and the demo, in build/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --demo
cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXSOCK_WERROR=ON \
  -DXSOCK_BUILD_TESTS=OFF -DXSOCK_BUILD_BENCH=OFF -DXSOCK_BUILD_EXAMPLES=ON >/dev/null
cmake --build build/demo --target xsock_demo
./build/demo/examples/demo
