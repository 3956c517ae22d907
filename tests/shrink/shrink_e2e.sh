#!/usr/bin/env bash
# shrink_e2e.sh GOMEMDX SHIM — an input file cut short while gomemdx reads it
# (mapped, then truncated by the LD_PRELOAD shim) ends in one line naming the
# file and the offset, and exit status 2: never a SIGBUS.
set -u
bin=$1 shim=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() { # NAME CMD... — runs gomemdx CMD on $work/input, cut after mapping
  local name=$1; shift
  GMX_SHRINK_PATH="$work/input" LD_PRELOAD="$shim" \
    ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
    "$bin" "$@" >"$work/out" 2>"$work/err"
  local rc=$? want="gomemdx: $work/input: offset 4096: the file shrank while it was being read"
  if [ "$rc" != 2 ] || [ "$(cat "$work/err")" != "$want" ]; then
    echo "FAIL $name: exit $rc, stderr:"; head -c 600 "$work/err"; echo
    fail=1
  else
    echo "ok $name"
  fi
}
cp "$root/testdata/lab/captures/go1.27/quotes/goroutine-t3.debug2.txt" "$work/input"
check goroutines goroutines "$work/input"
cp "$root/testdata/lab/captures/go1.27/quotes/goroutine-t3.debug2.txt" "$work/input"
check diagnose diagnose "$work/input"
exit $fail
