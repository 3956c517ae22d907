#!/usr/bin/env bash
# gen_bigcore.sh OUTDIR [VERSION...] — a large live core for bench/core.sh: builds
# bigcore/ (a cache of 1.5 M map entries, ~450 MiB of live heap, 64 goroutines holding
# buffers) with each Go VERSION (default 1.22 1.27), runs it until it prints "ready", takes
# its core with gcore and kills it. Writes OUTDIR/bigcore-V (the binary, with DWARF) and
# OUTDIR/core-V (~1.7 GB each). Needs root (ptrace of the process), gdb's gcore, and the
# toolchains under /opt/go-toolchains (../../shared/tools/install-go). ENTRIES=N changes
# the map's size. Nothing here is committed: the cores are far too large.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: gen_bigcore.sh OUTDIR [VERSION...]}; shift
[ $# -gt 0 ] || set -- 1.22 1.27
[ "$(id -u)" = 0 ] || { echo "gen_bigcore: must run as root (gcore attaches to the process)" >&2; exit 2; }
command -v gcore >/dev/null || { echo "gen_bigcore: needs gcore (gdb)" >&2; exit 2; }
mkdir -p "$out"; out=$(cd "$out" && pwd)
for V in "$@"; do
  go=/opt/go-toolchains/go-$V/usr/lib/go-$V/bin/go
  [ -x "$go" ] || { echo "gen_bigcore: no Go $V at $go" >&2; exit 2; }
  (cd "$here/bigcore" && GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false CGO_ENABLED=0 \
     GOCACHE="$out/gocache" "$go" build -o "$out/bigcore-$V" .)
  fifo=$(mktemp -u); mkfifo "$fifo"
  "$out/bigcore-$V" "${ENTRIES:-1500000}" >"$fifo" &
  pid=$!
  read -r word _ <"$fifo"; rm -f "$fifo"
  [ "$word" = ready ] || { kill "$pid"; echo "gen_bigcore: go$V bigcore did not start" >&2; exit 1; }
  kill -STOP "$pid"
  gcore -o "$out/core-$V" "$pid" >/dev/null 2>&1 || { kill -9 "$pid"; echo "gen_bigcore: gcore failed" >&2; exit 1; }
  mv "$out/core-$V.$pid" "$out/core-$V"
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
  echo "go$V: $out/core-$V $(stat -c %s "$out/core-$V") bytes, binary $out/bigcore-$V"
done
