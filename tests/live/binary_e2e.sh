#!/usr/bin/env bash
# binary_e2e.sh GOMEMDX — a debug=1 goroutine profile leaves the runtime's
# frames out of its "#" lines, so it cannot tell why goroutines wait; the
# executable names them. For each Go toolchain installed, a real service
# (tests/live/transient) leaks 7 goroutines blocked sending on a channel:
#   goroutines PROFILE: parked, "this format does not record why";
#   goroutines PROFILE --binary BIN: chan-send-blocked, and says the binary
#   named the records' runtime frames;
#   diagnose DIR, the profile beside its executable: the same, unasked;
#   --binary of another build: names nothing and says so;
#   --binary of a file that is no executable: one line, exit 2.
# Needs a Go toolchain ($GO, /opt/go-toolchains, or go on PATH); skips
# (exit 77) without one.
set -u
bin=$1
source "$(dirname "$0")/transient_lib.sh"
gos=$(ls /opt/go-toolchains/go-1.*/usr/lib/go-*/bin/go 2>/dev/null | sort -V)
[ -n "$gos" ] || gos=$go
leak='chan-send-blocked: 7 goroutines blocked sending on a channel in main\.reply'
other=
for g in $gos; do
  v=$("$g" env GOVERSION)
  transient_build "$g" "$work/transient-$v"
  transient_start "$work/transient-$v"
  get "$url/leak?n=7" >/dev/null
  get "$url/debug/pprof/goroutine?debug=1" >"$work/profile-$v.txt"
  kill "$pid"

  run "plain-$v" goroutines "$work/profile-$v.txt"
  status "plain-$v" 0
  has "plain-$v.out" 'parked in main\.reply \(this format does not record why'
  run "named-$v" goroutines "$work/profile-$v.txt" --binary "$work/transient-$v"
  status "named-$v" 0
  has "named-$v.out" "$leak"
  has "named-$v.out" '^  runtime frames of [0-9]+ records named from the binary$'
  mkdir -p "$work/incident-$v"
  cp "$work/profile-$v.txt" "$work/transient-$v" "$work/incident-$v/"
  run "dir-$v" diagnose "$work/incident-$v" --all
  status "dir-$v" 0
  has "dir-$v.out" 'goroutines? blocked sending on a channel in main\.reply'
  has "dir-$v.out" 'the executable the dumps came from'
  # the previous toolchain's build: its pcs are not this profile's
  if [ -n "$other" ]; then
    run "other-$v" goroutines "$work/profile-$v.txt" --binary "$other"
    status "other-$v" 0
    has "other-$v.out" 'the binary names none of the pcs of [0-9]+ records'
    lacks "other-$v.out" 'chan-send-blocked'
  fi
  other=$work/transient-$v
done
run notexe goroutines "$work/profile-$v.txt" --binary "$work/profile-$v.txt"
status notexe 2
has notexe.err 'not an ELF file'
exit $fail
