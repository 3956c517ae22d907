#!/usr/bin/env bash
# encodings.sh GOMEMDX — a file as users hand it over reads as the file
# itself: a lab dump and heap profile text saved as UTF-16 (PowerShell's
# `>`, with and without a byte-order mark, either byte order), gzipped to
# attach them to an issue, or with terminal colours around every line (a
# CI job's raw log) give the same report, word for word, as the plain file
# (only the file's name differs).
set -u
bin=$1
root=${GMX_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
lab=$root/testdata/lab/captures/go1.22/notifier
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# same CMD PLAIN: CMD's report on PLAIN and on each encoded copy of it
same() {
  local cmd=$1 plain=$2 name
  name=$(basename "$plain")
  cp "$plain" "$tmp/$name"
  { printf '\xff\xfe'; iconv -f utf-8 -t utf-16le "$plain"; } > "$tmp/le-bom.$name"
  { printf '\xfe\xff'; iconv -f utf-8 -t utf-16be "$plain"; } > "$tmp/be-bom.$name"
  iconv -f utf-8 -t utf-16le "$plain" > "$tmp/le.$name"
  gzip -c "$plain" > "$tmp/gz.$name.gz"
  awk '{ printf "\033[2m%s\033[0m\n", $0 }' "$plain" > "$tmp/ansi.$name"
  # diagnose times a file by its modification time: the same for all
  touch -d '2026-11-20 09:30:00' "$tmp/$name" "$tmp"/*."$name" "$tmp/gz.$name.gz"
  "$bin" $cmd "$tmp/$name" --json > "$tmp/want.json" 2>&1
  local want_rc=$?
  [ $want_rc -eq 0 ] || { echo "FAIL $cmd $name: the plain file gives status $want_rc"; fail=1; return; }
  for v in le-bom be-bom le gz ansi; do
    local f=$tmp/$v.$name
    [ $v = gz ] && f=$tmp/gz.$name.gz
    "$bin" $cmd "$f" --json > "$tmp/got.json" 2>&1
    local rc=$?
    if [ $rc -ne 0 ] || ! diff -q <(sed "s|$tmp/$name|FILE|g" "$tmp/want.json") \
                                   <(sed "s|$f|FILE|g" "$tmp/got.json") >/dev/null; then
      echo "FAIL $cmd $v.$name (status $rc):"
      diff <(sed "s|$tmp/$name|FILE|g" "$tmp/want.json") <(sed "s|$f|FILE|g" "$tmp/got.json") | head -5
      fail=1
    fi
  done
}

same goroutines "$lab/goroutine-t3.debug2.txt"
same goroutines "$lab/goroutine-t3.debug1.txt"
same diagnose "$lab/goroutine-t3.debug2.txt"
same diagnose "$lab/heap-t3.debug1.txt"
exit $fail
