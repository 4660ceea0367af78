#!/bin/sh
# SPDX-License-Identifier: MIT
# Build CMocka for Windows (mingw-w64) from Debian's source package and
# install its static library into a prefix, for the Windows test build:
#
#   scripts/cmocka-mingw.sh <prefix> [triplet]     triplet: x86_64-w64-mingw32 (default)
#                                                            or i686-w64-mingw32
#   cmake --preset mingw    (its CMAKE_PREFIX_PATH is build/cmocka-x86_64-w64-mingw32)
#
# Debian ships CMocka only for Linux.  This script enables source packages
# (a deb-src copy of the existing Debian entry, as root) if none are
# enabled, runs `apt-get source cmocka` in a temporary folder and builds it
# with the mingw cross compiler.  It does nothing when the prefix already
# holds the library.  Needs: mingw-w64, cmake, ninja-build, dpkg-dev.
#
# Without Debian: build any CMocka >= 1.1 with a mingw toolchain file and
# -DWITH_STATIC_LIB=ON, then point CMAKE_PREFIX_PATH at its install prefix.
set -eu

usage() { echo "usage: $0 <prefix> [x86_64-w64-mingw32|i686-w64-mingw32]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
triplet=${2:-x86_64-w64-mingw32}
case $triplet in x86_64-w64-mingw32|i686-w64-mingw32) ;; *) usage ;; esac
src_dir=$(cd "$(dirname "$0")/.." && pwd)
toolchain=$src_dir/cmake/toolchain-$triplet.cmake
mkdir -p "$1"
prefix=$(cd "$1" && pwd)

if [ -f "$prefix/lib/libcmocka-static.a" ] && [ -f "$prefix/include/cmocka.h" ]; then
    echo "cmocka-mingw: already installed in $prefix"
    exit 0
fi

command -v "$triplet-gcc" >/dev/null || { echo "cmocka-mingw: $triplet-gcc not found (apt-get install mingw-w64)" >&2; exit 1; }

# Source packages: copy the Debian deb822 entry with its type changed (no
# mirror name is written anywhere but in the copy of the system's own).
has_deb_src() {
    grep -Eqs '^[[:space:]]*Types:.*deb-src' /etc/apt/sources.list.d/*.sources ||
        grep -Eqs '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list
}
if ! has_deb_src; then
    [ "$(id -u)" = 0 ] || { echo "cmocka-mingw: enable deb-src entries (needs root), then rerun" >&2; exit 1; }
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
            > /etc/apt/sources.list.d/debian-src.sources
    elif [ -f /etc/apt/sources.list ]; then
        sed -n 's/^deb\([[:space:]]\)/deb-src\1/p' /etc/apt/sources.list \
            > /etc/apt/sources.list.d/debian-src.list
    else
        echo "cmocka-mingw: no Debian apt source entry to copy" >&2
        exit 1
    fi
    apt-get update -qq
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/cmocka-mingw.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work"
# apt-get source as root warns that it downloads unsandboxed; harmless here
apt-get source -qq cmocka >/dev/null 2>apt-source.log || { cat apt-source.log >&2; exit 1; }
cmocka_src=$(find . -maxdepth 1 -type d -name 'cmocka-*' | head -n 1)
[ -n "$cmocka_src" ] || { echo "cmocka-mingw: apt-get source gave no cmocka-* folder" >&2; exit 1; }

cmake -S "$cmocka_src" -B build -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DWITH_STATIC_LIB=ON -DUNIT_TESTING=OFF -DWITH_EXAMPLES=OFF \
    -DPICKY_DEVELOPER=OFF >cmake.log 2>&1 || { cat cmake.log >&2; exit 1; }
cmake --build build -j 2 >build.log 2>&1 || { cat build.log >&2; exit 1; }
cmake --install build >/dev/null
[ -f "$prefix/lib/libcmocka-static.a" ] || { echo "cmocka-mingw: no libcmocka-static.a after install" >&2; exit 1; }
echo "cmocka-mingw: installed $(basename "$cmocka_src") for $triplet in $prefix"
