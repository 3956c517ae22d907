#!/usr/bin/env bash
# failalloc.sh FAILALLOC_BIN SRC — allocation failures across whole runs of
# the CLI (SQLite's way): for each command below, count its allocations,
# then fail the Nth one alone for every N up to 40 and for 40 more spread
# over the rest (GMX_FAIL_EVERY=1: every N, a few minutes). A run whose
# failure fired must end with exit status 3 and say "out of memory"; none
# may die of a signal; one whose failure did not fire must end as the
# plain run does.
#
# A failure may also be tolerated: an allocation that only saves time (a
# size hint, a shrink) fails and the run ends as the plain run does, with
# the same output. One that ends in exit 0 with a different output was
# absorbed: something was silently lost. tests/oom/CEILING holds how many
# absorbed failures, and exit-3 ones that lose the cause, this run may
# see; it may only come down.
set -u
export GMX_THREADS=1   # one order of allocations, so the same N fails the same one
bin=$1 src=$2
cd "$src" || exit 2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
lab=testdata/lab/captures
commands=(
  "goroutines $lab/go1.22/billing/goroutine-t3.debug2.txt"
  "goroutines $lab/go1.27/quotes/goroutine-t3.pb.gz --json"
  "top $lab/go1.22/billing/heap-t3.pb.gz"
  "list $lab/go1.22/billing/heap-t3.pb.gz runtime[.]newproc"
  "diagnose $lab/go1.22/billing"
  "escape $lab/go1.27/pricefeed/escape-mm.txt"
  "convert $lab/go1.22/billing/goroutine-t3.debug2.txt -o $scratch/out.pb.gz"
)
fail=0 runs=0 fired=0 absorbed=0 unnamed=0 tolerated=0
# What a run printed, and the file convert -o wrote, for comparison.
output() { cat "$scratch/out"; [ -f "$scratch/out.pb.gz" ] && cat "$scratch/out.pb.gz"; rm -f "$scratch/out.pb.gz"; }
for cmd in "${commands[@]}"; do
  read -ra argv <<<"$cmd"
  plain_status=0
  GMX_FAIL_ALLOC=count "$bin" "${argv[@]}" >"$scratch/out" 2>"$scratch/err" || plain_status=$?
  output >"$scratch/plain"
  total=$(sed -n 's/^failalloc: allocations //p' "$scratch/err")
  [ -n "$total" ] || { echo "failalloc: $cmd: no allocation count"; fail=1; continue; }
  ns=$(seq 1 $((total < 40 ? total : 40)))
  [ "$total" -gt 40 ] && ns="$ns $(seq 41 $(( (total - 41) / 40 + 1 )) "$total")"
  [ -n "${GMX_FAIL_EVERY:-}" ] && ns=$(seq 1 "$total")   # every allocation, by hand
  for n in $ns; do
    status=0
    GMX_FAIL_ALLOC=$n "$bin" "${argv[@]}" >"$scratch/out" 2>"$scratch/err" || status=$?
    runs=$((runs + 1))
    output >"$scratch/got"
    if [ "$status" -ge 128 ]; then
      echo "failalloc: '$cmd' with allocation $n failing died of signal $((status - 128))"; fail=1
    elif grep -q '^failalloc: fired' "$scratch/err"; then
      fired=$((fired + 1))
      if [ "$status" = 0 ] && cmp -s "$scratch/plain" "$scratch/got"; then
        tolerated=$((tolerated + 1))
      elif [ "$status" = 0 ]; then
        absorbed=$((absorbed + 1))
        [ -n "${GMX_VERBOSE:-}" ] && echo "failalloc: '$cmd' #$n absorbed: $(diff "$scratch/plain" "$scratch/got" | grep '^>' | head -1)"
      elif [ "$status" != 3 ]; then
        echo "failalloc: '$cmd' with allocation $n failing: exit $status, not 3"; fail=1
      elif ! grep -q 'out of memory' "$scratch/err"; then
        unnamed=$((unnamed + 1))
        [ -n "${GMX_VERBOSE:-}" ] && echo "failalloc: '$cmd' #$n: $(grep -v '^failalloc:' "$scratch/err" | head -1)"
      fi
    elif [ "$status" != "$plain_status" ]; then
      echo "failalloc: '$cmd': exit $status with no failure fired (plain run: $plain_status)"; fail=1
    fi
  done
  echo "failalloc: '$cmd': $total allocations"
done
echo "failalloc: $runs runs, $fired with a failure fired: $tolerated tolerated (same output), $absorbed absorbed (exit 0, output changed), $unnamed exit 3 without saying out of memory"
read -r max_absorbed max_unnamed < <(grep -v '^#' "$src/tests/oom/CEILING")
if [ "$absorbed" -gt "$max_absorbed" ] || [ "$unnamed" -gt "$max_unnamed" ]; then
  echo "failalloc: more than tests/oom/CEILING allows ($max_absorbed absorbed, $max_unnamed unnamed)"; fail=1
fi
exit $fail
