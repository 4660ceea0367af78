#!/usr/bin/env bash
# Builds xsock and runs the demo: a refused connect, a timeout, an echo,
# the OS calls of a timed connect and the leak report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
./build/release/examples/demo
