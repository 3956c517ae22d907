#!/usr/bin/env bash
# make-incident.sh — rebuilds the bundled example incident, examples/incident/.
#
#   examples/make-incident.sh          # ~3 min; needs root, curl, ss, Go 1.27
#
# The incident is the runbook's production case, played by the fixture lab's `promo`
# service (testdata/lab/services/promo): 75 s after start a campaign manager uploads a list
# of 120,000 eligible account ids, and from then on every eligibility check builds a map of
# all of them, while storefront traffic keeps rising.
#
# Steps (mirrors testdata/lab/capture.sh, see testdata/lab/README.md):
#   1. builds promo with Go 1.27 the way the lab does: sources copied to /go/src/promo,
#      binary /go/bin/promo, GOROOT /usr/lib/go-1.27 (a symlink to the toolchain), env
#      GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false CGO_ENABLED=0, fresh GOCACHE —
#      so frames read /go/src/promo/main.go and /usr/lib/go-1.27/src/... (no machine path).
#      The build holds the lab's capture lock, so it never races a capture.sh run.
#   2. runs `/go/bin/promo -addr 127.0.0.1:PORT -upload-after 75s` (free port, cwd
#      /go/src/promo, env -i PATH HOME) and captures at t ≈ 10, 25, …, 160 s (11 points,
#      NN = 01…11), each after a forced GC (`/debug/pprof/heap?gc=1`, discarded) ~1 s before:
#        goroutine-NN.pb.gz       /debug/pprof/goroutine          (gzipped profile.proto)
#        heap-NN.pb.gz            /debug/pprof/heap               (gzipped profile.proto)
#        heap-NN.debug1.txt       /debug/pprof/heap?debug=1       (ends with runtime.MemStats)
#        goroutine-NN.debug2.txt  /debug/pprof/goroutine?debug=2  (first and last point only)
#   3. writes events.csv (time,kind,description; RFC 3339 UTC): a release ~3 h before the
#      start, a config change ~40 min before, and the console upload 3 s before the moment the
#      service logged the big upload — all computed from this run's clock.
#   4. writes README.md, checks that no machine path (/opt/go-toolchains, /work, /tmp, /root)
#      appears in any file (gunzipped too) and that the folder stays under 3 MB, then
#      replaces the previous contents of examples/incident/ (idempotent: rerun any time).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
LAB=$REPO/testdata/lab
DEST=$HERE/incident
SVC=promo
V=1.27
UPLOAD_AFTER=75        # seconds after start (promo -upload-after)
UPLOAD_ACCOUNTS=120000 # promo's default -upload-accounts
TIMES=(10 25 40 55 70 85 100 115 130 145 160)
MAX_KB=3072
LOCK=/tmp/gomemdx-lab-capture.lock # the lab's capture.sh lock
FORBIDDEN='/(opt/go-toolchains|work|tmp|root)(/|$|[^A-Za-z0-9_.-])'

log() { printf 'make-incident: %s\n' "$*" >&2; }
die() { printf 'make-incident: ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (uses /go and /usr/lib/go-$V, like the lab)"
command -v curl >/dev/null || die "curl missing"
command -v ss >/dev/null || die "ss missing"
[ -f "$LAB/services/$SVC/main.go" ] || die "no $LAB/services/$SVC/main.go"
grep -q '"upload-after"' "$LAB/services/$SVC/main.go" || die "$SVC has no -upload-after flag"

TMPD=$(mktemp -d /tmp/gomemdx-incident.XXXXXX)
PID=""
cleanup() {
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
  rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'log interrupted; exit 130' INT TERM HUP
OUT=$TMPD/incident
mkdir -p "$OUT"

# ---------------------------------------------------------------- build (as capture.sh)
# shellcheck source=../scripts/go-root.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/go-root.sh"
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
log "built /go/bin/$SVC with $GOVER"

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
  PORT=$((12000 + RANDOM % 8000)) # below capture.sh's 20000+ ports and the ephemeral range
  grep -qx "$PORT" <<<"$LISTENING" && continue
  (cd "/go/src/$SVC" && exec env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/go \
     "/go/bin/$SVC" -addr "127.0.0.1:$PORT" -upload-after "${UPLOAD_AFTER}s") \
     </dev/null >"$TMPD/$SVC.stdout" 2>"$TMPD/$SVC.stderr" &
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
log "$SVC: pid $PID on 127.0.0.1:$PORT, upload at t+${UPLOAD_AFTER}s"

fetch() { # URLPATH FILE
  local code
  code=$(curl -s --max-time 60 -o "$OUT/$2" -w '%{http_code}' "http://127.0.0.1:$PORT$1") || code=000
  if [ "$code" != 200 ]; then alive || dead; die "GET $1 returned HTTP $code"; fi
}

n=0
for T in "${TIMES[@]}"; do
  n=$((n + 1)); NN=$(printf '%02d' "$n")
  sleep_until "$(at $((T - 1)))"
  alive || dead
  curl -s -o /dev/null --max-time 60 "http://127.0.0.1:$PORT/debug/pprof/heap?gc=1" || true
  sleep_until "$(at "$T")"
  if [ "$n" = 1 ] || [ "$n" = ${#TIMES[@]} ]; then
    fetch "/debug/pprof/goroutine?debug=2" "goroutine-$NN.debug2.txt"
  fi
  fetch "/debug/pprof/goroutine" "goroutine-$NN.pb.gz"
  fetch "/debug/pprof/heap" "heap-$NN.pb.gz"
  fetch "/debug/pprof/heap?debug=1" "heap-$NN.debug1.txt"
  log "t+${T}s: capture $NN, HeapInuse $(sed -n 's/^# HeapInuse = //p' "$OUT/heap-$NN.debug1.txt")"
done
kill -TERM "$PID" 2>/dev/null || true
wait "$PID" 2>/dev/null || true
PID=""

# ---------------------------------------------------------------- events
# The service logs the upload with a local-time timestamp (log.Lmicroseconds); it ran with
# the same zone as `date` here (no TZ in either environment).
line=$(grep -m1 "replaced by upload ($UPLOAD_ACCOUNTS accounts)" "$TMPD/$SVC.stderr") \
  || die "no upload of $UPLOAD_ACCOUNTS accounts in the service log"
stamp=$(awk '{ gsub("/", "-", $1); print $1 " " $2 }' <<<"$line")
UPLOAD=$(env -u TZ date -d "$stamp" +%s.%N) || die "cannot read the upload time '$stamp'"
rel=$(awk -v u="$UPLOAD" -v t="$T0" 'BEGIN { printf "%.3f", u - t }')
awk -v r="$rel" -v a="$UPLOAD_AFTER" 'BEGIN { exit !(r >= a && r < a + 5) }' \
  || die "upload logged at t+${rel}s, expected just after t+${UPLOAD_AFTER}s"
rfc() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
t0s=${T0%.*}
RELEASE=$((t0s - 3 * 3600 + 221))      # 2 h 56 min 19 s before start
CONFIG=$((t0s - 40 * 60 - 12))         # 40 min 12 s before start
OPS=$((${UPLOAD%.*} - 3))              # 3-4 s before the upload reached the service
{
  echo 'time,kind,description'
  echo "$(rfc "$RELEASE"),release,promo v2.14.0 deployed"
  echo "$(rfc "$CONFIG"),config,promo: account-service client timeout raised from 2s to 5s"
  echo "$(rfc "$OPS"),ops,\"campaign console: eligible-accounts list uploaded for spring-sale (120,000 ids)\""
} >"$OUT/events.csv"

# ---------------------------------------------------------------- README
hi() { sed -n 's/^# HeapInuse = //p' "$OUT/heap-$1.debug1.txt"; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
gtotal() { grep -c '^goroutine [0-9]' "$OUT/goroutine-$1.debug2.txt"; }
last=$(printf '%02d' ${#TIMES[@]})
table=""
n=0
for T in "${TIMES[@]}"; do
  n=$((n + 1)); NN=$(printf '%02d' "$n")
  table+="| $NN | t+${T}s | $(rfc "$(awk -v a="$T0" -v b="$T" 'BEGIN { printf "%d", a + b }')") | $(mib "$(hi "$NN")") |"$'\n'
done
cat >"$OUT/README.md" <<EOF
# Example incident: promo's memory climbs after a campaign upload

What an operator collected while the \`promo\` service (decides whether an account may use
a campaign's discount) climbed in memory. It is the runbook's production incident: an admin
uploads a large file of account ids in the campaign console, and from then on **every**
eligibility check builds a \`map[int64]struct{}\` of all 120,000 ids (\`main.eligibleSet\`,
\`/go/src/promo/main.go:81\`, called from \`main.(*Service).handleCheck\`) — about 2.5 MB
per request, at a request rate that keeps rising. The allocation rate explodes and the
heap in use follows it. Nothing leaks: the fix is to build the set once per upload, not per
request; the first mitigation is to roll back the upload (or the release that allowed it).

## Files

| file | what |
|---|---|
| \`goroutine-NN.pb.gz\` | \`/debug/pprof/goroutine\` (gzipped profile.proto), at every point |
| \`heap-NN.pb.gz\` | \`/debug/pprof/heap\` (gzipped profile.proto), at every point |
| \`heap-NN.debug1.txt\` | \`/debug/pprof/heap?debug=1\`, at every point; ends with the \`runtime.MemStats\` numbers |
| \`goroutine-01.debug2.txt\`, \`goroutine-$last.debug2.txt\` | \`/debug/pprof/goroutine?debug=2\`, first and last point |
| \`events.csv\` | the change log around the incident: \`time,kind,description\`, RFC 3339 UTC |

Files with the same NN were fetched together, within a second; the profiles carry their own
time (\`time_nanos\`), the text files do not. Points, ~1 s after a forced GC each:

| NN | after start | time (UTC) | HeapInuse |
|---|---|---|---|
${table}
The upload reached the service at $(date -u -d "@$UPLOAD" +%Y-%m-%dT%H:%M:%S.%3NZ) (t+${rel}s);
\`events.csv\` records the console action 3–4 s earlier, a release (~3 h before start) and
an unrelated config change (~40 min before start) as distractors.

## How it was made

\`examples/make-incident.sh\` (rerun it to regenerate this folder): the lab service
\`testdata/lab/services/promo\` built with $GOVER exactly as \`testdata/lab/capture.sh\` builds
lab services (sources in \`/go/src/promo\`, GOROOT \`/usr/lib/go-$V\`, no machine paths), run as
\`promo -addr 127.0.0.1:PORT -upload-after ${UPLOAD_AFTER}s\` with storefront traffic ramping
from 1 to 10 clients over 135 s, captured every 15 s from t+10 s to t+160 s.

## Diagnose it

\`\`\`
gomemdx diagnose examples/incident --events examples/incident/events.csv
\`\`\`

(\`make demo\` runs gomemdx over this folder.)
EOF

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
[ "$kb" -le $MAX_KB ] || die "incident is ${kb} KB, over ${MAX_KB} KB"

mkdir -p "$DEST"
rm -f "$DEST"/goroutine-* "$DEST"/heap-* "$DEST"/events.csv "$DEST"/README.md
cp "$OUT"/* "$DEST/"
log "wrote $DEST: $(ls "$OUT" | wc -l) files, ${kb} KB; goroutines $(gtotal 01) -> $(gtotal "$last");" \
    "HeapInuse $(mib "$(hi 01)") -> $(mib "$(hi "$last")"); upload at t+${rel}s"
