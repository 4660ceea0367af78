#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds and runs the whole test suite: natively (with ASan/UBSan) and the
# Windows build under Wine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

echo "== layout: includes across folders follow docs/design.md"
bash scripts/check-layout.sh

echo "== native: ASan/UBSan build and tests"
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$jobs"
ctest --preset dev -j "$jobs"

echo "== native: release build and tests"
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"

echo "== native: no global symbol outside xsock_/xsock__ in the static library"
bash scripts/check-symbols.sh build/release/libxsock.a

if [ -f scripts/test-windows.sh ]; then
  echo "== Windows: mingw-w64 build, tests under Wine"
  bash scripts/test-windows.sh
else
  echo "test.sh: scripts/test-windows.sh is missing: the Windows build is not tested" >&2
  exit 1
fi
echo "== consumers: find_package, pkg-config, add_subdirectory, FetchContent, C++; mingw under Wine"
bash tests/consumer/run.sh

echo "test.sh: all tests passed"
