#!/usr/bin/env bash
# dump_pieces_same.sh GOMEMDX — a dump of 16 MiB or more is parsed in pieces
# on several threads, each read in steps into a buffer of its own (pread
# from the file, or copied from memory when read from stdin): whatever the
# threads and however the bytes arrive, the report must be the same byte for
# byte, text and JSON.
set -u
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lab=$root/testdata/lab/captures
# ~20 MiB: a lab dump 200 times over (it starts with a goroutine header, so
# the parallel parser takes it).
for _ in $(seq 200); do cat "$lab/go1.27/quotes/goroutine-t3.debug2.txt"; done >"$work/big.txt"
[ "$(stat -c %s "$work/big.txt")" -ge $((16 << 20)) ] || { echo "FAIL big.txt is under 16 MiB"; exit 1; }
failed=0 runs=0
for fmt in "" --json; do
  runs=$((runs + 1))
  "$bin" goroutines $fmt --threads 1 "$work/big.txt" >"$work/one" 2>&1
  for how in "--threads 2 $work/big.txt" "--threads 4 $work/big.txt" "--threads 2 -"; do
    # stdin is named "-" where the file is named by its path
    "$bin" goroutines $fmt $how <"$work/big.txt" 2>&1 | sed "s#^-: #$work/big.txt: #; s#\"name\": \"-\"#\"name\": \"$work/big.txt\"#" >"$work/many"
    if ! cmp -s "$work/one" "$work/many"; then
      failed=$((failed + 1))
      echo "FAIL goroutines $fmt $how differs from --threads 1:"
      diff "$work/one" "$work/many" | head -20
    fi
  done
done
grep -q "goroutine" "$work/one" || { echo "FAIL nothing read"; failed=$((failed + 1)); }
echo "dump_pieces_same: $runs formats, $failed differences"
[ "$failed" = 0 ]
