#!/usr/bin/env bash
# threads_same.sh GOMEMDX — diagnose reads an incident's files in parallel
# and merges what they say in the order they were found: its output must be
# the same byte for byte whether the files are read one after the other
# (GMX_THREADS=1) or at once, text and JSON, on the demo incident, lab
# folders, and a series long enough that the bundle keeps only some heap
# snapshots' sites.
set -u
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
lab=$root/testdata/lab/captures
# 12 copies of each of a lab process's three heap profiles (debug=1 text,
# which carries no time: capture-times.tsv times them a minute apart), and
# its dumps.
series=$work/series
mkdir -p "$series"
echo '# capture times' >"$series/capture-times.tsv"
k=0
for t in 1 2 3; do
  for i in $(seq 12); do
    k=$((k + 1))
    cp "$lab/go1.27/presence/heap-t$t.debug1.txt" "$series/heap-$k.txt"
    printf '%d\theap-%d.txt\n' $((1764000000 + k * 60))000000000 $k >>"$series/capture-times.tsv"
  done
done
cp "$lab"/go1.27/presence/goroutine-t?.debug2.txt "$series/"
failed=0 runs=0
same() { # same ARGS...: GMX_THREADS=1, 2 and 4 print the same
  runs=$((runs + 1))
  GMX_THREADS=1 "$bin" diagnose "$@" >"$work/one" 2>&1
  local rc1=$? n
  for n in 2 4; do
    GMX_THREADS=$n "$bin" diagnose "$@" >"$work/many" 2>&1
    if [ $? != $rc1 ] || ! cmp -s "$work/one" "$work/many"; then
      failed=$((failed + 1))
      echo "FAIL diagnose $* differs with GMX_THREADS=1 and $n:"
      diff "$work/one" "$work/many" | head -20
      return
    fi
  done
}
same "$root/examples/incident" --events "$root/examples/incident/events.csv"
same "$root/examples/incident" --json
for d in go1.27/quotes go1.22/billing go1.19/ledger; do
  same "$lab/$d"
  same "$lab/$d" --json
done
same "$series"
same "$series" --json
"$bin" diagnose "$series" | grep -q '(36 points)' || { echo "FAIL the 36-profile series was not read"; failed=$((failed + 1)); }
echo "threads_same: $((runs - failed)) of $runs the same"
[ "$failed" = 0 ]
