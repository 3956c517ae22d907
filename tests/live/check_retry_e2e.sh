#!/usr/bin/env bash
# check_retry_e2e.sh GOMEMDX — `check` against a live AFTER looks again, as
# goleak does, while goroutines a test started are on their way out: a real
# Go service (tests/live/transient) starts 40 goroutines that sleep and
# return.
#   goroutines that stay (30 s): --retries 3 fails (exit 1) after 4 looks;
#   goroutines that leave (1.5 s): check passes (exit 0) after more than one
#   look, and keeps only the last look's body;
#   a file as AFTER is looked at once, whatever --retries says.
# Needs a Go toolchain ($GO, /opt/go-toolchains, or go on PATH); skips
# (exit 77) without one.
set -u
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
go=${GO:-}
[ -n "$go" ] || go=$(ls /opt/go-toolchains/go-1.2*/usr/lib/go-*/bin/go 2>/dev/null | sort -V | tail -n 1)
[ -n "$go" ] || go=$(command -v go || true)
if [ -z "$go" ] || ! "$go" version >/dev/null 2>&1; then
  echo "skip: no Go toolchain (install one with ../shared/tools/install-go 1.27)"
  exit 77
fi
work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
  rm -rf "$work"
}
trap cleanup EXIT
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOENV=off GO111MODULE=off
export GOCACHE=${GOCACHE:-/tmp/gomemdx-gocache}
"$go" build -o "$work/transient.bin" "$root/tests/live/transient/main.go" 2>"$work/build.log" ||
  { echo "build of transient failed"; cat "$work/build.log"; exit 1; }
# Hermetic: saved bodies go under the test's own folder.
export HOME=$work/home XDG_DATA_HOME=$work/data
captures=$XDG_DATA_HOME/gomemdx/captures

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$work/transient.bin" -addr "127.0.0.1:$port" >"$work/transient.log" 2>&1 &
pid=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
url=http://127.0.0.1:$port
get() { python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())' "$1"; }

fail=0
run() { # NAME ARGS...: runs gomemdx, keeps stdout/stderr/status
  local name=$1
  shift
  "$bin" "$@" >"$work/$name.out" 2>"$work/$name.err"
  echo $? >"$work/$name.status"
}
status() { [ "$(cat "$work/$1.status")" = "$2" ] || { echo "FAIL $1: exit $(cat "$work/$1.status"), want $2"; cat "$work/$1.err" "$work/$1.out"; fail=1; }; }
has() { grep -Eq -- "$2" "$work/$1" || { echo "FAIL $1 lacks /$2/"; cat "$work/$1"; fail=1; }; }
lacks() { ! grep -Eq -- "$2" "$work/$1" || { echo "FAIL $1 has /$2/"; fail=1; }; }

# Goroutines that stay: every look sees them.
get "$url/debug/pprof/goroutine?debug=2" >"$work/base1.txt"
get "$url/spawn?n=40&linger=30s" >/dev/null
run stay check --base "$work/base1.txt" "$url" --retries 3
status stay 1
has stay.out '40 goroutines'
has stay.out 'main\.linger'
has stay.out '^looked at AFTER 4 times over [0-9.]+ s \(retried as goleak does\)$'
has stay.out '^check failed: '

# The same goroutines in a file: looked at once.
get "$url/debug/pprof/goroutine?debug=2" >"$work/after.txt"
run file check --base "$work/base1.txt" "$work/after.txt" --retries 3
status file 1
lacks file.out 'looked at AFTER'

# Goroutines that leave within the default retries (about 1.4 s of pauses,
# and a fetch for each look): the check passes on a later look.
get "$url/debug/pprof/goroutine?debug=2" >"$work/base2.txt"
get "$url/spawn?n=40&linger=1.5s" >/dev/null
rm -rf "$captures"
run leave check --base "$work/base2.txt" "$url" --retries 40
status leave 0
has leave.out '^looked at AFTER ([2-9]|[1-4][0-9]) times over [0-9.]+ s \(retried as goleak does\)$'
has leave.out '^check passed: '
# the first look's body and the last one's: the ones between are not kept
[ "$(ls "$captures" | wc -l)" = 2 ] || { echo "FAIL leave: kept $(ls "$captures" | wc -l) bodies, want 2"; ls "$captures"; fail=1; }
has leave.err 'saved .* \(look [0-9]+\)$'
exit $fail
