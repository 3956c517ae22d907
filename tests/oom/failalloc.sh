#!/usr/bin/env bash
# failalloc.sh FAILALLOC_BIN SRC — allocation failures across whole runs of
# the CLI (SQLite's way): for each command below, count its allocations,
# then fail the Nth one alone for every N up to 40 and for 40 more spread
# over the rest. A run whose failure fired must end with exit status 3 and
# say "out of memory"; none may die of a signal; one whose failure did not
# fire must end as the plain run does.
#
# Not every failure ends in exit 3 yet: some are absorbed (a file skipped,
# exit 0) and some lose the cause on the way. tests/oom/CEILING holds how
# many of each this run may see; it may only come down.
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
  "list main\\. $lab/go1.22/billing/heap-t3.pb.gz"
  "diagnose $lab/go1.22/billing"
  "escape $lab/go1.27/pricefeed/escape-mm.txt"
  "convert $lab/go1.22/billing/goroutine-t3.debug2.txt -o $scratch/out.pb.gz"
)
fail=0 runs=0 fired=0 absorbed=0 unnamed=0
for cmd in "${commands[@]}"; do
  read -ra argv <<<"$cmd"
  plain_status=0
  GMX_FAIL_ALLOC=count "$bin" "${argv[@]}" >/dev/null 2>"$scratch/err" || plain_status=$?
  total=$(sed -n 's/^failalloc: allocations //p' "$scratch/err")
  [ -n "$total" ] || { echo "failalloc: $cmd: no allocation count"; fail=1; continue; }
  ns=$(seq 1 $((total < 40 ? total : 40)))
  [ "$total" -gt 40 ] && ns="$ns $(seq 41 $(( (total - 41) / 40 + 1 )) "$total")"
  for n in $ns; do
    status=0
    GMX_FAIL_ALLOC=$n "$bin" "${argv[@]}" >/dev/null 2>"$scratch/err" || status=$?
    runs=$((runs + 1))
    if [ "$status" -ge 128 ]; then
      echo "failalloc: '$cmd' with allocation $n failing died of signal $((status - 128))"; fail=1
    elif grep -q '^failalloc: fired' "$scratch/err"; then
      fired=$((fired + 1))
      if [ "$status" = 0 ]; then
        absorbed=$((absorbed + 1))
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
echo "failalloc: $runs runs, $fired with a failure fired: $absorbed absorbed (exit 0), $unnamed exit 3 without saying out of memory"
read -r max_absorbed max_unnamed < <(grep -v '^#' "$src/tests/oom/CEILING")
if [ "$absorbed" -gt "$max_absorbed" ] || [ "$unnamed" -gt "$max_unnamed" ]; then
  echo "failalloc: more than tests/oom/CEILING allows ($max_absorbed absorbed, $max_unnamed unnamed)"; fail=1
fi
exit $fail
