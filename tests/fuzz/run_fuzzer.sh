#!/usr/bin/env bash
# run_fuzzer.sh FUZZER CORPUS SECONDS — fuzzes for SECONDS on a scratch copy
# of CORPUS (the committed corpus is never written), keeping any crash input
# in the build folder and printing where it is.
set -uo pipefail
fuzzer=$1 corpus=$2 seconds=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"
cp -r "$corpus"/. "$work/corpus/" || exit 2
artifacts="$(dirname "$fuzzer")/fuzz-artifacts/$(basename "$fuzzer")/"
mkdir -p "$artifacts" || exit 2
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -timeout=10 \
  -artifact_prefix="$artifacts" -print_final_stats=1 "$work/corpus" >"$work/log" 2>&1
status=$?
# The sanitizer's report first, then libFuzzer's summary.
grep -E -A12 'ERROR: |runtime error:' "$work/log" | head -n 40
tail -n 12 "$work/log"
if [ "$status" -ne 0 ]; then
  echo "fuzzer found a failure; input kept in $artifacts — add it to $corpus as a regression" >&2
fi
exit "$status"
