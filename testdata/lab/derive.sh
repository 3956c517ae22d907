#!/usr/bin/env bash
# derive.sh [GO] — profiles derived from the lab's captures for what
# runtime/pprof never writes: drop_frames and keep_frames (set by pprof's
# legacy parsers and by C++ profilers, applied by every pprof report). Each
# is a captured profile with the two fields appended by tools/setframes;
# nothing else changes. Writes captures/derived/; GO defaults to the newest
# /opt/go-toolchains toolchain.
set -eu
lab=$(cd "$(dirname "$0")" && pwd)
go=${1:-$(ls -d /opt/go-toolchains/*/usr/lib/go-*/bin/go 2>/dev/null | sort -V | tail -n 1)}
[ -n "$go" ] || { echo "derive.sh: no Go toolchain found" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$lab/tools/setframes" &&
  env HOME="$tmp" GOCACHE="$tmp/cache" GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod \
    "$go" build -o "$tmp/setframes" .)
in=$lab/captures/go1.27
out=$lab/captures/derived
mkdir -p "$out"
# A heap profile: the runtime's frames dropped (its entry points kept), and
# a function inlined into its caller, so the caller's location loses a line.
"$tmp/setframes" -drop 'runtime\..*|main\.eligibleSet' -keep 'runtime\.main|runtime\.goexit' \
  "$in/promo/heap-t3.pb.gz" "$out/promo-heap-dropframes-t3.pb.gz"
"$tmp/setframes" -drop 'runtime\..*|main\.eligibleSet' -keep 'runtime\.main|runtime\.goexit' \
  "$in/promo/heap-t1.pb.gz" "$out/promo-heap-dropframes-t1.pb.gz"
# A goroutine profile: the parking frames dropped, no keep.
"$tmp/setframes" -drop 'runtime\.gopark|runtime\.chansend1?|runtime\.selectgo' \
  "$in/quotes/goroutine-t3.pb.gz" "$out/quotes-goroutine-dropframes.pb.gz"
# keep_frames saves a frame drop_frames matches: the send stays, the
# runtime beneath it goes.
"$tmp/setframes" -drop 'runtime\..*' -keep 'runtime\.chansend1' \
  "$in/quotes/goroutine-t3.pb.gz" "$out/quotes-goroutine-keepframes.pb.gz"
# Method names are cut at their first '(' before matching (pprof's
# simplifyFunc): 'main\.' drops every method of package main.
"$tmp/setframes" -drop 'main\.|net/http\..*' \
  "$in/checkout/allocs-t2.pb.gz" "$out/checkout-allocs-dropframes.pb.gz"
# panicparse's report of a goroutine dump (Debian's panicparse 2.3.0;
# upstream calls it pp): the same capture in the form people paste it.
if command -v panicparse >/dev/null; then
  panicparse -no-color "$in/quotes/goroutine-t3.debug2.txt" >"$out/quotes-goroutine-t3.panicparse.txt"
fi
echo "derived $(ls "$out" | wc -l) profiles into ${out#$lab/}"
