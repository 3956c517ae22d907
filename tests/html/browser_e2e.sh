#!/usr/bin/env bash
# The HTML report in a real browser (headless Chromium, no network): the
# page of a lab incident renders without a script error, shows the rank-1
# finding and the flame graph's frames, and a screenshot is kept in the
# build folder; a dump with a hostile function name renders it as text and
# no element of it. Skips (77) without chromium.
set -euo pipefail
bin=$1
keep=$2   # where the screenshots stay (the build folder)
src=${GMX_SOURCE_DIR:?}
here=$(cd "$(dirname "$0")" && pwd)
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "skip: no chromium"; exit 77; }
out=$(mktemp -d)
profile=$keep/chromium-profile.$$
trap 'rm -rf "$out" "$profile"' EXIT
lab=$src/testdata/lab/captures/go1.22/billing

chrome() {
  timeout 120 "$browser" --headless=new --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$profile" --virtual-time-budget=5000 "$@" 2>/dev/null
}

title=$("$bin" diagnose "$lab" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["findings"][0]["title"])')
"$bin" diagnose "$lab" --html "$out/diagnose.html" >/dev/null
chrome --dump-dom "file://$out/diagnose.html" > "$out/diagnose.dom"
python3 "$here/dom_check.py" "$out/diagnose.dom" --text "$title" --frames 10
chrome --screenshot="$keep/html-report-diagnose.png" --window-size=1280,2000 "file://$out/diagnose.html" >/dev/null
python3 - "$keep/html-report-diagnose.png" <<'PY'
import sys
png = open(sys.argv[1], "rb").read()
assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10000, "no screenshot: %d bytes" % len(png)
PY

hostile='main.<img src=x onerror=alert(1)>"><svg onload=alert(2)></script><script>alert(3)</script>'
bash "$here/hostile_dump.sh" "$lab/goroutine-t3.debug2.txt" > "$out/hostile.txt"
"$bin" goroutines "$out/hostile.txt" --html "$out/hostile.html" >/dev/null
chrome --dump-dom "file://$out/hostile.html" > "$out/hostile.dom"
python3 "$here/dom_check.py" "$out/hostile.dom" --text "$hostile" --frames 3 --no-injection
chrome --screenshot="$keep/html-report-hostile.png" --window-size=1280,2000 "file://$out/hostile.html" >/dev/null
echo "ok: rendered, screenshots in $keep/html-report-*.png"
