#!/usr/bin/env bash
# bench/watch-week.sh [SAMPLES] — does `gomemdx watch` keep flat memory over
# a long run? A week at the default interval (10 s) is 60,480 samples
# (the default SAMPLES); they are taken here every INTERVAL (default 10ms:
# the fetch timeout is the interval, so much less turns samples into gaps)
# from the lab's healthy gateway service on 127.0.0.1, into a fresh store.
# Gaps (a fetch that timed out on a busy machine) count as samples: the
# watcher did the same work for them.
# The watcher's peak RSS (VmHWM) and current RSS are read from /proc every
# few seconds beside the samples stored so far, and printed as a table:
# flat memory means the last rows match the first. Samples only: a
# healthy service fires no rule, so no capture is taken.
# Needs a Go toolchain (GO, /opt/go-toolchains/go-1.27..., or go on PATH).
set -euo pipefail
want=${1:-60480}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/release/gomemdx
cmake -S "$root" -B "$root/build/release" -DCMAKE_BUILD_TYPE=Release -DGMX_TESTS=OFF \
  -DGMX_WERROR=OFF >/dev/null
cmake --build "$root/build/release" -j "$(nproc)" >/dev/null
go=${GO:-$(ls /opt/go-toolchains/go-1.2*/usr/lib/go-*/bin/go 2>/dev/null | sort -V | tail -n 1)}
[ -n "$go" ] || go=$(command -v go || true)
[ -n "$go" ] || { echo "watch-week: no Go toolchain" >&2; exit 2; }
work=$(mktemp -d)
svc= watcher=
trap '[ -n "$watcher" ] && kill "$watcher" 2>/dev/null; [ -n "$svc" ] && kill "$svc" 2>/dev/null; rm -rf "$work"' EXIT
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOENV=off
export GOCACHE=${GOCACHE:-/tmp/gomemdx-gocache} HOME=${HOME:-/tmp}
cp -r "$root/testdata/lab/services/gateway" "$work/gateway"
(cd "$work/gateway" && "$go" build -o "$work/gateway.bin" .)

port=$((20000 + RANDOM % 20000))
"$work/gateway.bin" -addr "127.0.0.1:$port" >/dev/null 2>&1 &
svc=$!
sleep 2
"$bin" watch "http://127.0.0.1:$port" --interval "${INTERVAL:-10ms}" --store "$work/week.db" >/dev/null 2>&1 &
watcher=$!

samples() {
  python3 - "$work/week.db" <<'PY' 2>/dev/null || echo 0
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=5)
print(sum(db.execute(f"select count(*) from {t}").fetchone()[0] for t in ("samples", "gaps")))
PY
}
kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$watcher/status"; }

printf '%10s %12s %12s %10s\n' samples rss_kib peak_kib seconds
start=$SECONDS n=0 first_rss= last_rss=
while kill -0 "$watcher" 2>/dev/null; do
  sleep 5
  n=$(samples)
  rss=$(kib VmRSS) hwm=$(kib VmHWM)
  [ -n "$rss" ] || break
  first_rss=${first_rss:-$rss} last_rss=$rss
  printf '%10s %12s %12s %10s\n' "$n" "$rss" "$hwm" $((SECONDS - start))
  [ "$n" -ge "$want" ] && break
done
kill -INT "$watcher" 2>/dev/null; wait "$watcher" 2>/dev/null || true
watcher=
[ "$n" -ge "$want" ] || { echo "watch-week: the watcher stopped after $n samples" >&2; exit 1; }
echo "watch-week: $n samples (a week at 10 s is 60480); RSS first $first_rss KiB, last $last_rss KiB;" \
     "store $(du -k "$work/week.db" | cut -f1) KiB"
