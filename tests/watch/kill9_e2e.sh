#!/usr/bin/env bash
# kill9_e2e.sh GOMEMDX FAULTSERVER — `kill -9` of a running `gomemdx watch`
# loses no sample it reported stored (it prints a sample only after the
# store committed it), and a restart resumes the same target.
set -u
bin=$1 fs=$2
work=$(mktemp -d)
fspid= wpid=
cleanup() {
  [ -n "$wpid" ] && kill -9 "$wpid" 2>/dev/null
  [ -n "$fspid" ] && kill "$fspid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
. "$(dirname "$0")/faultserver_start.sh"
start_faultserver "$fs" "$work"
[ -n "$port" ] || { echo "fault server did not start"; exit 1; }
url="http://127.0.0.1:$port/ok"

"$bin" watch "$url" --interval 250ms --store "$work/w.db" >"$work/out" 2>&1 &
wpid=$!
sleep 2.6
kill -9 "$wpid"
wait "$wpid" 2>/dev/null
wpid=
printed=$(grep -c ' sample ' "$work/out")
stored=$("$bin" history --store "$work/w.db" | sed -n 's/^  samples \([0-9]*\) .*/\1/p' | head -n 1)
echo "printed $printed samples before kill -9; the store holds ${stored:-none}"
[ "$printed" -ge 3 ] || { echo "FAIL: too few samples printed"; cat "$work/out"; exit 1; }
[ -n "$stored" ] && [ "$stored" -ge "$printed" ] || { echo "FAIL: a reported sample was lost"; exit 1; }

"$bin" watch "$url" --interval 250ms --duration 1s --store "$work/w.db" >"$work/out2" 2>&1 || {
  echo "FAIL: the restarted watch failed"; cat "$work/out2"; exit 1; }
targets=$("$bin" history --store "$work/w.db" | grep -c '^target ')
after=$("$bin" history --store "$work/w.db" | sed -n 's/^  samples \([0-9]*\) .*/\1/p' | head -n 1)
echo "after the restart: $targets target, $after samples"
[ "$targets" = 1 ] && [ "$after" -gt "$stored" ] || { echo "FAIL: the restart did not resume the target"; exit 1; }
echo "ok"
