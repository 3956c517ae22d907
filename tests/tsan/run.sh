#!/usr/bin/env bash
# run.sh GOMEMDX — the commands that run threads, built with ThreadSanitizer,
# over the lab: `top --base` (the profile and its base decoded at once, the
# merged total beside the graph), diagnose of folders (files read in
# parallel, merged in order), and a dump large enough to be parsed by several threads. Any
# report fails the run.
set -u
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root/testdata/lab/captures" || exit 2
export TSAN_OPTIONS="halt_on_error=1 exitcode=66"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runs=0 failed=0
run() { # run ARGS...: fails on a TSan report (exit 66) or a crash
  runs=$((runs + 1))
  "$bin" "$@" >/dev/null 2>"$work/err"
  local rc=$?
  if [ "$rc" -eq 66 ] || [ "$rc" -gt 128 ]; then
    failed=$((failed + 1))
    echo "TSAN gomemdx $* (exit $rc)"
    head -n 40 "$work/err"
  fi
}
while read -r f; do
  run top --base "${f%-t[23].pb.gz}-t1.pb.gz" "$f"
done < <(find . -name '*-t[23].pb.gz' | sort | awk 'NR % 4 == 1')
for d in go1.27/quotes go1.22/billing go1.27/promo go1.19/ledger; do
  run diagnose "$d"
done
run diagnose "$root/examples/incident" --events "$root/examples/incident/events.csv"
# A series longer than the bundle keeps (heap snapshots let go while others
# are read), on more threads than CPUs.
mkdir -p "$work/series"
for i in $(seq 12); do
  for t in 1 2 3; do cp go1.27/presence/heap-t$t.pb.gz "$work/series/heap-$i-t$t.pb.gz"; done
done
cp go1.27/presence/goroutine-t?.debug2.txt go1.27/quotes/escape-m.txt "$work/series/"
GMX_THREADS=4 run diagnose "$work/series"
# Enough goroutines (20 copies of a lab dump) for the parallel parser.
for _ in $(seq 20); do cat go1.27/quotes/goroutine-t3.debug2.txt; done >"$work/big.txt"
run goroutines "$work/big.txt"
echo "tsan: $((runs - failed)) of $runs runs clean"
[ "$failed" = 0 ]
