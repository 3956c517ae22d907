#!/usr/bin/env bash
# lab_e2e.sh GOMEMDX — gomemdx watch against real lab services on 127.0.0.1:
# quotes (leaks a goroutine per timed-out lookup) and a healthy one
# (gateway). The leaking one must trigger a capture whose rank-1 finding
# is chan-send-blocked in quoteService.lookup; the healthy one nothing.
# Needs a Go toolchain ($GO, /opt/go-toolchains/go-1.27, or go on PATH);
# without one it skips (exit 77): ../shared/tools/install-go 1.27 installs it.
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
healthy=gateway
[ -d "$root/testdata/lab/services/$healthy" ] || healthy=inbox
[ -d "$root/testdata/lab/services/$healthy" ] || { echo "skip: no healthy lab service in this tree"; exit 77; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOENV=off
export GOCACHE=${GOCACHE:-/tmp/gomemdx-gocache} HOME=${HOME:-/tmp}
for s in quotes "$healthy"; do
  cp -r "$root/testdata/lab/services/$s" "$work/$s"
  (cd "$work/$s" && "$go" build -o "$work/$s.bin" .) || { echo "build of $s failed"; exit 1; }
done

free_port() { # a port of 127.0.0.1 nothing answers on
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  return 1
}
start() { # SVC -> sets PORT
  PORT=$(free_port) || { echo "no free port"; exit 1; }
  "$work/$1.bin" -addr "127.0.0.1:$PORT" >"$work/$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return; sleep 0.1; done
  echo "$1 did not start"; cat "$work/$1.log"; exit 1
}
start quotes; leak=$PORT
start "$healthy"; ok=$PORT

cat >"$work/rules" <<'RULES'
goroutines min=40 abs=0 diff=0 trend=30% window=8
heap min=1GiB
cooldown 10m
RULES
"$bin" watch "http://127.0.0.1:$leak" "http://127.0.0.1:$ok" --interval 1s --duration 40s \
  --store "$work/w.db" --rules "$work/rules" >"$work/watch.out" 2>&1
status=$?
"$bin" history --store "$work/w.db" >"$work/history.out" 2>&1
fail=0
check() { grep -q -- "$2" "$work/$1" || { echo "FAIL: $1 lacks: $2"; fail=1; }; }
[ $status = 0 ] || { echo "FAIL: watch exited $status"; fail=1; }
check watch.out "http://127.0.0.1:$leak capture 1: #1 [a-z]* chan-send-blocked: .* main.(\*quoteService).lookup"
check watch.out "site: main.(\*quoteService).lookup  /.*/main.go:60"
check history.out "http://127.0.0.1:$ok\$"
n_ok=$(grep -A1 "http://127.0.0.1:$ok\$" "$work/history.out" | sed -n 's/.*captures \([0-9]*\).*/\1/p')
[ "$n_ok" = 0 ] || { echo "FAIL: the healthy $healthy was captured ($n_ok)"; fail=1; }
if grep -q "http://127.0.0.1:$ok .*trigger" "$work/watch.out"; then echo "FAIL: $healthy triggered"; fail=1; fi
if [ $fail != 0 ]; then echo "--- watch output"; cat "$work/watch.out"; echo "--- history"; cat "$work/history.out"; fi
grep -E "trigger|capture" "$work/watch.out"
exit $fail
