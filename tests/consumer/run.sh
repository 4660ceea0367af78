#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The consumer matrix: xsock used from other projects the usual ways, each
# building tests/consumer/consumer.c (and consumer.cpp), which listens on
# 127.0.0.1 port 0, connects to itself and exchanges bytes, then running it.
#
#   bash tests/consumer/run.sh        (from anywhere; work in build/consumer)
#
# Native: xsock is built and installed to a staging prefix that is then
# MOVED elsewhere (the installed tree must be relocatable), and used by a
# CMake project (find_package, static and shared, C89 and C++98), by a
# plain Makefile (pkg-config, shared and --static, header checks), as an
# add_subdirectory and through FetchContent (a file:// tarball of the tree,
# no network), both with -DCMAKE_DISABLE_FIND_PACKAGE_CMocka=ON.
# Windows (mingw-w64, run under Wine): the same CMake project static and
# with the DLL beside the program, and the Makefile static (pkg-config
# --static brings -lws2_32 -lntdll) and shared.
#
# Prints a result table.  Exit 0: all passed; 1: something failed; 77: no
# failure but something was skipped (a tool missing): CI treats that as a
# failure, since it installs everything (scripts/deps.sh).
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
here=$src/tests/consumer
out=${XSOCK_CONSUMER_DIR:-$src/build/consumer}
jobs=${XSOCK_JOBS:-2}
rm -rf "$out"
mkdir -p "$out/logs"
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)

rows=()
fails=0
skips=0
row() { # name result note
    rows+=("$1|$2|$3")
    case $2 in FAIL) fails=$((fails + 1)) ;; SKIP) skips=$((skips + 1)) ;; esac
    printf 'consumer: %-46s %-4s %s\n' "$1" "$2" "$3"
}
# check NAME LOG COMMAND...: a row from a command's success; the note is
# the last "ok" line of its output
check() {
    local name=$1 log=$out/logs/$2.log
    shift 2
    if "$@" >"$log" 2>&1; then
        row "$name" PASS "$(grep -Eo '(consumer[a-z_]*\([^)]*\): ok.*|headers: .*|[0-9]+ files.*)' "$log" | tail -1)"
    else
        row "$name" FAIL "see $log: $(grep -v '^\s*$' "$log" | tail -1)"
    fi
}
# runs PROGRAM ARG and requires its "ok" line (Wine may report a crash as exit 0)
run_ok() {
    local out_text
    out_text=$("$@" </dev/null 2>&1) || { echo "$out_text"; return 1; }
    echo "$out_text"
    echo "$out_text" | grep -q '): ok' || { echo "no ok line"; return 1; }
}
needs_lib() { # ELF FILE, yes|no: does it load libxsock.so.MAJOR?
    if readelf -d "$1" | grep -q 'NEEDED.*libxsock\.so\.'; then [ "$2" = yes ]; else [ "$2" = no ]; fi ||
        { echo "$1: NEEDED libxsock.so: expected $2"; readelf -d "$1" | grep NEEDED; return 1; }
}
imports_dll() { # PE FILE, yes|no: does it import libxsock-MAJOR.dll?
    if x86_64-w64-mingw32-objdump -p "$1" | grep -q "DLL Name: libxsock-$major.dll"; then [ "$2" = yes ]; else [ "$2" = no ]; fi ||
        { echo "$1: imports libxsock-$major.dll: expected $2"; return 1; }
}
major=$(sed -n 's/^#define XSOCK_VERSION_MAJOR \([0-9]*\).*/\1/p' "$src/include/xsock.h")

# install xsock to a staging prefix, move it, check it names no build path
install_moved() { # BUILD_DIR FINAL_PREFIX [cmake args...]
    local build=$1 final=$2 stage=$1-stage
    shift 2
    cmake -S "$src" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXSOCK_WERROR=ON \
        -DXSOCK_BUILD_TESTS=OFF -DXSOCK_BUILD_EXAMPLES=OFF -DXSOCK_BUILD_BENCH=OFF \
        -DCMAKE_INSTALL_PREFIX="$stage" "$@" || return 1
    cmake --build "$build" -j "$jobs" || return 1
    cmake --install "$build" || return 1
    mv "$stage" "$final" || return 1
    local bad
    bad=$(grep -rlF -e "$src" -e "$stage" -e "$build" "$final" || true)
    [ -z "$bad" ] || { echo "absolute build paths in: $bad"; return 1; }
    (cd "$final" && find . \( -type f -o -type l \) | sort)
    echo "$(cd "$final" && find . \( -type f -o -type l \) | wc -l) files, $(du -sh "$final" | cut -f1), moved from the install prefix, no build path inside"
}

consumer_cmake() { # BUILD_DIR [cmake args...]
    local build=$1
    shift
    cmake -S "$here" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" || return 1
    cmake --build "$build" -j "$jobs"
}

# ---- native ------------------------------------------------------------------
N=$out/native
check "install (native, relocated)" install-native install_moved "$out/xsock-native" "$N"

for link in static shared; do
    b=$out/cmake-$link
    if consumer_cmake "$b" -DCMAKE_PREFIX_PATH="$N" -DCONSUMER_LINK=$link >"$out/logs/cmake-$link-build.log" 2>&1; then
        want=no; [ $link = shared ] && want=yes
        check "cmake find_package $link (C89)" cmake-$link-c bash -c \
            "$(declare -f run_ok needs_lib); needs_lib '$b/consumer' $want && run_ok '$b/consumer' 'find_package $link'"
        check "cmake find_package $link (C++98)" cmake-$link-cxx bash -c \
            "$(declare -f run_ok needs_lib); needs_lib '$b/consumer_cxx' $want && run_ok '$b/consumer_cxx' 'find_package $link'"
    else
        row "cmake find_package $link" FAIL "see $out/logs/cmake-$link-build.log"
    fi
done

M=$out/make-native
mkdir -p "$M"
export PKG_CONFIG_PATH=$N/lib/pkgconfig
check "pkg-config shared (Makefile, C89)" make-shared bash -c \
    "$(declare -f run_ok needs_lib); make -C '$M' -f '$here/Makefile' shared && needs_lib '$M/consumer_shared' yes &&
     LD_LIBRARY_PATH='$N/lib' run_ok '$M/consumer_shared' 'pkg-config'"
check "pkg-config --static (Makefile, C89)" make-static bash -c \
    "$(declare -f run_ok needs_lib); make -C '$M' -f '$here/Makefile' static && needs_lib '$M/consumer_static' no &&
     run_ok '$M/consumer_static' 'pkg-config --static'"
check "pkg-config --static (Makefile, C++98)" make-cxx bash -c \
    "$(declare -f run_ok needs_lib); make -C '$M' -f '$here/Makefile' cxx && needs_lib '$M/consumer_cxx' no &&
     run_ok '$M/consumer_cxx' 'pkg-config --static'"
check "header: c89/c99/c11, c++98/c++11 -pedantic" make-headers make -C "$M" -f "$here/Makefile" headers
unset PKG_CONFIG_PATH

# a subproject: only the library, no CMocka, no tests, nothing installed
subproject() { # MODE BUILD_DIR LINK [cmake args...]
    local mode=$1 b=$2 link=$3
    shift 3
    consumer_cmake "$b" -DCONSUMER_MODE="$mode" -DCONSUMER_LINK="$link" \
        -DCMAKE_DISABLE_FIND_PACKAGE_CMocka=ON "$@" || return 1
    local tests
    tests=$(cd "$b" && ctest -N | sed -n 's/^Total Tests: //p')
    [ "$tests" = 1 ] || { echo "ctest lists $tests tests, want 1 (the consumer's own)"; (cd "$b" && ctest -N); return 1; }
    if [ -f "$b/build.ninja" ]; then
        local targets
        targets=$(cd "$b" && ninja -t targets all | sed -n 's/^\(xsock[^ /:]*\): phony$/\1/p' | sort | tr '\n' ' ')
        [ "$targets" = "xsock_obj xsock_pure xsock_shared xsock_static " ] ||
            { echo "xsock as a subproject made targets beyond its library: $targets"; return 1; }
    fi
    cmake --install "$b" --prefix "$b/inst" >/dev/null || return 1
    local installed
    installed=$(cd "$b/inst" && find . -type f | sort | tr '\n' ' ')
    [ "$installed" = "./bin/consumer ./bin/consumer_cxx " ] ||
        { echo "the consumer's install has more than its programs: $installed"; return 1; }
    run_ok "$b/consumer" "$mode $link" && run_ok "$b/consumer_cxx" "$mode $link" &&
        (cd "$b" && ctest --output-on-failure >/dev/null)
}
check "add_subdirectory, no CMocka (static)" subdirectory \
    subproject subdirectory "$out/subdirectory" static -DXSOCK_SOURCE_DIR="$src"
tar -C "$src" --exclude=./build --exclude=./.git -czf "$out/xsock-src.tar.gz" . 2>"$out/logs/tar.log"
check "FetchContent URL file://, no CMocka (shared)" fetchcontent \
    subproject fetchcontent "$out/fetchcontent" shared -DXSOCK_URL="file://$out/xsock-src.tar.gz"

# ---- Windows: mingw-w64, programs run under Wine -------------------------------
missing=
for tool in x86_64-w64-mingw32-gcc x86_64-w64-mingw32-g++ x86_64-w64-mingw32-objdump wine wineserver; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
W=$out/mingw
if [ -n "$missing" ]; then
    for name in "install (mingw)" "mingw find_package static (Wine)" "mingw find_package shared, DLL beside (Wine)" \
        "mingw pkg-config --static (Wine)" "mingw pkg-config shared, DLL beside (Wine)"; do
        row "$name" SKIP "missing:$missing (scripts/deps.sh installs them)"
    done
else
    toolchain=$src/cmake/toolchain-x86_64-w64-mingw32.cmake
    check "install (mingw, relocated)" install-mingw install_moved "$out/xsock-mingw" "$W" \
        -DCMAKE_TOOLCHAIN_FILE="$toolchain"
    export WINEPREFIX=$out/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES=winedbg.exe=d
    mkdir -p "$WINEPREFIX"
    if ! sh "$src/tests/wine-fixture.sh" start >"$out/logs/wine-start.log" 2>&1; then
        row "Wine" FAIL "the wineserver did not start: see $out/logs/wine-start.log"
    else
        trap 'sh "$src/tests/wine-fixture.sh" stop >/dev/null 2>&1' EXIT
        for link in static shared; do
            b=$out/mingw-cmake-$link
            if consumer_cmake "$b" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_PREFIX_PATH="$W" \
                -DCONSUMER_LINK=$link >"$out/logs/mingw-cmake-$link-build.log" 2>&1; then
                want=no; label="mingw find_package static (Wine)"
                if [ $link = shared ]; then want=yes; label="mingw find_package shared, DLL beside (Wine)"; fi
                check "$label" mingw-cmake-$link bash -c \
                    "$(declare -f run_ok imports_dll); major=$major; imports_dll '$b/consumer.exe' $want &&
                     test \"$want\" = no -o -f '$b/libxsock-$major.dll' &&
                     run_ok wine '$b/consumer.exe' 'mingw find_package $link' &&
                     run_ok wine '$b/consumer_cxx.exe' 'mingw find_package $link'"
            else
                row "mingw find_package $link" FAIL "see $out/logs/mingw-cmake-$link-build.log"
            fi
        done
        MW=$out/make-mingw
        mkdir -p "$MW"
        mk=(make -C "$MW" -f "$here/Makefile" CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ EXE=.exe WINDOWS=1)
        export PKG_CONFIG_LIBDIR=$W/lib/pkgconfig
        check "mingw pkg-config --static (Wine)" mingw-make-static bash -c \
            "$(declare -f run_ok imports_dll); major=$major; ${mk[*]} static cxx headers &&
             imports_dll '$MW/consumer_static.exe' no &&
             run_ok wine '$MW/consumer_static.exe' 'mingw pkg-config --static' &&
             run_ok wine '$MW/consumer_cxx.exe' 'mingw pkg-config --static'"
        check "mingw pkg-config shared, DLL beside (Wine)" mingw-make-shared bash -c \
            "$(declare -f run_ok imports_dll); major=$major; ${mk[*]} shared && imports_dll '$MW/consumer_shared.exe' yes &&
             cp '$W/bin/libxsock-$major.dll' '$MW/' && run_ok wine '$MW/consumer_shared.exe' 'mingw pkg-config'"
        unset PKG_CONFIG_LIBDIR
    fi
fi

echo
printf '%-46s | %-6s | %s\n' "consumer" "result" "note"
printf '%s-+-%s-+-%s\n' "----------------------------------------------" "------" "----"
for r in "${rows[@]}"; do
    IFS='|' read -r name result note <<<"$r"
    printf '%-46s | %-6s | %s\n' "$name" "$result" "$note"
done
echo "consumer: ${#rows[@]} rows, $fails failed, $skips skipped (logs in $out/logs)"
[ "$fails" -eq 0 ] || exit 1
[ "$skips" -eq 0 ] || exit 77
exit 0
