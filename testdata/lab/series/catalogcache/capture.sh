#!/usr/bin/env bash
# series/catalogcache/capture.sh — a real heap?debug=1 series of a map that explodes, then
# stays flat: ground truth for the forecast's clock (issue 16's `map_explosion` shape).
#
#   testdata/lab/series/catalogcache/capture.sh      needs root, curl, Go 1.27
#
# The service (main.go beside this script) builds a ~100 MiB map index from ~10 s after start,
# within ~40 s, then allocates nothing more: the runtime collects rarely after that
# (the forced GC comes every 2 min), so several captures carry the same `# LastGC` although
# they were taken 15 s apart.
#
# Steps (the lab's recipe, ../../README.md): builds with Go 1.27 from /go/src/catalogcache
# (GOROOT /usr/lib/go-1.27, GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false
# CGO_ENABLED=0), runs it on a free 127.0.0.1 port, and every 15 s (t = 15, 30, … 180) gets
#   heap-NN.debug1.txt  /debug/pprof/heap?debug=1 (no forced GC)
# and writes timeline.tsv: file<TAB>unix_ns<TAB>heap_inuse<TAB>last_gc_ns<TAB>num_gc, unix_ns
# taken just before each request — the true capture times.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SVC=catalogcache V=1.27 INTERVAL=15 COUNT=12
FORBIDDEN='/(opt/go-toolchains|work|tmp|root)(/|$|[^A-Za-z0-9_.-])'
die() { printf 'catalogcache: ERROR: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (uses /go and /usr/lib/go-$V, like the lab)"

TMPD=$(mktemp -d /tmp/gomemdx-series.XXXXXX)
PID=""
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$TMPD"; }
trap cleanup EXIT
OUT=$TMPD/out
mkdir -p "$OUT"

GOROOT_LINK=/usr/lib/go-$V
[ -x "$GOROOT_LINK/bin/go" ] || ln -sfn "/opt/go-toolchains/go-$V/usr/lib/go-$V" "$GOROOT_LINK"
mkdir -p "/go/src/$SVC" /go/bin
cp "$HERE/main.go" "$HERE/go.mod" "/go/src/$SVC/"
(
  export GOROOT=$GOROOT_LINK PATH="$GOROOT_LINK/bin:/usr/local/bin:/usr/bin:/bin"
  export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOENV=off
  export GOCACHE="$TMPD/gocache" GOPATH="$TMPD/gopath"
  cd "/go/src/$SVC" && go build -o "/go/bin/$SVC" .
) || die "build failed"

PORT=$((12000 + RANDOM % 8000))
(cd "/go/src/$SVC" && exec env -i PATH=/usr/bin:/bin HOME=/go "/go/bin/$SVC" -addr "127.0.0.1:$PORT") \
  </dev/null >"$TMPD/stdout" 2>"$TMPD/stderr" &
PID=$!
T0=$(date +%s.%N)
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/debug/pprof/" && break; sleep 0.1; done

printf 'file\tunix_ns\theap_inuse\tlast_gc_ns\tnum_gc\n' >"$OUT/timeline.tsv"
for n in $(seq $COUNT); do
  NN=$(printf '%02d' "$n")
  sleep "$(awk -v t0="$T0" -v t=$((n * INTERVAL)) -v now="$(date +%s.%N)" 'BEGIN { d = t0 + t - now; printf "%.3f", (d > 0 ? d : 0) }')"
  ns=$(date +%s%N)
  curl -sf --max-time 30 -o "$OUT/heap-$NN.debug1.txt" "http://127.0.0.1:$PORT/debug/pprof/heap?debug=1" || die "capture $NN failed"
  f=$OUT/heap-$NN.debug1.txt
  printf 'heap-%s.debug1.txt\t%s\t%s\t%s\t%s\n' "$NN" "$ns" \
    "$(sed -n 's/^# HeapInuse = //p' "$f")" "$(sed -n 's/^# LastGC = //p' "$f")" "$(sed -n 's/^# NumGC = //p' "$f")" >>"$OUT/timeline.tsv"
done
kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; PID=""
! grep -lE "$FORBIDDEN" "$OUT"/* || die "machine paths in the captures"
rm -f "$HERE"/heap-*.debug1.txt "$HERE"/timeline.tsv
cp "$OUT"/* "$HERE/"
cat "$HERE/timeline.tsv"
