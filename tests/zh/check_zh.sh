#!/usr/bin/env bash
# check_zh.sh GOMEMDX — `diagnose --lang zh` says no sentence in English.
#
# Runs diagnose --lang zh (text with --limit, Markdown, and --all) over every
# lab folder (testdata/lab/captures/go*/*) and the demo incident, and fails on
# any output line that, once what stays as it is has been taken out — code
# spans, paths, function names and other dotted identifiers, category ids,
# Go wait states in [..], units, numbers — still holds a common English
# word. Identifiers stay English by design; prose may not.
set -u
bin=$1
root=${GMX_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root" || exit 2

# Common English words of the report's prose, as whole words (any case).
words='the|of|from|to|in|on|at|by|for|with|without|and|or|not|no|is|are|was|its|their|'
words+='rose|fell|stayed|known|give|burst|allocation|allocated|everything|goroutines|'
words+='blocked|waiting|sending|receiving|never|keeps|growing|growth|leak|leaked|proven|'
words+='skipped|note|files|carry|carries|timestamp|ordered|name|after|timed|ones|'
words+='site|fix|over|time|state|labels|more|frames|created|mechanism|'
words+='forecast|available|needs|two|limit|memory|reached|growing|now|already|past|'
words+='days|rate|points|profiles|recognised|artifact|regular|file|evidence|logs|'
words+='read|used|change|began|first|snapshot|closest|roll|back|root|cause|'
words+='what|should|suspicious|found|comparing|takes|escapes|moved|heap|sites|'
words+='lines|line|value|reported|escaping|still|ground|truth|pointer|local|returned|'
words+='stored|global|converted|beyond|large|buffers|kept|alive|'
words+='tickers|timers|stopped|cache|that|which|this|one|bucket|rise|fall|distinct|'
words+='stacks|parked|record|why|does|symbolised|surge|drained|healthy'
# Terms the Chinese text keeps on purpose (they are what a Go operator types
# or reads in pprof): not prose.
keep='heap profile|goroutine dump|MemStats HeapInuse|map|slice|select|channel|interface|'
keep+='stack|escape|runtime|profile|dump'

# A line with what may stay English taken out: `code`, "quoted" event text,
# Go wait states [..], then any token holding / . ( ) * = _ - : or digits.
strip() {
  sed -E -e 's/`[^`]*`//g' -e 's/“[^”]*”//g' -e 's/\[[^]]*\]//g' \
         -e "s/\\b(${keep})\\b//g" \
         -e 's/[^[:space:]，。：；（）、]*[][/.()*=_:0-9{}&<>+-][^[:space:]，。：；（）、]*//g'
}

fail=0
check() { # label, diagnose arguments...
  local label=$1
  shift
  local out nums
  out=$("$bin" diagnose "$@" --lang zh 2>&1)
  nums=$(printf '%s\n' "$out" | strip | grep -niwE "$words" | cut -d: -f1)
  if [ -n "$nums" ]; then
    echo "English prose in diagnose --lang zh ($label $*):"
    for n in $nums; do
      printf '%s\n' "$out" | sed -n "${n}s/^/  /p"
    done | head -20
    fail=1
  fi
}

dirs=(testdata/lab/captures/go*/*/)
[ ${#dirs[@]} -gt 0 ] || { echo "no lab folders under testdata/lab/captures"; exit 2; }
for d in "${dirs[@]}"; do
  d=${d%/}
  check text "$d" --limit 512MiB
  check markdown "$d" --markdown
  check all "$d" --all
done
check demo examples/incident --events examples/incident/events.csv --limit 128MiB --markdown
exit $fail
