# transient_lib.sh — sourced by the tests of tests/live/transient: finds a Go
# toolchain (skips, exit 77, without one), builds the service with it and
# starts it on a free port of 127.0.0.1.
#   transient_build GO OUT       builds the service with toolchain GO
#   transient_start BIN          starts it; sets $url, $pid (stopped on exit)
#   get URL                      prints the body of URL
# Sets $work (a scratch folder, removed on exit), $go (the newest toolchain)
# and a hermetic $HOME and $XDG_DATA_HOME under $work.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
go=${GO:-}
[ -n "$go" ] || go=$(ls /opt/go-toolchains/go-1.*/usr/lib/go-*/bin/go 2>/dev/null | sort -V | tail -n 1)
[ -n "$go" ] || go=$(command -v go || true)
if [ -z "$go" ] || ! "$go" version >/dev/null 2>&1; then
  echo "skip: no Go toolchain (install one with ../shared/tools/install-go 1.27)"
  exit 77
fi
work=$(mktemp -d)
pids=
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOENV=off GO111MODULE=off
export GOCACHE=${GOCACHE:-/tmp/gomemdx-gocache}
export HOME=$work/home XDG_DATA_HOME=$work/data

transient_build() {
  "$1" build -o "$2" "$root/tests/live/transient/main.go" 2>"$work/build.log" ||
    { echo "build of transient with $1 failed"; cat "$work/build.log"; exit 1; }
}

transient_start() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  "$1" -addr "127.0.0.1:$port" >"$work/transient.log" 2>&1 &
  pid=$!
  pids="$pids $pid"
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  url=http://127.0.0.1:$port
}

get() { python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())' "$1"; }

fail=0
run() { # NAME ARGS...: runs $bin, keeps stdout/stderr/status
  local name=$1
  shift
  "$bin" "$@" >"$work/$name.out" 2>"$work/$name.err"
  echo $? >"$work/$name.status"
}
status() { [ "$(cat "$work/$1.status")" = "$2" ] || { echo "FAIL $1: exit $(cat "$work/$1.status"), want $2"; cat "$work/$1.err" "$work/$1.out"; fail=1; }; }
has() { grep -Eq -- "$2" "$work/$1" || { echo "FAIL $1 lacks /$2/"; cat "$work/$1"; fail=1; }; }
lacks() { ! grep -Eq -- "$2" "$work/$1" || { echo "FAIL $1 has /$2/"; fail=1; }; }
