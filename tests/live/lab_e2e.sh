#!/usr/bin/env bash
# lab_e2e.sh GOMEMDX — every command that reads a URL, against a real lab
# service on 127.0.0.1 (quotes: leaks a goroutine per timed-out lookup):
#   goroutines URL?debug=2 and the service's URL name the leak;
#   top/peek/list/check/convert/escape --profile read the live endpoints;
#   diagnose BASE --duration --interval -o DIR names the leak, and
#   diagnose DIR offline prints the same; a --header's value is nowhere;
#   a service that is down: exit 2 and one line within seconds.
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
pid= pid2=
cleanup() {
  for p in $pid $pid2; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOENV=off
export GOCACHE=${GOCACHE:-/tmp/gomemdx-gocache}
cp -r "$root/testdata/lab/services/quotes" "$work/quotes"
# The escape log comes with the build: -gcflags=-m writes it to stderr.
(cd "$work/quotes" && "$go" build -gcflags=-m -o "$work/quotes.bin" . 2>"$work/escape.log") ||
  { echo "build of quotes failed"; cat "$work/escape.log"; exit 1; }
# Hermetic: saved bodies go under the test's own folder.
export HOME=$work/home XDG_DATA_HOME=$work/data

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
port=$(free_port)
"$work/quotes.bin" -addr "127.0.0.1:$port" >"$work/quotes.log" 2>&1 &
pid=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
url=http://127.0.0.1:$port
sleep 3 # a few lookups time out and leak

fail=0
run() { # NAME ARGS...: runs gomemdx, keeps stdout/stderr/status
  local name=$1
  shift
  "$bin" "$@" >"$work/$name.out" 2>"$work/$name.err"
  echo $? >"$work/$name.status"
}
status() { [ "$(cat "$work/$1.status")" = "$2" ] || { echo "FAIL $1: exit $(cat "$work/$1.status"), want $2"; cat "$work/$1.err"; fail=1; }; }
has() { grep -Eq -- "$2" "$work/$1" || { echo "FAIL $1 lacks /$2/"; fail=1; }; }

leak='chan-send-blocked: [0-9]+ goroutines? blocked sending on a channel in main\.\(\*quoteService\)\.lookup'
run g2 goroutines "$url/debug/pprof/goroutine?debug=2"
status g2 0; has g2.out "$leak"; has g2.err "^gomemdx: saved $XDG_DATA_HOME/gomemdx/captures/127\.0\.0\.1_$port\.goroutine-debug2\.[0-9.-]+\.txt$"
run gbase goroutines "$url/debug/pprof/"
status gbase 0; has gbase.out "$leak"
run top top "$url/debug/pprof/heap"
status top 0; has top.out '^Type: inuse_space$'; has top.out '^      flat  flat%   sum%        cum   cum%$'
has top.err "127\.0\.0\.1_$port\.heap\.[0-9.-]+\.pb\.gz$"
run peek peek "$url" '.'
status peek 0; has peek.out '^Type: inuse_space$'
run list list "$url/debug/pprof/allocs" '.'
status list 0; has list.out '^ROUTINE =+ '
run check check --base "$url" "$url/debug/pprof/goroutine?debug=2"
[ "$(cat "$work/check.status")" = 2 ] && { echo "FAIL check: exit 2"; cat "$work/check.err"; fail=1; }
run convert convert "$url" -o "$work/g.pb.gz"
status convert 0; [ "$(head -c 2 "$work/g.pb.gz" | od -An -tx1 | tr -d ' ')" = 1f8b ] || { echo "FAIL convert: not gzip"; fail=1; }
run escape escape "$work/escape.log" --profile "$url"
status escape 0; has escape.err "127\.0\.0\.1_$port\.allocs\.[0-9.-]+\.pb\.gz$"

# diagnose URL: a short series, the same findings offline, no token anywhere.
secret=sEcReT-t0ken-4711
run live diagnose "$url" --duration 6s --interval 2s -o "$work/incident" -H "Authorization: Bearer $secret"
status live 0; has live.out "$leak"; has live.out 'site: +main\.\(\*quoteService\)\.lookup'
has live.err "^gomemdx: saved in $work/incident "
n=$(ls -d "$work/incident/127.0.0.1_$port"/capture-[0-9]* 2>/dev/null | wc -l); [ "$n" = 3 ] || { echo "FAIL: $n captures, not 3"; ls -R "$work/incident"; fail=1; }
has "incident/127.0.0.1_$port/capture-times.tsv" '^[0-9]{19}	capture-01/goroutine\.debug2\.txt$'
grep -q 'capture 1/' "$work/live.err" && { echo "FAIL: a progress line on a pipe"; fail=1; }
run offline diagnose "$work/incident"
status offline 0
cmp -s "$work/live.out" "$work/offline.out" || { echo "FAIL: diagnose DIR differs from diagnose URL"; diff "$work/live.out" "$work/offline.out" | head -20; fail=1; }
run offjson diagnose "$work/incident" --json
has offjson.out '"time_source": "capture"'
if grep -rq -- "$secret" "$work"/*.out "$work"/*.err "$work/incident" "$work/data"; then echo "FAIL: the header's value was shown or saved"; fail=1; fi

# Replicas: captured at once, each diagnosed, then compared.
port2=$(free_port)
"$work/quotes.bin" -addr "127.0.0.1:$port2" >"$work/quotes2.log" 2>&1 &
pid2=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port2") 2>/dev/null && break; sleep 0.1; done
sleep 2
run replicas diagnose "$url" "http://127.0.0.1:$port2/debug/pprof/" --duration 2s --interval 1s -o "$work/replicas"
kill "$pid2"; wait "$pid2" 2>/dev/null; pid2=
status replicas 0
has replicas.out "^== $url \\($work/replicas/127\\.0\\.0\\.1_$port\\)$"
has replicas.out "^== The services compared$"
has replicas.out "^  http://127\\.0\\.0\\.1:$port2/debug/pprof/: #1 [a-z]+ chan-send-blocked"

# A service that is down: exit 2, one line, within seconds.
kill "$pid"; wait "$pid" 2>/dev/null; pid=
for cmd in goroutines diagnose; do
  t0=$(date +%s%N)
  run "down-$cmd" "$cmd" "$url"
  ms=$((($(date +%s%N) - t0) / 1000000))
  status "down-$cmd" 2
  [ "$(wc -l <"$work/down-$cmd.err")" = 1 ] || { echo "FAIL down-$cmd: not one line"; cat "$work/down-$cmd.err"; fail=1; }
  has "down-$cmd.err" "127\.0\.0\.1:$port.*down"
  [ "$ms" -lt 5000 ] || { echo "FAIL down-$cmd: $ms ms"; fail=1; }
  echo "down $cmd: exit 2 in $ms ms"
done
[ $fail = 0 ] && grep -E '^#1 ' "$work/live.out"
exit $fail
