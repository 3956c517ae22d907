#!/usr/bin/env bash
# bench/watch-overhead.sh [SECONDS] — what `gomemdx watch` costs a watched
# service at the default interval (10 s): the lab's healthy gateway service
# runs for SECONDS (default 120) unwatched, then SECONDS watched; its CPU
# time in each run (utime+stime from /proc, in clock ticks) over the wall
# time gives its CPU share. The issue's bar: under 1% at the default interval.
# Needs a Go toolchain (GO, /opt/go-toolchains/go-1.27..., or go on PATH).
set -euo pipefail
secs=${1:-120}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/release/gomemdx
cmake -S "$root" -B "$root/build/release" -DCMAKE_BUILD_TYPE=Release -DGMX_TESTS=OFF \
  -DGMX_WERROR=OFF >/dev/null
cmake --build "$root/build/release" -j "$(nproc)" >/dev/null
go=${GO:-$(ls /opt/go-toolchains/go-1.2*/usr/lib/go-*/bin/go 2>/dev/null | sort -V | tail -n 1)}
[ -n "$go" ] || go=$(command -v go || true)
[ -n "$go" ] || { echo "watch-overhead: no Go toolchain" >&2; exit 2; }
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOENV=off
export GOCACHE=${GOCACHE:-/tmp/gomemdx-gocache} HOME=${HOME:-/tmp}
cp -r "$root/testdata/lab/services/gateway" "$work/gateway"
(cd "$work/gateway" && "$go" build -o "$work/gateway.bin" .)

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

# One run of the service for $secs; with "watch", gomemdx watches it meanwhile.
run() {
  local port=$((20000 + RANDOM % 20000))
  "$work/gateway.bin" -addr "127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  sleep 3 # past start-up
  local t0; t0=$(ticks "$pid")
  if [ "$1" = watch ]; then
    "$bin" watch "http://127.0.0.1:$port" --duration "${secs}s" --store "$work/w.db" >/dev/null 2>&1
  else
    sleep "$secs"
  fi
  local t1; t1=$(ticks "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$secs" 'BEGIN { printf "%.2f", 100 * d / hz / s }'
}
plain=$(run plain)
watched=$(run watch)
echo "gateway CPU over ${secs}s: unwatched ${plain}%, watched at the default interval ${watched}%"
awk -v a="$plain" -v b="$watched" 'BEGIN { printf "watch costs the service %.2f%% of a CPU\n", b - a }'
