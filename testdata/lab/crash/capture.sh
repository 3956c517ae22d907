#!/usr/bin/env bash
# crash/capture.sh — real GOTRACEBACK=crash tracebacks: a lab service killed with SIGABRT
# while it holds leaked goroutines. With GOTRACEBACK=crash the runtime prints every goroutine
# (runtime ones too) and, after them, one system stack per thread ("goroutine 0 [idle]:" on
# g0 of each M) — which are threads, not goroutines.
#
#   testdata/lab/crash/capture.sh SVC VERSION...   e.g. capture.sh notifier 1.19 1.27
#       needs root; builds like ../capture.sh (/go/src/SVC, GOROOT /usr/lib/go-VERSION)
#
# Writes ../captures/go<VERSION>/SVC/crash.txt (the service's stderr: its log lines, then
# the traceback) and crash.tsv beside it: goroutines<TAB>threads, where goroutines is the
# count of "goroutine N [" (or, since 1.25 with crash, "goroutine N gp=") headers with N > 0
# and threads those with N = 0 (by grep).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$(dirname "$HERE")
FORBIDDEN='/(opt/go-toolchains|work|tmp|root)(/|$|[^A-Za-z0-9_.-])'
die() { printf 'crash: ERROR: %s\n' "$*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: capture.sh SVC VERSION..."
[ "$(id -u)" = 0 ] || die "must run as root"
SVC=$1; shift
for V in "$@"; do
  TMPD=$(mktemp -d /tmp/gomemdx-crash.XXXXXX)
  GOROOT_LINK=/usr/lib/go-$V
  [ -x "$GOROOT_LINK/bin/go" ] || ln -sfn "/opt/go-toolchains/go-$V/usr/lib/go-$V" "$GOROOT_LINK"
  rm -rf "/go/src/$SVC"; mkdir -p "/go/src/$SVC" /go/bin
  cp "$LAB/services/$SVC/main.go" "$LAB/services/$SVC/go.mod" "/go/src/$SVC/"
  (
    export GOROOT=$GOROOT_LINK PATH="$GOROOT_LINK/bin:/usr/local/bin:/usr/bin:/bin"
    export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOENV=off
    export GOCACHE="$TMPD/gocache" GOPATH="$TMPD/gopath"
    cd "/go/src/$SVC" && go build -o "/go/bin/$SVC-$V" .
  ) || die "build with Go $V failed"
  PORT=$((12000 + RANDOM % 8000))
  (cd "/go/src/$SVC" && ulimit -c 0 && exec env -i PATH=/usr/bin:/bin HOME=/go GOTRACEBACK=crash \
     "/go/bin/$SVC-$V" -addr "127.0.0.1:$PORT") </dev/null >/dev/null 2>"$TMPD/stderr" &
  PID=$!
  sleep 25
  kill -ABRT "$PID"
  wait "$PID" 2>/dev/null || true
  OUT=$LAB/captures/go$V/$SVC
  mkdir -p "$OUT"
  ! grep -qE "$FORBIDDEN" "$TMPD/stderr" || die "machine paths in the traceback"
  cp "$TMPD/stderr" "$OUT/crash.txt"
  g=$(grep -cE '^goroutine [1-9][0-9]* ([[]|gp=)' "$OUT/crash.txt" || true)
  t=$(grep -cE '^goroutine 0 ([[]|gp=)' "$OUT/crash.txt" || true)
  printf 'goroutines\tthreads\n%s\t%s\n' "$g" "$t" >"$OUT/crash.tsv"
  echo "go$V $SVC: $g goroutines, $t thread stacks"
  rm -rf "$TMPD"
done
