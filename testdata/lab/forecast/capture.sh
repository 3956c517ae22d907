#!/usr/bin/env bash
# forecast/capture.sh — ground truth for gomemdx's out-of-memory forecast: a real heap series
# of a lab service that grows toward a limit and really reaches it.
#
#   testdata/lab/forecast/capture.sh [--limit-mib N] [--deadline SECONDS]
#       defaults: --limit-mib 64 --deadline 480; needs root, curl, ss, Go 1.27
#
# The service is the lab's `chunkstore` (testdata/lab/services/chunkstore): every stored
# 1 MiB chunk buffer stays alive through the 16-byte header slice kept in its index, so the
# heap in use grows by ~1 MiB every ~4 s, steadily, without bound.
#
# Steps (mirrors ../capture.sh, see ../README.md):
#   1. builds chunkstore with Go 1.27 the way the lab does (sources in /go/src/chunkstore,
#      binary /go/bin/chunkstore, GOROOT /usr/lib/go-1.27, GOTOOLCHAIN=local GOPROXY=off
#      GOFLAGS=-buildvcs=false CGO_ENABLED=0, fresh GOCACHE; the lab's capture lock is held
#      while building) and runs it on a free 127.0.0.1 port (cwd /go/src/chunkstore, env -i).
#   2. every 10 s (t = 10, 20, …), ~1 s after a forced GC (/debug/pprof/heap?gc=1, discarded):
#        heap-NN.debug1.txt  /debug/pprof/heap?debug=1 — its `# HeapInuse = N` line is the
#                            measurement; unix_ns is taken just before this request
#        heap-NN.pb.gz       /debug/pprof/heap (gzipped profile.proto), right after
#      until the first capture whose HeapInuse exceeds the limit, plus one more capture at the
#      next tick (10 s later); gives up (exit 1, nothing written) if the deadline passes first.
#   3. writes
#        memstats.tsv  file<TAB>unix_ns<TAB>heap_inuse — every capture (file = heap-NN.pb.gz)
#        truth.tsv     limit_bytes<TAB>crossed_unix_ns<TAB>crossed_file — crossed_unix_ns is
#                      the unix_ns of the first capture whose HeapInuse > limit_bytes
#      checks that no machine path appears (gunzipped too) and that the folder stays under
#      3 MB, and replaces the previous heap-*, memstats.tsv and truth.tsv (idempotent).
#
# Limit: 128 MiB was the first choice, but chunkstore grows only ~0.25 MiB/s (~1 MiB chunk
# every ~4 s): a trial with --limit-mib 128 --deadline 480 stood at 123 MiB at t+480 s. 64 MiB
# is crossed after ~4 min (t+250 s in the committed run, 26 captures).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$(dirname "$HERE")
SVC=chunkstore
V=1.27
LIMIT_MIB=64
DEADLINE=480
INTERVAL=10
MAX_KB=3072
LOCK=/tmp/gomemdx-lab-capture.lock # the lab's capture.sh lock
FORBIDDEN='/(opt/go-toolchains|work|tmp|root)(/|$|[^A-Za-z0-9_.-])'

log() { printf 'forecast: %s\n' "$*" >&2; }
die() { printf 'forecast: ERROR: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case $1 in
    --limit-mib) [ $# -ge 2 ] || die "--limit-mib needs a value"; LIMIT_MIB=$2; shift 2 ;;
    --deadline) [ $# -ge 2 ] || die "--deadline needs a value"; DEADLINE=$2; shift 2 ;;
    -h|--help) sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1" ;;
  esac
done
[[ $LIMIT_MIB =~ ^[0-9]+$ && $DEADLINE =~ ^[0-9]+$ ]] || die "--limit-mib and --deadline are whole numbers"
LIMIT=$((LIMIT_MIB * 1048576))

[ "$(id -u)" = 0 ] || die "must run as root (uses /go and /usr/lib/go-$V, like the lab)"
command -v curl >/dev/null || die "curl missing"
command -v ss >/dev/null || die "ss missing"
[ -f "$LAB/services/$SVC/main.go" ] || die "no $LAB/services/$SVC/main.go"

TMPD=$(mktemp -d /tmp/gomemdx-forecast.XXXXXX)
PID=""
cleanup() {
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
  rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'log interrupted; exit 130' INT TERM HUP
OUT=$TMPD/out
mkdir -p "$OUT"

# ---------------------------------------------------------------- build (as ../capture.sh)
# shellcheck source=../../../scripts/go-root.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/go-root.sh"
GOROOT_LINK=$(go_root "$V") || die "no Go $V"
mkdir -p /go/src /go/bin
exec 9>"$LOCK"
if ! flock -n 9; then log "a lab capture.sh is running; waiting for its lock"; flock 9; fi
(
  export GOROOT=$GOROOT_LINK PATH="$GOROOT_LINK/bin:/usr/local/bin:/usr/bin:/bin"
  export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOENV=off
  export GOCACHE="$TMPD/gocache" GOPATH="$TMPD/gopath" GOTMPDIR=
  unset GOEXPERIMENT GODEBUG GOTRACEBACK
  gover=$(go env GOVERSION)
  [[ $gover == go$V* ]] || die "go$V: toolchain reports $gover"
  echo "$gover" >"$TMPD/gover"
  rm -rf "/go/src/$SVC"
  mkdir -p "/go/src/$SVC"
  cp "$LAB/services/$SVC/main.go" "$LAB/services/$SVC/go.mod" "/go/src/$SVC/"
  cd "/go/src/$SVC" && go build -o "/go/bin/$SVC" .
) 2>"$TMPD/build.log" || { cat "$TMPD/build.log" >&2; die "build of $SVC with Go $V failed"; }
GOVER=$(cat "$TMPD/gover")
flock -u 9
exec 9>&-
log "built /go/bin/$SVC with $GOVER; limit ${LIMIT_MIB} MiB ($LIMIT bytes), deadline ${DEADLINE}s"

# ---------------------------------------------------------------- run
now() { date +%s.%N; }
at() { awk -v a="$T0" -v b="$1" 'BEGIN { printf "%.3f", a + b }'; }
sleep_until() {
  sleep "$(awk -v t="$1" -v n="$(now)" 'BEGIN { d = t - n; printf "%.3f", (d > 0 ? d : 0) }')"
}
alive() { kill -0 "$PID" 2>/dev/null; }
dead() { log "$SVC exited early; stderr tail:"; tail -n 20 "$TMPD/$SVC.stderr" >&2; exit 1; }

LISTENING=$(ss -Htln | awk '{n = split($4, a, ":"); print a[n]}' | sort -u)
for _ in 1 2 3 4 5; do
  PORT=$((12000 + RANDOM % 8000)) # below ../capture.sh's 20000+ ports and the ephemeral range
  grep -qx "$PORT" <<<"$LISTENING" && continue
  (cd "/go/src/$SVC" && exec env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/go \
     "/go/bin/$SVC" -addr "127.0.0.1:$PORT") </dev/null >"$TMPD/$SVC.stdout" 2>"$TMPD/$SVC.stderr" &
  PID=$!
  T0=$(now)
  ok=0
  for _ in $(seq 150); do
    alive || break
    if curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/debug/pprof/"; then ok=1; break; fi
    sleep 0.2
  done
  [ $ok = 1 ] && break
  if alive; then dead; fi
  wait "$PID" 2>/dev/null || true
  grep -q 'address already in use' "$TMPD/$SVC.stderr" || dead
  PID=""
  log "port $PORT was taken; trying another"
done
[ -n "$PID" ] || die "no free port found"
log "$SVC: pid $PID on 127.0.0.1:$PORT"

fetch() { # URLPATH FILE
  local code
  code=$(curl -s --max-time 60 -o "$OUT/$2" -w '%{http_code}' "http://127.0.0.1:$PORT$1") || code=000
  if [ "$code" != 200 ]; then alive || dead; die "GET $1 returned HTTP $code"; fi
}

printf 'file\tunix_ns\theap_inuse\n' >"$OUT/memstats.tsv"
n=0
crossed="" inuse=none
while :; do
  n=$((n + 1)); NN=$(printf '%02d' "$n"); T=$((n * INTERVAL))
  if [ -z "$crossed" ] && [ "$T" -gt "$DEADLINE" ]; then
    die "HeapInuse stayed under ${LIMIT_MIB} MiB for ${DEADLINE}s (last: $inuse); try a lower --limit-mib"
  fi
  sleep_until "$(at $((T - 1)))"
  alive || dead
  curl -s -o /dev/null --max-time 60 "http://127.0.0.1:$PORT/debug/pprof/heap?gc=1" || true
  sleep_until "$(at "$T")"
  ns=$(date +%s%N)
  fetch "/debug/pprof/heap?debug=1" "heap-$NN.debug1.txt"
  fetch "/debug/pprof/heap" "heap-$NN.pb.gz"
  inuse=$(sed -n 's/^# HeapInuse = \([0-9][0-9]*\)$/\1/p' "$OUT/heap-$NN.debug1.txt")
  [ -n "$inuse" ] || die "no '# HeapInuse = N' line in heap-$NN.debug1.txt"
  printf 'heap-%s.pb.gz\t%s\t%s\n' "$NN" "$ns" "$inuse" >>"$OUT/memstats.tsv"
  log "t+${T}s: heap-$NN HeapInuse $inuse ($((inuse / 1048576)) MiB)"
  [ -n "$crossed" ] && break
  if [ "$inuse" -gt "$LIMIT" ]; then
    crossed=$ns crossed_file=heap-$NN.pb.gz crossed_t=$T
    log "limit crossed at t+${T}s; one more capture"
  fi
done
kill -TERM "$PID" 2>/dev/null || true
wait "$PID" 2>/dev/null || true
PID=""
printf 'limit_bytes\tcrossed_unix_ns\tcrossed_file\n%s\t%s\t%s\n' "$LIMIT" "$crossed" "$crossed_file" >"$OUT/truth.tsv"

# ---------------------------------------------------------------- checks, install
bad=0
for f in "$OUT"/*; do
  if [[ $f == *.gz ]]; then
    gzip -t "$f" || die "corrupt gzip: $f"
    hit=$(zcat "$f" | grep -aoE "$FORBIDDEN" | head -n 3 || true)
  else
    hit=$(grep -aoE "$FORBIDDEN" "$f" | head -n 3 || true)
  fi
  [ -z "$hit" ] || { log "forbidden path in ${f##*/}: $(tr '\n' ' ' <<<"$hit")"; bad=1; }
done
[ $bad = 0 ] || die "machine paths in the captures"
kb=$(du -sk "$OUT" | cut -f1)
[ "$kb" -le $MAX_KB ] || die "captures are ${kb} KB, over ${MAX_KB} KB"

rm -f "$HERE"/heap-* "$HERE"/memstats.tsv "$HERE"/truth.tsv
cp "$OUT"/* "$HERE/"
log "wrote $HERE: $n captures ($GOVER), ${kb} KB; HeapInuse $(sed -n '2p' "$OUT/memstats.tsv" | cut -f3)" \
    "at t+${INTERVAL}s, > ${LIMIT_MIB} MiB at t+${crossed_t}s ($crossed_file)"
