#!/usr/bin/env bash
# watch --listen: while `gomemdx watch` samples a service (the fault
# server), http://127.0.0.1:PORT/ serves the target's HTML report from the
# store, reloading itself every interval; it is a whole page (CSP, data)
# and the diagnosis once a rule captured evidence.
set -euo pipefail
bin=$1 fs=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
fspid= wpid=
trap '[ -n "$wpid" ] && kill "$wpid" 2>/dev/null; kill "$fspid" 2>/dev/null; rm -rf "$work"' EXIT
. "$here/../watch/faultserver_start.sh"
start_faultserver "$fs" "$work"
printf 'goroutines min=0 abs=1\ncooldown 1s\n' > "$work/rules"
"$bin" watch "http://127.0.0.1:$port/ok" --interval 1s --duration 6s --rules "$work/rules" \
  --store "$work/w.db" --listen 0 >"$work/out" 2>"$work/err" &
wpid=$!
for _ in $(seq 50); do grep -q 'is at http' "$work/err" && break; sleep 0.1; done
page=$(sed -n 's|.* is at \(http://127\.0\.0\.1:[0-9]*/\)$|\1|p' "$work/err")
[ -n "$page" ] || { echo "FAIL: no address printed"; cat "$work/err"; exit 1; }
sleep 3
curl -sS --max-time 20 -o "$work/page.html" -w '%{http_code}\n' "$page" > "$work/code"
[ "$(cat "$work/code")" = 200 ] || { echo "FAIL: GET / answered $(cat "$work/code")"; exit 1; }
grep -q '<meta http-equiv="refresh" content="5">' "$work/page.html" ||
  { echo "FAIL: the page does not reload itself"; exit 1; }
grep -q '"command": "diagnose"' "$work/page.html" ||
  { echo "FAIL: no diagnosis after a capture"; head -c 2000 "$work/page.html"; exit 1; }
python3 "$here/page_check.py" "$work/page.html"
wait "$wpid"
wpid=
echo "ok: watch --listen served the report at $page"
