#!/usr/bin/env bash
# archives.sh GOMEMDX — an incident folder attached as an archive (GitHub
# takes .zip and .tar.gz, not folders) reads as the folder: diagnose names
# the same findings from examples/incident zipped (with python3's zipfile),
# tarred and gzipped, and tarred and xz-compressed; a cut archive keeps the
# members before the cut and names the one it lost; a command that reads
# one file says to read an archive with diagnose.
set -u
bin=$1
root=${GMX_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
cp -r "$root/examples/incident" "$tmp/incident"
(cd "$tmp" && python3 -m zipfile -c incident.zip incident && tar czf incident.tar.gz incident &&
 tar cJf incident.tar.xz incident) || { echo "FAIL: cannot build the archives"; exit 1; }

findings() { # the findings of diagnose --json on $1: category, severity, site, title
  "$bin" diagnose "$1" --json --events "$tmp/incident/events.csv" 2>/dev/null |
    jq -c '[.findings[] | [.category, .severity, .site.function, .title]]'
}
want=$(findings "$tmp/incident")
[ -n "$want" ] && [ "$want" != "[]" ] || { echo "FAIL: the folder gives no findings"; exit 1; }
for a in incident.zip incident.tar.gz incident.tar.xz; do
  got=$(findings "$tmp/$a")
  if [ "$got" != "$want" ]; then
    echo "FAIL $a: findings differ from the folder's"
    diff <(echo "$want" | jq .) <(echo "$got" | jq .) | head -10
    fail=1
  fi
done

# cut inside its last member: read up to there, the loss named
size=$(stat -c %s "$tmp/incident.zip")
head -c $((size * 3 / 4)) "$tmp/incident.zip" > "$tmp/cut.zip"
out=$("$bin" diagnose "$tmp/cut.zip" 2>&1)
rc=$?
if [ $rc -ne 0 ] || ! grep -q "skipped .*cut.zip: incident/" <<<"$out" ||
   ! grep -q "cut.zip:incident/goroutine-01.debug2.txt" <<<"$out"; then
  echo "FAIL cut.zip (status $rc): $(head -c 600 <<<"$out")"
  fail=1
fi

err=$("$bin" goroutines "$tmp/incident.zip" 2>&1 >/dev/null)
rc=$?
if [ $rc -ne 2 ] || ! grep -q "is an archive of .* files; read them with \`gomemdx diagnose" <<<"$err"; then
  echo "FAIL goroutines incident.zip (status $rc): $err"
  fail=1
fi
exit $fail
