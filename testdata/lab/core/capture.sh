#!/usr/bin/env bash
# core/capture.sh — a core dump of a leaking lab service and, at the same instant, its
# goroutine dump: the ground truth `gomemdx core` must agree with.
#
#   testdata/lab/core/capture.sh SVC MIN VERSION...   e.g. capture.sh notifier 60 1.19 1.22 1.27
#       needs root, gdb (gcore) and curl; builds like ../crash/capture.sh (/go/src/SVC)
#
# Runs the service until /debug/pprof/goroutine reports at least MIN goroutines, fetches
# /debug/pprof/goroutine?debug=2, stops the process at once (SIGSTOP: a stopped process
# cannot answer HTTP, so the dump comes first) and takes its core with gcore. The leak
# grows by one goroutine every few hundred ms, so the two agree but for at most one.
# With HEAP_MB=N the wait is instead for the heap: /debug/pprof/heap?debug=1 reporting a
# HeapAlloc of at least N MiB (a heap-leak service: a map that grows); MIN is then ignored.
# With CRASH=1 the service runs with GOTRACEBACK=crash and, after the gcore, is resumed and
# killed with SIGABRT: the kernel writes a second core (core_pattern must be a plain file
# name: the script checks) while the runtime prints every goroutine, at the same instant,
# into crash.txt; that core is kept as crash-core.xz.
# Writes ../../core/goVERSION/SVC/{SVC.bin.xz,core.xz,goroutines.txt}: the binary without
# the DWARF sections gomemdx does not read (line tables, locations, ranges, frames: only
# .debug_info and .debug_abbrev, the type layouts, stay), the core with all-zero pages
# elided (../elide-core.py), both xz-compressed.
# With GO_LDFLAGS=... the service is built with those linker flags: -compressdwarf=false
# leaves .debug_info uncompressed in the ELF, so that xz, not zlib, compresses it (the
# eighth round's binaries: ~0.4 MiB less each; never -s or -w, which drop the DWARF).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$(dirname "$HERE")
DEST=$(cd "$LAB/../core" 2>/dev/null && pwd || { mkdir -p "$LAB/../core" && cd "$LAB/../core" && pwd; })
die() { printf 'core: ERROR: %s\n' "$*" >&2; exit 1; }
[ $# -ge 3 ] || die "usage: capture.sh SVC MIN VERSION..."
[ "$(id -u)" = 0 ] || die "must run as root"
SVC=$1 MIN=$2; shift 2
CRASH=${CRASH:-0}
HEAP_MB=${HEAP_MB:-0}
GO_LDFLAGS=${GO_LDFLAGS:-}
if [ "$CRASH" = 1 ]; then
  pat=$(cat /proc/sys/kernel/core_pattern)
  [[ $pat == '|'* || $pat == */* ]] && die "CRASH=1 needs core_pattern to be a file name, not '$pat'"
fi
for V in "$@"; do
  TMPD=$(mktemp -d /tmp/gomemdx-core.XXXXXX)
  GOROOT_LINK=/usr/lib/go-$V
  [ -x "$GOROOT_LINK/bin/go" ] || ln -sfn "/opt/go-toolchains/go-$V/usr/lib/go-$V" "$GOROOT_LINK"
  rm -rf "/go/src/$SVC"; mkdir -p "/go/src/$SVC" /go/bin
  cp "$LAB/services/$SVC/main.go" "$LAB/services/$SVC/go.mod" "/go/src/$SVC/"
  (
    export GOROOT=$GOROOT_LINK PATH="$GOROOT_LINK/bin:/usr/local/bin:/usr/bin:/bin"
    export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOENV=off
    export GOCACHE="$TMPD/gocache" GOPATH="$TMPD/gopath"
    cd "/go/src/$SVC" && go build -ldflags="$GO_LDFLAGS" -o "/go/bin/$SVC-$V" .
  ) || die "build with Go $V failed"
  PORT=$((12000 + RANDOM % 8000))
  rm -f "/go/src/$SVC"/core*
  TB=; [ "$CRASH" = 1 ] && TB=GOTRACEBACK=crash
  (cd "/go/src/$SVC" && ulimit -c unlimited && exec env -i PATH=/usr/bin:/bin HOME=/go $TB \
     "/go/bin/$SVC-$V" -addr "127.0.0.1:$PORT") </dev/null >/dev/null 2>"$TMPD/stderr" &
  PID=$!
  URL="http://127.0.0.1:$PORT/debug/pprof/goroutine"
  n=0
  for _ in $(seq 600); do
    sleep 1
    kill -0 "$PID" 2>/dev/null || die "go$V $SVC exited early: $(tail -n 3 "$TMPD/stderr")"
    if [ "$HEAP_MB" -gt 0 ]; then
      h=$(curl -sf "http://127.0.0.1:$PORT/debug/pprof/heap?debug=1" | sed -n 's/^# HeapAlloc = //p' || true)
      [ "${h:-0}" -ge $((HEAP_MB << 20)) ] && break
      continue
    fi
    n=$(curl -sf "$URL?debug=1" | sed -n 's/^goroutine profile: total //p' || true)
    [ "${n:-0}" -ge "$MIN" ] && break
  done
  OUT=$DEST/go$V/$SVC
  mkdir -p "$OUT"
  curl -sf "$URL?debug=2" -o "$OUT/goroutines.txt"
  [ "$HEAP_MB" -gt 0 ] && curl -sf "http://127.0.0.1:$PORT/debug/pprof/heap?debug=1" -o "$OUT/heap.txt"
  kill -STOP "$PID"
  gcore -o "$TMPD/core" "$PID" >/dev/null 2>&1 || die "gcore failed"
  if [ "$CRASH" = 1 ]; then
    kill -CONT "$PID"; kill -ABRT "$PID"; wait "$PID" 2>/dev/null || true
    kcore=$(ls -t "/go/src/$SVC"/core* 2>/dev/null | head -n 1)
    [ -n "$kcore" ] || die "go$V $SVC: no kernel core written"
    grep -q '^SIGABRT: abort' "$TMPD/stderr" || die "go$V $SVC: no SIGABRT traceback"
    python3 "$LAB/elide-core.py" "$kcore" "$TMPD/crash-core"
    xz -9 -T1 -c "$TMPD/crash-core" >"$OUT/crash-core.xz"
    cp "$TMPD/stderr" "$OUT/crash.txt"
    rm -f "$kcore"
  else
    kill -9 "$PID"; wait "$PID" 2>/dev/null || true
  fi
  python3 "$LAB/elide-core.py" "$TMPD/core.$PID" "$TMPD/core.elided"
  xz -9 -T1 -c "$TMPD/core.elided" >"$OUT/core.xz"
  objcopy --remove-section=.debug_line --remove-section=.debug_loc --remove-section=.debug_ranges \
    --remove-section=.debug_frame --remove-section=.debug_loclists --remove-section=.debug_rnglists \
    --remove-section=.debug_addr --remove-section=.debug_line_str --remove-section=.debug_gdb_scripts \
    "/go/bin/$SVC-$V" "$TMPD/$SVC.bin"
  xz -9 -T1 -c "$TMPD/$SVC.bin" >"$OUT/$SVC.bin.xz"
  echo "go$V $SVC: $(grep -c '^goroutine ' "$OUT/goroutines.txt") goroutines in the dump," \
       "core $(stat -c %s "$TMPD/core.elided") bytes ($(stat -c %s "$OUT/core.xz") xz)"
  rm -rf "$TMPD"
done
