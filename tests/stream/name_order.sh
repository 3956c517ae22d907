#!/usr/bin/env bash
# name_order.sh GOMEMDX — dumps without a time of their own are ordered by
# their names in natural order (dump-9 before dump-10), never by the order
# a folder lists them; diagnose says so. A lab series named dump-8, dump-9,
# dump-10 reads as the same series named dump-08, dump-09, dump-10.
set -u
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lab=$root/testdata/lab/captures/go1.27/billing
mkdir -p "$work/natural" "$work/padded"
n=8
for t in 1 2 3; do
  cp "$lab/goroutine-t$t.debug2.txt" "$work/natural/dump-$n.txt"
  cp "$lab/goroutine-t$t.debug2.txt" "$work/padded/dump-$(printf %02d $n).txt"
  n=$((n + 1))
done
# Copies written in one go: their file times say nothing.
touch -d '2026-01-01 00:00:00' "$work"/natural/* "$work"/padded/*
failed=0
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
(cd "$work" && "$bin" diagnose natural) >"$work/natural.txt" 2>&1
(cd "$work" && "$bin" diagnose padded) >"$work/padded.txt" 2>&1
listed=$(grep -o 'natural/dump-[0-9]*' "$work/natural.txt" | tr '\n' ' ')
[ "$listed" = "natural/dump-8 natural/dump-9 natural/dump-10 " ] || fail "inventory order: $listed"
grep -q '^  order: 3 without a time: by name in natural order (dump-9 before dump-10)$' \
  "$work/natural.txt" || fail "no order line: $(grep order: "$work/natural.txt")"
sed 's#padded/dump-0#padded/dump-#g; s#padded/#natural/#g' "$work/padded.txt" >"$work/padded-renamed.txt"
cmp -s "$work/natural.txt" "$work/padded-renamed.txt" ||
  { fail "dump-8..10 read unlike dump-08..10:"; diff "$work/padded-renamed.txt" "$work/natural.txt" | head -20; }
grep -q '^#1 ' "$work/natural.txt" || fail "no finding on the lab series"
"$bin" diagnose "$work/natural" --json | grep -q '"by": "name"' || fail 'JSON order is not "by": "name"'
echo "name_order: $failed failed"
[ "$failed" = 0 ]
