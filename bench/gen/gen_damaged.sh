#!/usr/bin/env bash
# gen_damaged: a pristine dump damaged as pasting does, for the tolerant
# reader's benchmarks.
#   gen_damaged glyphs|k8s|pasted|flat|wrapped|numbered|wrapnum|less|crlf|interleaved|console|leaktest SOURCE -o OUT
# glyphs: every tab shown as "»" and three spaces (a web page's rendering);
# k8s: every line under a Kubernetes container-log prefix;
# pasted: glyphs, inside an issue comment's prose and <details><pre> block;
# flat: every line's indentation lost (Markdown without a fence);
# wrapped: every line cut at 100 columns, tabs to the eighth (a terminal's
# copy, fold -w 100);
# numbered: every line behind its number (cat -n, less -N);
# wrapnum: wrapped, then numbered piece by piece (fold -w 100 | cat -n: a
# terminal's copy saved, then viewed numbered);
# less: less -N on a 100-column terminal, copied from its screen: each
# line's number in a column of eight, tabs drawn as spaces, the rest of a
# line the width cut behind that column left blank;
# crlf: every line ended "\r\n" (saved on Windows, a CI log's raw bytes);
# interleaved: k8s, with another stream's record after every fiftieth line
# (a sidecar or a second writer logging while the dump is written);
# console: no prefix, another program's log line after every fiftieth line
# and its logfmt record after every seventh, wherever they fall (two
# programs writing to one terminal);
# leaktest: leaktest's report in go test output (every header behind
# "    leaktest.go:132: leaked goroutine: ", every other line behind the
# eight spaces go test indents a test's log with).
# The strict grammar reads them all, learning the damage (the dump inside
# the wrapper of pasted; the other writer's records of interleaved skipped),
# rather than the tolerant reader line by line (console: the other
# program's lines skipped inside blocks, as interleaved's; leaktest: the
# indentation learned).
set -euo pipefail
[ $# -eq 4 ] && [ "$3" = -o ] || { echo "usage: gen_damaged glyphs|k8s|pasted|flat|wrapped|numbered|wrapnum|less|crlf|interleaved|console|leaktest SOURCE -o OUT" >&2; exit 2; }
kind=$1 src=$2 out=$4
case $kind in
glyphs) LC_ALL=C sed 's/\t/\xc2\xbb   /g' "$src" >"$out" ;;
k8s) LC_ALL=C sed 's/^/2024-01-01T00:00:00.123456789Z stderr F /' "$src" >"$out" ;;
pasted) { printf 'Memory keeps growing; here is the dump from /debug/pprof/goroutine?debug=2:\n\n'
          printf '<details><summary>goroutines</summary><pre>\n'
          LC_ALL=C sed 's/\t/\xc2\xbb   /g' "$src"
          printf '</pre></details>\n\nAny idea what holds them?\n'; } >"$out" ;;
flat) LC_ALL=C sed 's/^[[:space:]]*//' "$src" >"$out" ;;
wrapped) fold -w 100 "$src" >"$out" ;;
numbered) cat -n "$src" >"$out" ;;
wrapnum) fold -w 100 "$src" | cat -n >"$out" ;;
crlf) LC_ALL=C sed 's/$/\r/' "$src" >"$out" ;;
less) LC_ALL=C awk '{ s = $0; line = ""
	for (i = 1; i <= length(s); i++) { c = substr(s, i, 1)
		if (c == "\t") { do line = line " "; while (length(line) % 8) } else line = line c }
	printf "%7d %s\n", NR, substr(line, 1, 92)
	for (at = 93; at <= length(line); at += 92) printf "        %s\n", substr(line, at, 92) }' \
	"$src" >"$out" ;;
interleaved) LC_ALL=C awk '{ print "2024-01-01T00:00:00.123456789Z stderr F " $0 }
	NR % 50 == 0 { print "2024-01-01T00:00:00.223456789Z stdout F {\"level\":\"info\",\"msg\":\"request served\"}" }' \
	"$src" >"$out" ;;
console) LC_ALL=C awk '{ print }
	NR % 50 == 0 { print "2024/01/01 00:00:00 request served in 3ms" }
	NR % 7 == 0 { print "level=info msg=\"request served\" dur=3ms" }' "$src" >"$out" ;;
leaktest) { printf '=== RUN   TestServe\n--- FAIL: TestServe (5.01s)\n'
            LC_ALL=C awk '/^goroutine / { print "    leaktest.go:132: leaked goroutine: " $0; next }
	{ print "        " $0 }' "$src"
            printf 'FAIL\nFAIL\texample.com/serve\t5.123s\n'; } >"$out" ;;
*) echo "gen_damaged: unknown damage '$kind'" >&2; exit 2 ;;
esac
echo "gen_damaged: $kind of $(basename "$src"), $(stat -c %s "$out") bytes"
