#!/usr/bin/env bash
# bench/incident.sh — the diagnose speed target of the diagnose issue: an
# incident of 20 heap profiles and 5 full dumps of 100k goroutines, diagnosed
# whole (load, recognise, parse, analyse, render). Inputs are generated into
# bench/work/incident/ with the harness's generators (see bench/README.md)
# and reused; timing is hyperfine's median of 5 runs after a warm-up, so all
# inputs come from the page cache; peak RSS from /usr/bin/time -v.
#   bench/incident.sh [--skip-build]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/bench/work
dir=$work/incident
bin=$root/build/release/gomemdx
if [ "${1:-}" != --skip-build ]; then
  cmake -S "$root" -B "$root/build/release" -DCMAKE_BUILD_TYPE=Release -DGMX_TESTS=OFF \
    -DGMX_WERROR=OFF >/dev/null
  cmake --build "$root/build/release" -j "$(nproc)" >/dev/null
fi
gen_g=$work/bin/gen_goroutines gen_h=$work/bin/gen_heap
[ -x "$gen_g" ] && [ -x "$gen_h" ] || { echo "incident: build the generators first: bench/run.sh --quick" >&2; exit 2; }
mkdir -p "$dir"
for s in 1 2 3 4 5; do
  [ -f "$dir/dump-$s.txt" ] || "$gen_g" -n 100000 -s 300 --seed "$s" --go 1.27 -o "$dir/dump-$s.txt" 2>/dev/null
done
# A service's heap profile: a few thousand sampled stacks 32 deep; every
# other profile the same process later, with sites grown.
for i in $(seq -w 1 20); do
  grow=; [ $((10#$i % 2)) = 0 ] && grow=-grow
  [ -f "$dir/heap-$i.pb.gz" ] || "$gen_h" -samples 5000 -levels 32 -seed 1 $grow -o "$dir/heap-$i.pb.gz" >/dev/null 2>&1
done
echo "incident: $(du -sh "$dir" | cut -f1) in $(ls "$dir" | wc -l) files ($(nproc) CPUs)"
/usr/bin/time -v "$bin" diagnose "$dir" >/dev/null 2>"$work/incident.time.txt"
echo "peak RSS: $(awk -F': ' '/Maximum resident/ {printf "%.0f MiB", $2/1024}' "$work/incident.time.txt")"
hyperfine --warmup 1 --runs 5 --style basic "$bin diagnose $dir" 2>&1 | grep -E "Time|Range"
