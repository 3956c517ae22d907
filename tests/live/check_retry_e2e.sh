#!/usr/bin/env bash
# check_retry_e2e.sh GOMEMDX — `check` against a live AFTER looks again, as
# goleak does, while goroutines a test started are on their way out: a real
# Go service (tests/live/transient) starts 40 goroutines that sleep and
# return.
#   goroutines that stay (30 s): --retries 3 fails (exit 1) after 4 looks;
#   goroutines that leave (1.5 s): check passes (exit 0) after more than one
#   look, and keeps only the last look's body;
#   a file as AFTER is looked at once, whatever --retries says.
# Needs a Go toolchain ($GO, /opt/go-toolchains, or go on PATH); skips
# (exit 77) without one.
set -u
bin=$1
source "$(dirname "$0")/transient_lib.sh"
transient_build "$go" "$work/transient.bin"
transient_start "$work/transient.bin"
captures=$XDG_DATA_HOME/gomemdx/captures

# Goroutines that stay: every look sees them.
get "$url/debug/pprof/goroutine?debug=2" >"$work/base1.txt"
get "$url/spawn?n=40&linger=30s" >/dev/null
run stay check --base "$work/base1.txt" "$url" --retries 3
status stay 1
has stay.out '40 goroutines'
has stay.out 'main\.linger'
has stay.out '^looked at AFTER 4 times over [0-9.]+ s \(retried as goleak does\)$'
has stay.out '^check failed: '

# The same goroutines in a file: looked at once.
get "$url/debug/pprof/goroutine?debug=2" >"$work/after.txt"
run file check --base "$work/base1.txt" "$work/after.txt" --retries 3
status file 1
lacks file.out 'looked at AFTER'

# Goroutines that leave within the default retries (about 1.4 s of pauses,
# and a fetch for each look): the check passes on a later look.
get "$url/debug/pprof/goroutine?debug=2" >"$work/base2.txt"
get "$url/spawn?n=40&linger=1.5s" >/dev/null
rm -rf "$captures"
run leave check --base "$work/base2.txt" "$url" --retries 40
status leave 0
has leave.out '^looked at AFTER ([2-9]|[1-4][0-9]) times over [0-9.]+ s \(retried as goleak does\)$'
has leave.out '^check passed: '
# the first look's body and the last one's: the ones between are not kept
[ "$(ls "$captures" | wc -l)" = 2 ] || { echo "FAIL leave: kept $(ls "$captures" | wc -l) bodies, want 2"; ls "$captures"; fail=1; }
has leave.err 'saved .* \(look [0-9]+\)$'
exit $fail
