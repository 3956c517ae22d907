#!/usr/bin/env bash
# bench/core.sh [CORE BINARY] — `gomemdx core` side by side with Delve's `dlv core BINARY
# CORE` running its `goroutines` command, on a lab core (testdata/lab/core/capture.sh).
# hyperfine's mean of RUNS runs (default 10) after a warm-up (both read the page cache); peak RSS from
# /usr/bin/time -v. Delve needs the binary's line tables, which the committed fixtures
# (testdata/core) do not keep: pass a core and the full binary that produced it (keep
# /go/bin/SVC-VERSION of a capture.sh run). With no arguments gomemdx alone is timed on
# the Go 1.27 fixture. Then core_phases.c (built here against the release library) times
# each part on its own: opening, goroutines, heap walk, mark and retention, with the
# heap's rate in MB of heap in use a second.
# The issue's large core (1.7-1.9 GB, ~620 MiB of heap, 8.3 M objects) is made by
# gen/gen_bigcore.sh OUTDIR (root and gdb): bench/core.sh OUTDIR/core-1.22 OUTDIR/bigcore-1.22
#   needs: hyperfine, dlv (Debian package delve), xz, GNU time, cc
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${GOMEMDX:-$root/build/release/gomemdx}
[ -x "$bin" ] || { cmake -S "$root" -B "$root/build/release" -DCMAKE_BUILD_TYPE=Release -DGMX_TESTS=OFF \
                     -DGMX_WERROR=OFF >/dev/null && cmake --build "$root/build/release" -j 2 >/dev/null; }
work=$root/bench/work/core
mkdir -p "$work"
if [ $# -ge 2 ]; then
  core=$1 exe=$2
else
  core=$work/core exe=$work/notifier.bin
  fx=$root/testdata/core/go1.27/notifier
  [ -f "$core" ] || xz -dc "$fx/core.xz" >"$core"
  [ -f "$exe" ] || xz -dc "$fx/notifier.bin.xz" >"$exe"
fi
printf 'goroutines\nexit\n' >"$work/dlv-init"
dlv_cmd="dlv core '$exe' '$core' --check-go-version=false --allow-non-terminal-interactive=true --init '$work/dlv-init' </dev/null"
cmds=("'$bin' core '$core' '$exe'")
if command -v dlv >/dev/null && eval "$dlv_cmd" 2>&1 | grep -q '^\[[0-9]* goroutines\]'; then
  cmds+=("$dlv_cmd")
else
  echo "core: dlv cannot read this binary (no .debug_line?): timing gomemdx alone" >&2
fi
echo "core: $(stat -c %s "$core") bytes, binary $(stat -c %s "$exe") bytes"
"$bin" core "$core" "$exe" --json | jq -r '"gomemdx: \(.inputs[0].goroutines) goroutines, rank 1: \(.findings[0].title)"'
[ ${#cmds[@]} -gt 1 ] && eval "$dlv_cmd" 2>/dev/null | grep '^\[[0-9]* goroutines\]' | sed 's/^/dlv: /'
hyperfine --warmup 1 --runs "${RUNS:-10}" --style basic --export-markdown "$work/result.md" "${cmds[@]}"
for c in "${cmds[@]}"; do
  rss=$( { eval "/usr/bin/time -v $c" >/dev/null; } 2>&1 | sed -n 's/.*Maximum resident set size (kbytes): //p')
  echo "peak RSS ${rss} KiB: ${c%% *}"
done
phases=$work/core_phases
[ "$phases" -nt "$root/bench/core_phases.c" ] && [ "$phases" -nt "$root/build/release/src/libgomemdx.so" ] ||
  cc -O2 -std=c11 -I"$root/include" "$root/bench/core_phases.c" -L"$root/build/release/src" -lgomemdx \
     -Wl,-rpath,"$root/build/release/src" -o "$phases"
"$phases" "$core" "$exe"
