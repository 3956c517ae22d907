#!/usr/bin/env bash
# check.sh GOMEMDX — the figures of every report agree with the evidence, on
# every lab folder (testdata/lab: captures/go*/<case>, forecast, series/*)
# and on every e2e case whose golden stdout is JSON:
#   shares    no number named *share* above 1, no *percent* above 100, in
#             JSON; no percentage above 100% and no "A of B" with A > B in the
#             text and Markdown reports
#   counts    a full dump's goroutine count equals its distinct goroutines
#             (grep: "goroutine N " headers with N > 0, per-thread
#             "goroutine 0" system stacks excluded); no finding counts more
#             goroutines than its input has
#   forecast  the moment named is after the last observation of the bundle
#             and its rate is no steeper than the largest step between two
#             observations of the series it names
#   round trip  a lab dump converted to a profile reads back to the same
#             findings (category, severity, goroutines, site, creator),
#             healthy ones included
# Starts by checking that it catches a report that breaks each of them.
# Exits 1 on any violation, listing them.
set -u
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v jq >/dev/null || { echo "invariants: jq not found, skipped"; exit 77; }
failed=0 checked=0
fail() { failed=$((failed + 1)); echo "VIOLATION $*"; }

# JSON violations, one per line, of a findings or diagnose document.
json_violations() {
  jq -r '
    def series_key: {"heap in use (bytes)": "heap_inuse_bytes",
                     "MemStats HeapInuse (bytes)": "memstats_heap_inuse_bytes",
                     "MemStats HeapInuse (sampled)": "watched_heap_inuse_bytes"}[.];
    ( [paths(numbers) as $p | {k: ($p | map(tostring) | join(".")), v: getpath($p)}]
      | .[] | select((.k | test("share"; "i")) and (.k | test("percent"; "i") | not) and .v > 1.0000001)
      | "share above 1: \(.k) = \(.v)" ),
    ( [paths(numbers) as $p | {k: ($p | map(tostring) | join(".")), v: getpath($p)}]
      | .[] | select((.k | test("percent"; "i")) and .v > 100.00001)
      | "percent above 100: \(.k) = \(.v)" ),
    ( (.inputs // []) as $in | ($in | map(.goroutines // 0) | add // 0) as $total
      | (.findings // [])[] | select((.goroutines // 0) > $total and $total > 0)
      | "finding #\(.rank) counts \(.goroutines) goroutines of \($total)" ),
    ( select(.forecast.moment_unix_ns != null) | .forecast as $f
      | ([.inputs[] | .time_unix_ns // 0] | max) as $last
      | (if $f.moment_unix_ns <= ([$last, $f.last_observation_unix_ns] | max)
         then "forecast moment \($f.moment_unix_ns) not after the last observation \([$last, $f.last_observation_unix_ns] | max)"
         else empty end),
        ( (.series[$f.series | series_key] // [])
          | [ .[] | select(.time_unix_ns != null) ] | sort_by(.time_unix_ns)
          | [range(1; length) as $i | .[$i] as $b | .[$i - 1] as $a
             | select($b.time_unix_ns > $a.time_unix_ns)
             | ($b.value - $a.value) / (($b.time_unix_ns - $a.time_unix_ns) / 1e9)] | max // null) as $step
        | select($step != null and $f.bytes_per_second > $step * 1.000001)
        | "forecast rate \($f.bytes_per_second) B/s steeper than the largest step \($step) B/s" )
  ' "$1" 2>&1
}

# Text or Markdown violations: percentages above 100%, "A unit of B unit"
# with A > B.
text_violations() {
  grep -oE '[0-9]+(\.[0-9]+)?%' "$1" | tr -d '%' | awk '$1 > 100 { print "percentage above 100: " $1 "%" }'
  grep -oE '[0-9]+(\.[0-9]+)? (B|KiB|MiB|GiB|TiB) of [0-9]+(\.[0-9]+)? (B|KiB|MiB|GiB|TiB)' "$1" |
    awk 'function b(v, u) { return v * (u == "KiB" ? 1024 : u == "MiB" ? 1048576 : u == "GiB" ? 1073741824 : u == "TiB" ? 1099511627776 : 1) }
         { if (b($1, $2) > b($4, $5) * 1.0000001) print "part above its whole: " $0 }'
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- the checker catches each broken figure
cat >"$work/bad.json" <<'BAD'
{"inputs": [{"name": "a", "goroutines": 8, "time_unix_ns": 2000000000000}],
 "findings": [{"rank": 1, "goroutines": 13, "evidence": {"share_of_growth": 1.059}}],
 "series": {"heap_inuse_bytes": [{"time_unix_ns": 1000000000000, "value": 0},
                                  {"time_unix_ns": 1010000000000, "value": 1000}]},
 "forecast": {"series": "heap in use (bytes)", "bytes_per_second": 5000,
              "last_observation_unix_ns": 2000000000000, "moment_unix_ns": 1990000000000}}
BAD
printf 'the profile'"'"'s allocations at those lines: 180.1 MiB of 101.2 MiB\n+5 MiB/h, 106%% of the growth\n' >"$work/bad.txt"
want=4
got=$(json_violations "$work/bad.json" | grep -c .)
[ "$got" = "$want" ] || { echo "invariants: the JSON check found $got of $want broken figures:"; json_violations "$work/bad.json"; exit 1; }
got=$(text_violations "$work/bad.txt" | grep -c .)
[ "$got" = 2 ] || { echo "invariants: the text check found $got of 2 broken figures"; exit 1; }

check_output() { # check_output WHAT FILE json|text
  checked=$((checked + 1))
  local v
  if [ "$3" = json ]; then v=$(json_violations "$2"); else v=$(text_violations "$2"); fi
  [ -z "$v" ] || while IFS= read -r line; do fail "$1: $line"; done <<<"$v"
}

# --- every lab folder
cd "$root"
for dir in testdata/lab/captures/go*/*/ testdata/lab/forecast/ testdata/lab/series/*/; do
  dir=${dir%/}
  for limit in 256MiB; do
    if TZ=UTC "$bin" diagnose --json --limit "$limit" "$dir" >"$work/d.json" 2>"$work/err"; then
      check_output "diagnose --json --limit $limit $dir" "$work/d.json" json
    else
      fail "diagnose --json $dir failed: $(head -n 1 "$work/err")"
    fi
  done
  for fmt in "" --markdown; do
    TZ=UTC "$bin" diagnose $fmt --limit 64MiB "$dir" >"$work/d.txt" 2>/dev/null
    check_output "diagnose $fmt $dir" "$work/d.txt" text
  done
  for f in "$dir"/*debug2.txt "$dir"/sigquit.txt "$dir"/crash.txt; do
    [ -f "$f" ] || continue
    if ! "$bin" goroutines --json --all "$f" >"$work/g.json" 2>"$work/err"; then
      fail "goroutines $f failed: $(head -n 1 "$work/err")"
      continue
    fi
    check_output "goroutines --json $f" "$work/g.json" json
    want=$(grep -cE '^goroutine [1-9][0-9]* ([[]|gp=)' "$f")
    got=$(jq '.inputs[0].goroutines' "$work/g.json")
    checked=$((checked + 1))
    [ "$got" = "$want" ] || fail "goroutines $f: counts $got, the dump has $want distinct goroutines"
  done
  for f in "$dir"/escape*.txt; do
    [ -f "$f" ] || continue
    for p in "$dir"/allocs-t3.pb.gz; do
      [ -f "$p" ] || continue
      "$bin" escape --profile "$p" "$f" >"$work/e.txt" 2>/dev/null && check_output "escape --profile $p $f" "$work/e.txt" text
      "$bin" escape --json --profile "$p" "$f" >"$work/e.json" 2>/dev/null && check_output "escape --json --profile $p $f" "$work/e.json" json
    done
  done
done

# --- round trip: a dump converted to a profile reads back to the same findings
for f in testdata/lab/captures/go1.27/*/goroutine-t3.debug2.txt testdata/lab/captures/go1.19/*/goroutine-t3.debug2.txt; do
  [ -f "$f" ] || continue
  checked=$((checked + 1))
  "$bin" convert -o "$work/rt.pb.gz" "$f" >/dev/null 2>&1 || { fail "convert $f failed"; continue; }
  "$bin" goroutines --json --all "$f" | jq -c '.findings[] | [.category, .severity, .goroutines, .site.function, .site.line, .created_by.function]' | sort >"$work/rt.want"
  "$bin" goroutines --json --all "$work/rt.pb.gz" | jq -c '.findings[] | [.category, .severity, .goroutines, .site.function, .site.line, .created_by.function]' | sort >"$work/rt.got"
  cmp -s "$work/rt.want" "$work/rt.got" || fail "convert $f: read back, the findings differ: $(diff "$work/rt.want" "$work/rt.got" | head -c 300)"
done

# --- every e2e case whose golden output is JSON
for out in tests/e2e/cases/*/stdout; do
  [ "$(head -c 1 "$out")" = "{" ] || continue
  check_output "${out%/stdout}" "$out" json
done

echo "invariants: $checked reports checked, $failed violation(s)"
[ "$failed" = 0 ]
