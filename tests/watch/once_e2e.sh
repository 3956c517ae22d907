#!/usr/bin/env bash
# once_e2e.sh GOMEMDX FAULTSERVER — `gomemdx watch --once` as a health
# probe: a pasted .../debug/pprof/ URL is the service; a target that is down
# shows as down (not as zero goroutines); when every target is down the
# exit status is 2.
set -u
bin=$1 fs=$2
work=$(mktemp -d)
fspid=
cleanup() {
  [ -n "$fspid" ] && kill "$fspid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
. "$(dirname "$0")/faultserver_start.sh"
start_faultserver "$fs" "$work"
[ -n "$port" ] || { echo "fault server did not start"; exit 1; }
# A port nobody listens on: the fault server's, once it is closed again.
down=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
fail=0

"$bin" watch --once --store "$work/w.db" "http://127.0.0.1:$port/ok/debug/pprof/" \
  "http://127.0.0.1:$down" >"$work/out" 2>"$work/err"
rc=$?
[ "$rc" = 0 ] || { echo "FAIL: one target up, yet status $rc"; fail=1; }
grep -q "/ok/debug/pprof/ sample goroutines=[0-9]" "$work/out" ||
  { echo "FAIL: the pasted /debug/pprof/ URL was not sampled"; fail=1; }
"$bin" history --store "$work/w.db" | grep -qx "target [0-9]*  http://127.0.0.1:$port/ok" ||
  { echo "FAIL: the pasted URL was not read as the service http://127.0.0.1:$port/ok"; fail=1; }
grep -q "127.0.0.1:$down down " "$work/out" || { echo "FAIL: the down target is not shown down"; fail=1; }
grep -q "127.0.0.1:$down .*goroutines=" "$work/out" && { echo "FAIL: the down target shows numbers"; fail=1; }

"$bin" watch --once --store "$work/w.db" "http://127.0.0.1:$down" >"$work/out2" 2>"$work/err2"
rc=$?
[ "$rc" = 2 ] || { echo "FAIL: every target down, yet status $rc"; fail=1; }
grep -q "no target answered" "$work/err2" || { echo "FAIL: no line says nothing answered"; fail=1; }
[ "$fail" = 0 ] || { cat "$work/out" "$work/err" "$work/out2" "$work/err2"; }
exit $fail
