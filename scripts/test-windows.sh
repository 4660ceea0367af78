#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Windows half of the test run, on Linux: cross-build with mingw-w64,
# run every test and the demo under Wine.
#
#   bash scripts/test-windows.sh
#
# Needs (scripts/deps.sh installs them): mingw-w64, wine, wine64,
# wine32:i386, cmake, ninja-build, dpkg-dev (for `apt-get source`).  As root on a
# fresh Debian 12 machine it also enables deb-src to build CMocka.
#
# 1. CMocka for mingw (x86_64 and i686), from Debian's source package,
#    once: build/cmocka-<triplet> (scripts/cmocka-mingw.sh).
# 2. Preset `mingw` (x86_64): static library, DLL, tests, examples, -Werror.
# 3. Preset `mingw-i686`: the same, 32-bit.
# 4. The DLLs (libxsock-MAJOR.dll) export exactly the XSOCK_API functions
#    of include/xsock.h; the static libraries define no global symbol
#    outside xsock_/xsock__ (scripts/check-symbols.sh).
# 5. ctest under Wine, x86_64 then i686: one wineserver for each run and a
#    WINEPREFIX inside build/mingw (64-bit) and build/mingw-i686
#    (WINEARCH=win32: a 64-bit prefix cannot run 32-bit tests); a ctest
#    fixture starts and stops them.
# 6. The demo under Wine; its output must end in "demo: done".
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

step() { echo "== windows: $*"; }

for tool in x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc x86_64-w64-mingw32-objdump i686-w64-mingw32-objdump \
    x86_64-w64-mingw32-nm i686-w64-mingw32-nm \
    wine wineserver cmake ninja; do
    command -v "$tool" >/dev/null || { echo "test-windows: $tool not found (run scripts/deps.sh)" >&2; exit 1; }
done

step "CMocka for mingw"
bash scripts/cmocka-mingw.sh build/cmocka-x86_64-w64-mingw32 x86_64-w64-mingw32
bash scripts/cmocka-mingw.sh build/cmocka-i686-w64-mingw32 i686-w64-mingw32

step "build x86_64 (preset mingw)"
cmake --preset mingw -DXSOCK_WERROR=ON >/dev/null
cmake --build --preset mingw

step "build i686 (preset mingw-i686)"
cmake --preset mingw-i686 -DXSOCK_WERROR=ON >/dev/null
cmake --build --preset mingw-i686

step "DLL exports = the XSOCK_API functions of include/xsock.h"
major=$(sed -n 's/^#define XSOCK_VERSION_MAJOR \([0-9]*\).*/\1/p' include/xsock.h)
api=$(grep -E '^XSOCK_API ' include/xsock.h | sed -E 's/\(.*//; s/.*[ *]//' | sort -u)
for build in mingw:x86_64 mingw-i686:i686; do
    dll=build/${build%%:*}/libxsock-$major.dll
    exports=$("${build#*:}-w64-mingw32-objdump" -p "$dll" | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' | sed 1d |
        grep -o '\] [A-Za-z_0-9@]*$' | cut -c3- | sort -u)
    if [ "$api" != "$exports" ]; then
        echo "test-windows: $dll exports differ from the API (< API, > DLL):" >&2
        diff <(echo "$api") <(echo "$exports") >&2 || true
        exit 1
    fi
    echo "$dll: $(echo "$exports" | wc -l) exports, exactly the API"
    bash scripts/check-symbols.sh "${build#*:}-w64-mingw32-nm" "build/${build%%:*}/libxsock.a"
done

for preset in mingw mingw-i686; do
    step "tests under Wine (ctest --preset $preset)"
    t0=$(date +%s.%N)
    ctest --preset "$preset"
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v p="$preset" 'BEGIN { printf "windows: ctest --preset %s under Wine took %.1f s\n", p, b - a }'
done

step "demo under Wine"
export WINEPREFIX="$PWD/build/mingw/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES=winedbg.exe=d
# a warm server whose helpers hold none of our pipes (else the pipe stays
# open ~3 s after the demo exits), stopped again on the way out
wineserver -p >/dev/null 2>&1 </dev/null
trap 'wineserver -k >/dev/null 2>&1 </dev/null || true' EXIT
wine cmd /c exit 0 >/dev/null 2>&1 </dev/null
wine build/mingw/examples/demo.exe </dev/null >build/mingw/demo.out 2>&1 || {
    cat build/mingw/demo.out
    echo "test-windows: the demo failed under Wine" >&2
    exit 1
}
cat build/mingw/demo.out
grep -q "^demo: done" build/mingw/demo.out || { echo "test-windows: no 'demo: done' line" >&2; exit 1; }

echo "windows: green in $(( $(date +%s) - start )) s"
