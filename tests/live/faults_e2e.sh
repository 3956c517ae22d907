#!/usr/bin/env bash
# faults_e2e.sh GOMEMDX FAULTSERVER — every command that reads a URL, against
# a service that is down, slow, answers 5xx, truncates, sends a huge body or
# redirects forever: exit 2 and one line on stderr naming the URL and the
# reason, within seconds. `diagnose URL` keeps and says a partial capture,
# and a --header's value appears nowhere (output, errors, saved folder).
set -u
bin=$1 fs=$2
work=$(mktemp -d)
fspid=
cleanup() { [ -n "$fspid" ] && kill "$fspid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export HOME=$work/home XDG_DATA_HOME=$work/data
. "$(dirname "$0")/../watch/faultserver_start.sh"
start_faultserver "$fs" "$work"
[ -n "$port" ] || { echo "fault server did not start"; exit 1; }
down=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
base=http://127.0.0.1:$port
secret=sEcReT-t0ken-4711
fail=0

# expect NAME STATUS REGEX MAX_SECONDS -- ARGS...: the exit status, one line
# of stderr matching REGEX, done within MAX_SECONDS.
expect() {
  local name=$1 want=$2 re=$3 max=$4
  shift 5
  local t0=$(date +%s%N)
  "$bin" "$@" >"$work/$name.out" 2>"$work/$name.err"
  local st=$? ms=$((($(date +%s%N) - t0) / 1000000))
  local lines=$(wc -l <"$work/$name.err")
  if [ "$st" != "$want" ]; then echo "FAIL $name: exit $st, want $want"; fail=1; fi
  if [ "$want" = 2 ] && [ "$lines" != 1 ]; then echo "FAIL $name: $lines lines on stderr, want 1"; fail=1; fi
  if ! grep -Eq -- "$re" "$work/$name.err"; then echo "FAIL $name: stderr lacks /$re/"; fail=1; fi
  if [ "$ms" -gt $((max * 1000)) ]; then echo "FAIL $name: took $ms ms, more than $max s"; fail=1; fi
  if grep -rq -- "$secret" "$work/$name.out" "$work/$name.err"; then echo "FAIL $name: the header's value was shown"; fail=1; fi
  echo "$name: exit $st in $ms ms: $(head -c 200 "$work/$name.err" | head -n 1)"
}

expect down 2 "GET http://127.0.0.1:$down/debug/pprof/goroutine\?debug=2: down" 5 -- goroutines "http://127.0.0.1:$down"
expect down-top 2 "GET http://127.0.0.1:$down/debug/pprof/heap: down" 5 -- top "http://127.0.0.1:$down/debug/pprof/"
expect slow 2 "GET $base/slow/debug/pprof/heap: slow" 5 -- top "$base/slow/debug/pprof/heap" --timeout 1s
expect 5xx 2 "GET $base/5xx/debug/pprof/goroutine\?debug=2: http error: status 503" 5 -- check --base "$base/5xx/debug/pprof/goroutine?debug=2" "$base/ok/debug/pprof/goroutine?debug=2"
expect trunc 2 "GET $base/trunc/debug/pprof/allocs: truncated" 5 -- escape /dev/null --profile "$base/trunc/debug/pprof/allocs"
expect huge 2 "GET $base/huge/x: too large: body over the 1048576-byte cap" 10 -- convert "$base/huge/x" -o "$work/x.pb.gz" --max-body 1MiB
expect loop 2 "GET $base/loop/debug/pprof/heap: redirect loop" 5 -- peek "$base/loop/debug/pprof/heap" main
expect not-http 2 "only http:// and https://" 5 -- diagnose "http://127.0.0.1:$port" "ftp://127.0.0.1/x"
expect seconds 2 "seconds= must be a number" 5 -- top "$base/ok/debug/pprof/heap?seconds=x"

# diagnose URL: nothing captured is exit 2 and one line; a partial capture
# (the service vanishes mid-body) is kept and said; the token is nowhere.
expect diagnose-down 2 "http://127.0.0.1:$down: nothing captured: .*down" 5 -- \
  diagnose "http://127.0.0.1:$down" -o "$work/none" -H "Authorization: Bearer $secret"
expect diagnose-slow 2 "$base/slow: nothing captured: capture failed: GET .*: slow: " 6 -- \
  diagnose "$base/slow" --timeout 500ms -o "$work/slow"
expect diagnose-5xx 2 "$base/5xx: nothing captured: capture failed: GET .*: http error: status 503" 5 -- \
  diagnose "$base/5xx" -o "$work/5xx"
[ -e "$work/none/127.0.0.1_$down" ] && { echo "FAIL: a folder for a service that gave nothing"; fail=1; }
expect diagnose-partial 0 "partial capture kept in $work/partial \(2 of 2 captures incomplete\): capture incomplete: .*truncated" 20 -- \
  diagnose "$base/vanish" --duration 2s --interval 1s -o "$work/partial" -H "Authorization: Bearer $secret"
ls "$work/partial/127.0.0.1_$port"/capture-0*/goroutine.debug1.txt >/dev/null 2>&1 ||
  { echo "FAIL: the partial capture was not kept"; fail=1; }
if grep -rq -- "$secret" "$work/partial" "$work/none" "$work/data" 2>/dev/null; then
  echo "FAIL: the header's value was saved"; fail=1
fi
# A /debug/vars URL names the service and has that page captured too.
expect diagnose-vars 0 "saved in $work/vars " 10 -- diagnose "$base/ok/debug/vars" --duration 1s --interval 1s -o "$work/vars"
[ -s "$work/vars/127.0.0.1_$port/capture-01/metrics.txt" ] && [ -s "$work/vars/127.0.0.1_$port/capture-01/goroutine.debug2.txt" ] ||
  { echo "FAIL: the /debug/vars page or the dump was not captured"; ls -R "$work/vars"; fail=1; }
# Progress lines go to a terminal only: stderr here is a file.
grep -q "capture 1/" "$work/diagnose-partial.err" && { echo "FAIL: progress on a pipe"; fail=1; }
exit $fail
