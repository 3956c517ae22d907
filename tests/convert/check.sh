#!/usr/bin/env bash
# check.sh GOMEMDX [--pprof] — `gomemdx convert` on real lab dumps, and the
# profiles it writes read back.
#   (default)  `gomemdx top` of each converted profile against the golden
#              tests/convert/golden/NAME.top.txt (GMX_UPDATE_GOLDEN=1 rewrites
#              them)
#   --pprof    each converted profile read by a real `go tool pprof` (the
#              newest toolchain found: $GMX_GO or /opt/go-toolchains), offline:
#              its total is the dump's goroutine count; -tags lists every
#              state with the dump's count of it; -tagfocus on each state
#              keeps exactly those goroutines; its -top is gomemdx top's,
#              line for line. Exits 77 (skipped) only when no Go is found.
# The dump's counts are taken from its header lines with grep, not with
# gomemdx's parser. Prints each failure; exits 1 on any.
set -u
bin=$(realpath "$1")
mode=${2:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/parity/lib.sh"
cd "$root/testdata/lab/captures" || exit 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# name|dump, relative to testdata/lab/captures
dumps() {
  echo "quotes-go127-debug2|go1.27/quotes/goroutine-t3.debug2.txt"
  echo "quotes-go127-sigquit|go1.27/quotes/sigquit.txt"
  echo "broadcast-go127-panic|go1.27/broadcast/panic.log"
  echo "billing-go122-debug2|go1.22/billing/goroutine-t3.debug2.txt"
  echo "quotes-go119-debug2|go1.19/quotes/goroutine-t3.debug2.txt"
  echo "quotes-go127-debug1|go1.27/quotes/goroutine-t3.debug1.txt"
}

failed=0 checked=0
fail() {
  failed=$((failed + 1))
  echo "FAIL $*"
}

# "COUNT STATE" lines, sorted by state: the status of each header without
# its qualifiers and suffixes ("goroutine N [chan send (leaked), 1 minutes]:"
# -> chan send; "[GC worker (idle)]" is a wait reason of its own).
# Goroutine 0 is a thread's system stack (GOTRACEBACK=crash, or the signal
# thread of a SIGQUIT dump), not a goroutine: not counted.
dump_states() {
  grep -o '^goroutine [1-9][0-9]* [^[]*\[[^]]*\]' "$1" |
    sed 's/^[^[]*\[//; s/\]$//; s/,.*//; s/ (leaked)//; s/ (scan)//; s/ (durable)//' |
    sort | uniq -c |
    awk '{ n = $1; sub(/^ *[0-9]+ /, ""); print n " " $0 }' | sort -k2
}

dump_total() {
  if head -n 1 "$1" | grep -q '^goroutine profile: total '; then
    head -n 1 "$1" | sed 's/.*total //'
  else
    grep -c '^goroutine [1-9][0-9]* [^[]*\[' "$1"
  fi
}

# pprof -tags, the section of one key, as "COUNT VALUE" sorted by value.
pprof_tag() { # pprof_tag KEY FILE
  awk -v key="$1" '
    $0 ~ "^ *" key ": Total" { on = 1; next }
    on && NF == 0 { exit }
    on { n = $1; sub(/^ *[0-9]+ \([^)]*\): /, ""); print n " " $0 }' "$2" | sort -k2
}

# The sum of the sample values pprof -raw lists (after any filter).
raw_total() {
  sed -n '/^Samples:/,/^Locations/p' "$1" | awk '/^ *[0-9]+: / { s += $1 } END { print s + 0 }'
}

check_golden() { # NAME PROFILE
  local golden="$root/tests/convert/golden/$1.top.txt"
  TZ=UTC "$bin" top "$2" >"$work/top" 2>&1
  checked=$((checked + 1))
  if [ "${GMX_UPDATE_GOLDEN:-0}" = 1 ]; then
    mkdir -p "$(dirname "$golden")"
    cp "$work/top" "$golden"
    echo "updated $golden"
  elif ! diff -u "$golden" "$work/top" >"$work/diff"; then
    fail "$1: gomemdx top of the converted profile differs from $golden"
    head -n 30 "$work/diff"
  fi
}

check_pprof() { # NAME DUMP PROFILE GO
  local name=$1 dump=$2 prof=$3 go=$4 want got
  want=$(dump_total "$dump")
  checked=$((checked + 1))
  parity_pprof "$go" -top "$prof" >"$work/pprof.top"
  got=$(sed -n 's/^Showing nodes accounting for .* of \([0-9]*\) total$/\1/p' "$work/pprof.top")
  [ "$got" = "$want" ] || fail "$name: pprof -top total is '$got', the dump holds $want goroutines"
  parity_pprof "$go" -raw "$prof" >"$work/raw"
  got=$(raw_total "$work/raw")
  [ "$got" = "$want" ] || fail "$name: pprof -raw samples sum to $got, the dump holds $want goroutines"
  grep -q '^Comment: gomemdx convert: ' "$work/raw" || fail "$name: pprof -raw shows no gomemdx comment"
  TZ=UTC "$bin" top "$prof" >"$work/gmx.top"
  diff -u "$work/pprof.top" "$work/gmx.top" >"$work/diff" ||
    { fail "$name: gomemdx top differs from pprof -top"; head -n 20 "$work/diff"; }

  dump_states "$dump" >"$work/states.want"
  parity_pprof "$go" -tags "$prof" >"$work/tags"
  pprof_tag state "$work/tags" >"$work/states.got"
  diff -u "$work/states.want" "$work/states.got" >"$work/diff" ||
    { fail "$name: pprof -tags states differ from the dump's headers"; head -n 20 "$work/diff"; }
  # -tagfocus on the three commonest states (each pprof run costs ~0.5 s);
  # the value is an anchored regexp, so its metacharacters are escaped.
  local n state re
  while read -r n state; do
    re=$(printf '%s' "$state" | sed 's/[][()*.+?^$|\\{}]/\\&/g')
    parity_pprof "$go" -raw -tagfocus="state=^$re\$" "$prof" >"$work/focus"
    got=$(raw_total "$work/focus")
    [ "$got" = "$n" ] || fail "$name: -tagfocus state=$state keeps $got goroutines, the dump has $n"
  done < <(sort -rn "$work/states.want" | head -n 3)
  want=$(grep -c '^goroutine [1-9][0-9]* [^[]*\[[^]]*, [0-9]* minutes' "$dump")
  got=$(pprof_tag wait_minutes "$work/tags" | awk '{ s += $1 } END { print s + 0 }')
  [ "$got" = "$want" ] || fail "$name: wait_minutes on $got goroutines, the dump says minutes for $want"
}

if [ "$mode" = --pprof ]; then
  go=$(parity_find_go)
  [ -n "$go" ] || { echo "convert: no Go toolchain found, go tool pprof check skipped"; exit 77; }
  echo "convert: reading back with $("$go" env GOVERSION) go tool pprof"
fi
while IFS='|' read -r name dump; do
  [ -f "$dump" ] || { fail "$name: $dump is missing"; continue; }
  prof=$work/$name.pb.gz
  if ! "$bin" convert "$dump" -o "$prof" >"$work/out" 2>&1; then
    fail "$name: gomemdx convert $dump failed: $(cat "$work/out")"
    continue
  fi
  if [ "$mode" = --pprof ]; then
    check_pprof "$name" "$dump" "$prof" "$go"
  else
    check_golden "$name" "$prof"
  fi
done < <(dumps)
echo "convert: $checked profiles checked, $failed failures"
[ "$failed" = 0 ]
