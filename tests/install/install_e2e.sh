#!/usr/bin/env bash
# install_e2e.sh SRC BUILD — the library as a user installs it: cmake
# --install into a scratch prefix, then the examples (C and C++) built
# against it with pkg-config, shared and static, each naming the same rank-1
# finding as `gomemdx goroutines --json` on a lab dump. Also: the shared
# library has a SONAME and exports only gmx_ symbols, and the archive
# defines no other global name.
set -euo pipefail
src=$1 build=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(ls -d "$prefix"/lib*/ | head -1)
export PKG_CONFIG_PATH=$libdir/pkgconfig
fail() { echo "install: $*" >&2; exit 1; }

[ -x "$prefix/bin/gomemdx" ] || fail "no bin/gomemdx installed"
[ -f "$prefix/include/gomemdx/analyze.h" ] || fail "no headers installed"
soname=$(readelf -d "$libdir/libgomemdx.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = libgomemdx.so.0 ] || fail "SONAME is '$soname', not libgomemdx.so.0"
others=$(nm -D --defined-only "$libdir/libgomemdx.so" | awk '$2 ~ /[TDBR]/ {print $3}' |
         grep -v '^gmx_' || true)
[ -z "$others" ] || fail "libgomemdx.so exports symbols without the gmx_ prefix: $(echo $others | head -c 300)"
others=$(nm -g --defined-only "$libdir/libgomemdx.a" 2>/dev/null | awk 'NF == 3 {print $3}' |
         grep -v '^gmx_' | sort -u || true)
[ -z "$others" ] || fail "libgomemdx.a defines global names without the gmx_ prefix: $(echo $others | head -c 300)"

dump=$src/testdata/lab/captures/go1.22/billing/goroutine-t3.debug2.txt
want=$("$build/gomemdx" goroutines "$dump" --json | jq -r '.findings[0] | "#1 \(.severity) \(.title)"')
[ -n "$want" ] || fail "no rank-1 finding from the CLI"

check() { # NAME BINARY
    got=$(LD_LIBRARY_PATH=$libdir "$2" "$dump" | head -1)
    [ "${got,,}" = "${want,,}" ] || fail "$1: got '$got', want '$want'"
}
read -ra cflags <<<"$(pkg-config --cflags gomemdx)"
read -ra libs <<<"$(pkg-config --libs gomemdx)"
# Static libgomemdx beside the shared system libraries it needs (the ones
# gomemdx.pc requires privately; their own static archives are not needed).
requires=$(sed -n 's/^Requires.private: //p' "$PKG_CONFIG_PATH/gomemdx.pc")
read -ra static_libs <<<"$(pkg-config --libs $requires) -lpthread -lm"
cc -std=c11 -Wall -Wextra -Werror "${cflags[@]}" "$src/examples/leaks.c" "${libs[@]}" -o "$work/leaks-c"
check "C, shared" "$work/leaks-c"
c++ -std=c++17 -Wall -Wextra -Werror "${cflags[@]}" "$src/examples/leaks.cpp" "${libs[@]}" -o "$work/leaks-cpp"
check "C++, shared" "$work/leaks-cpp"
cc -std=c11 -Wall -Wextra -Werror "${cflags[@]}" "$src/examples/leaks.c" "$libdir/libgomemdx.a" \
   "${static_libs[@]}" -o "$work/leaks-static"
readelf -d "$work/leaks-static" | grep -q 'libgomemdx' && fail "the static example needs libgomemdx.so"
check "C, static" "$work/leaks-static"
echo "install: headers, libgomemdx.a, libgomemdx.so.0 (gmx_ only), gomemdx.pc; examples in C and C++ agree with the CLI"
