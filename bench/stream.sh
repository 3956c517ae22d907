#!/usr/bin/env bash
# bench/stream.sh — diagnose at incident scale (issue #17), side by side in
# one run:
#   incident  diagnose over 5 dumps of 100k goroutines and 20 heap profiles
#             of 50k stacks, against reading the same files one by one with
#             `gomemdx goroutines` and `gomemdx top`, and against
#             `go tool pprof -top` on each profile; diagnose on one thread
#             (GMX_THREADS=1) beside it, and --baseline BIN's diagnose
#   series    diagnose over 5, 50 and 200 heap profiles of one process (50k
#             stacks, 5 minutes apart): time per profile and peak RSS, so
#             growth with the number of profiles shows
# Inputs are generated once into bench/work/stream/ with the harness's
# generators (bench/README.md). Times are hyperfine medians after a warm-up
# (inputs in the page cache); peak RSS from /usr/bin/time -v. The machine's
# load is printed first: on a shared machine, read the ratios.
#   bench/stream.sh [--skip-build] [--runs N] [--baseline BIN] [--only incident|series]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/bench/work
dir=$work/stream
bin=$root/build/release/gomemdx
GO=${GO:-/opt/go-toolchains/go-1.22/usr/lib/go-1.22/bin/go}
runs=3 baseline= only= build=1
while [ $# -gt 0 ]; do
  case $1 in
    --skip-build) build= ;;
    --runs) runs=$2; shift ;;
    --baseline) baseline=$(realpath "$2"); shift ;;
    --only) only=$2; shift ;;
    *) echo "usage: bench/stream.sh [--skip-build] [--runs N] [--baseline BIN] [--only incident|series]" >&2; exit 2 ;;
  esac
  shift
done
export HOME=$work TMPDIR=$work GOCACHE=$work/gocache GOPATH=$work/gopath
mkdir -p "$work/bin" "$dir" "$work/results"
if [ -n "$build" ]; then
  cmake -S "$root" -B "$root/build/release" -DCMAKE_BUILD_TYPE=Release -DGMX_TESTS=OFF \
    -DGMX_WERROR=OFF >/dev/null
  cmake --build "$root/build/release" -j "$(nproc)" >/dev/null
fi
gen_g=$work/bin/gen_goroutines gen_h=$work/bin/gen_heap
if [ ! -x "$gen_g" ] || [ "$root/bench/gen/gen_goroutines.c" -nt "$gen_g" ]; then
  cc -O2 -std=c11 -Wall -o "$gen_g" "$root/bench/gen/gen_goroutines.c"
fi
if [ ! -x "$gen_h" ] || [ "$root/bench/gen/gen_heap/main.go" -nt "$gen_h" ]; then
  (cd "$root/bench/gen/gen_heap" && "$GO" build -o "$gen_h" .)
fi

inc=$dir/incident ser=$dir/series
if [ -z "$only" ] || [ "$only" = incident ]; then
  mkdir -p "$inc"
  for s in 1 2 3 4 5; do
    [ -f "$inc/dump-$s.txt" ] || "$gen_g" -n 100000 -s 300 --seed "$s" --go 1.27 -o "$inc/dump-$s.txt" 2>/dev/null
  done
  [ -f "$inc/heap-20.pb.gz" ] || "$gen_h" -samples 50000 -seed 1 -series 20 -o "$inc/heap-%02d.pb.gz" >/dev/null 2>&1
fi
if [ -z "$only" ] || [ "$only" = series ]; then
  mkdir -p "$ser"
  [ -f "$ser/heap-200.pb.gz" ] || "$gen_h" -samples 50000 -seed 1 -series 200 -o "$ser/heap-%03d.pb.gz" >/dev/null 2>&1
  for n in 5 50 200; do
    rm -rf "$dir/s$n" && mkdir -p "$dir/s$n"
    for k in $(seq 1 $n); do ln -s "$ser/$(printf heap-%03d.pb.gz $k)" "$dir/s$n/"; done
  done
fi

out=$work/results/stream${only:+-$only}.txt
exec > >(tee "$out") 2>&1
echo "stream bench $(date -u +%FT%TZ), $(nproc) CPUs, $(uptime | sed 's/.*load/load/')"
rss() { # rss CMD...: peak RSS in MiB and wall seconds of one run
  /usr/bin/time -v "$@" >/dev/null 2>"$work/stream.time" || { echo "failed: $*" >&2; exit 1; }
  awk -F': ' '/Maximum resident/ {r=$2} /Elapsed/ {e=$2} END {n=split(e,t,":"); s=t[n]+(n>1?t[n-1]*60:0); printf "%.0f %.2f\n", r/1024, s}' "$work/stream.time"
}
median() { # median NAME: hyperfine's median of command NAME in the last JSON
  jq -r --arg n "$1" '.results[] | select(.command == $n) | .median' "$work/stream.json"
}

if [ -z "$only" ] || [ "$only" = incident ]; then
  dumps=$(ls "$inc"/dump-*.txt) heaps=$(ls "$inc"/heap-*.pb.gz)
  one_by_one="for f in $(echo $dumps); do $bin goroutines \$f >/dev/null; done; for f in $(echo $heaps); do $bin top \$f >/dev/null; done"
  pprof_each="for f in $(echo $heaps); do $GO tool pprof -top \$f >/dev/null 2>&1; done"
  cmds=(-n diagnose "$bin diagnose $inc" -n diagnose-1-thread "GMX_THREADS=1 $bin diagnose $inc"
        -n one-by-one "$one_by_one" -n pprof-top-each "$pprof_each")
  [ -n "$baseline" ] && cmds+=(-n baseline-diagnose "$baseline diagnose $inc")
  echo
  echo "incident: $(du -shL "$inc" | cut -f1), 5 dumps of 100k goroutines + 20 heap profiles of 50k stacks"
  hyperfine --warmup 1 --runs "$runs" --style none --export-json "$work/stream.json" "${cmds[@]}" >/dev/null
  d=$(median diagnose)
  printf '%-22s %9s %8s %10s\n' command median ratio "peak RSS"
  for name in diagnose diagnose-1-thread one-by-one pprof-top-each baseline-diagnose; do
    m=$(median "$name")
    [ -n "$m" ] || continue
    case $name in
      diagnose) r=$(rss "$bin" diagnose "$inc") ;;
      diagnose-1-thread) r=$(GMX_THREADS=1 rss "$bin" diagnose "$inc") ;;
      baseline-diagnose) r=$(rss "$baseline" diagnose "$inc") ;;
      *) r="- -" ;;
    esac
    printf '%-22s %8.2fs %7.2fx %7s MiB\n' "$name" "$m" "$(echo "$m / $d" | bc -l)" "${r% *}"
  done
fi

if [ -z "$only" ] || [ "$only" = series ]; then
  echo
  echo "series: heap profiles of 50k stacks, one process 5 minutes apart"
  printf '%-9s %9s %12s %10s %9s\n' profiles time "per profile" "peak RSS" "RSS / 5"
  base=
  for n in 5 50 200; do
    r=$(rss "$bin" diagnose "$dir/s$n")
    mib=${r% *} wall=${r#* }
    base=${base:-$mib}
    printf '%-9s %8.2fs %11.3fs %6s MiB %8.2fx\n' "$n" "$wall" "$(echo "$wall / $n" | bc -l)" "$mib" \
      "$(echo "$mib / $base" | bc -l)"
  done
fi
