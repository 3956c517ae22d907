#!/usr/bin/env bash
# rawpcs_e2e.sh GOMEMDX WORKDIR VERSION — heap profiles written without
# function names (testdata/rawpcs/goVERSION, from the lab's rawpcs program:
# pprof's legacy text with raw pcs, and go tool pprof -proto -symbolize=none
# of it) named from the executable with --binary, checked against the
# symbolised profile runtime/pprof wrote at the same GC cycle:
#   top --binary of the protobuf and of the text: the reference's rows;
#     without --binary, one line saying --binary names them;
#   diagnose, unsymbolised pair with --binary, and the text pair beside its
#     executable: the reference pair's findings, site by site (category,
#     site, in-use bytes, growth, share, objects; not the rates: the
#     unnamed profiles carry no time);
#   goroutines of the unsymbolised goroutine profile and of its debug=1
#     text without "#" lines, with --binary: the reference's findings
#     (category, site, goroutines); without, the line; diagnose of the text
#     beside its executable: the same finding;
#   --binary of another Go version's build: said, nothing named.
set -u
bin=$1 work=$2/rawpcs-$3 v=$3
src=$(cd "$(dirname "$0")/../../testdata/rawpcs" && pwd)
fix=$src/go$v
fail=0
bad() { echo "FAIL: $*"; fail=1; }
rm -rf "$work" && mkdir -p "$work/text"
xz -dc "$fix/reportcache.bin.xz" >"$work/reportcache" || exit 1
chmod +x "$work/reportcache"
other=$(ls -d "$src"/go1.* | grep -v "go$v\$" | head -n 1)
xz -dc "$other/reportcache.bin.xz" >"$work/other" || exit 1

# top: the reference's rows, to the character, but for runtime.goexit
# (runtime/pprof leaves it out; the text keeps it, and so does pprof) and
# "(inline)" (a pc per logical frame names one function each)
rows() { sed -n '/^ *flat /,$p' | grep -v ' runtime\.goexit$' | sed 's/ (inline)$//'; }
"$bin" top "$fix/heap-2.pb.gz" >"$work/ref.out" || bad "top reference: exit $?"
grep -q ' main\.renderReport' "$work/ref.out" || bad "top reference names no main.renderReport"
for f in heap-unsym-2.pb.gz heap-legacy-2.txt; do
  "$bin" top "$fix/$f" --binary "$work/reportcache" >"$work/top-$f.out" 2>"$work/top-$f.err" ||
    bad "top $f --binary: exit $?"
  [ "$(rows <"$work/top-$f.out")" = "$(rows <"$work/ref.out")" ] ||
    bad "top $f --binary differs from the reference: $(diff <(rows <"$work/top-$f.out") <(rows <"$work/ref.out"))"
  grep -Eq "$f: ([0-9]+) of \\1 addresses named from the binary\$" "$work/top-$f.err" ||
    bad "top $f --binary does not say it named every address: $(cat "$work/top-$f.err")"
done
"$bin" top "$fix/heap-unsym-2.pb.gz" >"$work/plain.out" 2>"$work/plain.err" || bad "top: exit $?"
grep -q 'no function names for [0-9]* addresses: --binary BIN (the executable) names them$' \
  "$work/plain.err" || bad "top without --binary does not say --binary names them"
grep -q 'main\.' "$work/plain.out" && bad "top without --binary names main.* functions"
"$bin" top "$fix/heap-unsym-2.pb.gz" --binary "$work/other" >"$work/other.out" 2>"$work/other.err"
grep -q 'the binary is another build' "$work/other.err" || bad "top: another build not said"
grep -q 'main\.' "$work/other.out" && bad "top names functions from another build"

# diagnose: the reference's findings, site by site
facts='[.findings[] | {category, site, e: (.evidence | {inuse_bytes_first, inuse_bytes_last,
  growth_bytes, share_of_growth, inuse_objects_last, largest_object_bytes,
  user: [.stack[]? | select(.user) | .function]})}]'
"$bin" diagnose "$fix/heap-1.pb.gz" "$fix/heap-2.pb.gz" --json | jq -S "$facts" >"$work/ref.json"
grep -q '"function": "main.renderReport"' "$work/ref.json" || bad "reference finds no main.renderReport"
"$bin" diagnose "$fix/heap-unsym-1.pb.gz" "$fix/heap-unsym-2.pb.gz" --binary "$work/reportcache" \
  --json | jq -S "$facts" >"$work/unsym.json"
diff "$work/ref.json" "$work/unsym.json" >/dev/null ||
  bad "diagnose of heap-unsym --binary differs: $(diff "$work/ref.json" "$work/unsym.json")"
cp "$fix/heap-legacy-1.txt" "$fix/heap-legacy-2.txt" "$work/reportcache" "$work/text/"
"$bin" diagnose "$work/text" --json | jq -S "$facts" >"$work/text.json"
diff "$work/ref.json" "$work/text.json" >/dev/null ||
  bad "diagnose of the legacy text beside its binary differs: $(diff "$work/ref.json" "$work/text.json")"
"$bin" diagnose "$work/text" >"$work/text.out"
grep -Eq '^ +([0-9]+) of \1 addresses named from the binary$' "$work/text.out" ||
  bad "diagnose does not say the binary named the text's addresses"
grep -q 'the executable the profiles came from' "$work/text.out" ||
  bad "diagnose does not say what the executable was used for"
"$bin" diagnose "$fix/heap-legacy-1.txt" "$fix/heap-legacy-2.txt" >"$work/nobin.out"
grep -q 'no function names for [0-9]* addresses: --binary BIN (the executable) names them$' \
  "$work/nobin.out" || bad "diagnose without --binary does not say --binary names them"
grep -q 'main\.renderReport' "$work/nobin.out" && bad "diagnose names main.renderReport without --binary"
"$bin" diagnose "$fix/heap-legacy-1.txt" "$fix/heap-legacy-2.txt" --binary "$work/other" \
  >"$work/otherdiag.out"
grep -q 'the binary is another build' "$work/otherdiag.out" || bad "diagnose: another build not said"
grep -q 'main\.' "$work/otherdiag.out" && bad "diagnose names functions from another build"
# goroutines: the reference's findings
gfacts='[.findings[] | {category, site, goroutines}]'
"$bin" goroutines "$fix/goroutine.pb.gz" --json | jq -S "$gfacts" >"$work/gref.json"
grep -q '"category": "chan-recv-blocked"' "$work/gref.json" || bad "goroutine reference: no leak found"
for f in goroutine-unsym.pb.gz goroutine-legacy.txt; do
  "$bin" goroutines "$fix/$f" --binary "$work/reportcache" --json | jq -S "$gfacts" >"$work/g-$f.json"
  diff "$work/gref.json" "$work/g-$f.json" >/dev/null ||
    bad "goroutines of $f --binary differ: $(diff "$work/gref.json" "$work/g-$f.json")"
done
mkdir -p "$work/gtext" && cp "$fix/goroutine-legacy.txt" "$work/reportcache" "$work/gtext/"
"$bin" diagnose "$work/gtext" --all >"$work/gtext.out"
grep -q 'chan-recv-blocked.* in main\.(\*reportCache)\.subscribe\.func1' "$work/gtext.out" ||
  bad "diagnose of the goroutine text beside its binary does not find the leak"
grep -q 'the executable the profiles came from' "$work/gtext.out" ||
  bad "diagnose does not say the executable named the goroutine text's addresses"
"$bin" goroutines "$fix/goroutine-unsym.pb.gz" >"$work/gplain.out"
grep -q 'no function names for [0-9]* addresses: --binary BIN (the executable) names them$' \
  "$work/gplain.out" || bad "goroutines without --binary does not say --binary names them"
"$bin" goroutines "$fix/goroutine-unsym.pb.gz" --binary "$work/other" >"$work/gother.out"
grep -q 'the binary is another build' "$work/gother.out" || bad "goroutines: another build not said"
grep -q 'chan-recv-blocked' "$work/gother.out" && bad "goroutines names a leak from another build"
exit $fail
