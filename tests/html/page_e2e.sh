#!/usr/bin/env bash
# --html on diagnose, goroutines, top and core over a lab incident: each page
# holds the rank-1 finding the JSON report gives, its data parses, its CSP
# hashes match its inline script and style, and it loads nothing. A dump
# with a hostile function name keeps it as data, never as markup.
set -euo pipefail
bin=$1
src=${GMX_SOURCE_DIR:?}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
lab=$src/testdata/lab/captures/go1.22/billing

rank1() { python3 -c 'import json,sys; print(json.load(sys.stdin)["findings"][0]["title"])'; }

title=$("$bin" diagnose "$lab" --json | rank1)
"$bin" diagnose "$lab" --html "$out/diagnose.html" >/dev/null
python3 "$here/page_check.py" "$out/diagnose.html" --title "$title"
python3 - "$out/diagnose.html" <<'PY'
import json, re, sys
data = json.loads(re.search(r'id="data">(.*?)</script>', open(sys.argv[1]).read(), re.S).group(1))
assert "goroutine_flame" in data and "heap_flame" in data, "diagnose page without both flame graphs"
assert len(data["goroutine_flame"]["nodes"]) > 1, "no frames in the goroutine flame graph"
marked = [n for n in data["goroutine_flame"]["nodes"] if n[5] == 1]
assert marked, "the rank-1 bucket is not marked in the goroutine flame graph"
PY

dumps=("$lab/goroutine-t1.debug2.txt" "$lab/goroutine-t3.debug2.txt")
title=$("$bin" goroutines "${dumps[@]}" --json | rank1)
"$bin" goroutines "${dumps[@]}" --html "$out/goroutines.html" >/dev/null
python3 "$here/page_check.py" "$out/goroutines.html" --title "$title"

top=$("$bin" top "$lab/heap-t3.pb.gz" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["name"])')
"$bin" top "$lab/heap-t3.pb.gz" --base "$lab/heap-t1.pb.gz" --html "$out/top.html" >/dev/null
python3 "$here/page_check.py" "$out/top.html" --text "$top"

core=$src/testdata/core/go1.19/notifier
xz -dc "$core/core.xz" > "$out/core"
xz -dc "$core/notifier.bin.xz" > "$out/notifier.bin"
title=$("$bin" core "$out/core" "$out/notifier.bin" --json | rank1)
"$bin" core "$out/core" "$out/notifier.bin" --html "$out/core.html" >/dev/null
python3 "$here/page_check.py" "$out/core.html" --title "$title"
rm -f "$out/core" "$out/notifier.bin"

hostile='main.<img src=x onerror=alert(1)>"><svg onload=alert(2)></script><script>alert(3)</script>'
bash "$here/hostile_dump.sh" "$lab/goroutine-t3.debug2.txt" > "$out/hostile.txt"
"$bin" goroutines "$out/hostile.txt" --html "$out/hostile.html" >/dev/null
python3 "$here/page_check.py" "$out/hostile.html" --text "$hostile"
if grep -q '<img\|<svg' "$out/hostile.html"; then
  echo "hostile markup reached the page as markup" >&2
  exit 1
fi
echo "ok: diagnose, goroutines, top, core and a hostile dump"
