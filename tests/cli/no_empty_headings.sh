#!/usr/bin/env bash
# no_empty_headings.sh GOMEMDX — no report has a heading with nothing under
# it: every Markdown heading (#, ##, ...) and every numbered section of the
# text reports ("2. Goroutines") is followed by content before the next
# heading of its level or above, or the end. Run over every lab incident
# and the demo, in text and Markdown, English and Chinese, and over the
# goroutine, top and escape reports.
set -u
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
fail=0 checked=0

# Prints the empty headings of the report on stdin, one a line; $1 = 1
# for Markdown (whose numbered lines are lists, not sections).
empty_headings() {
  awk -v md="$1" '
    function level(line) {
      if (match(line, /^#+ /)) return RLENGTH - 1
      # A text report section ("2. Goroutines"): short, no sentence in it;
      # numbered actions are sentences.
      if (!md && line ~ /^[0-9]+\. [^ :：.。,，(（`][^:：.。,，(（`]*$/ && length(line) <= 60)
        return 1
      return 0
    }
    { lines[NR] = $0 }
    END {
      for (i = 1; i <= NR; i++) {
        l = level(lines[i]); if (!l) continue
        empty = 1
        for (k = i + 1; k <= NR; k++) {
          if (lines[k] ~ /^[ \t]*$/) continue
          m = level(lines[k])
          if (m && m <= l) break
          empty = 0; break
        }
        if (empty) print lines[i]
      }
    }'
}

check() {
  local out
  out=$(NO_COLOR=1 "$bin" "$@" 2>/dev/null)
  [ -n "$out" ] || return 0   # a refusal is tested elsewhere
  checked=$((checked + 1))
  local bad
  local md=0
  case " $* " in *" --markdown "*) md=1 ;; esac
  bad=$(empty_headings "$md" <<<"$out")
  if [ -n "$bad" ]; then
    echo "FAIL: gomemdx $*: empty heading(s):"; sed 's/^/    /' <<<"$bad"; fail=1
  fi
}

for dir in testdata/lab/captures/go1.*/* examples/incident; do
  [ -d "$dir" ] || continue
  for style in "" "--markdown" "--lang zh" "--markdown --lang zh"; do
    # shellcheck disable=SC2086
    check diagnose "$dir" $style
  done
done
for dump in testdata/lab/captures/go1.22/*/goroutine-t3.debug2.txt; do
  check goroutines "$dump" --markdown
  check goroutines "$dump" --lang zh
done
for heap in testdata/lab/captures/go1.22/*/allocs-t3.pb.gz; do
  check top "$heap" --markdown -n 5
done
for log in testdata/lab/captures/go1.27/*/escape-*.txt; do
  [ -f "$log" ] && check escape "$log" --markdown
done
[ "$checked" -ge 20 ] || { echo "FAIL: only $checked reports checked"; fail=1; }
echo "no_empty_headings: $checked reports checked"
exit $fail
