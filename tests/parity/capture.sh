#!/usr/bin/env bash
# capture.sh [GO] — captures the parity golden files: for every pprof
# profile (*.pb.gz) under testdata/lab/captures, the output of
# `go tool pprof` in each variant of lib.sh (-top, -cum, alloc_space for heap
# profiles, -base with the first capture of a series, -peek), into
# tests/parity/golden/<go version>/<path>.<variant>.txt, with <path>.sha256
# naming the profile (and base) they were captured from. Files whose
# profile is unchanged are kept; GMX_PARITY_FORCE=1 captures them all again.
# GO defaults to $GMX_GO or the newest /opt/go-toolchains/*/usr/lib/go-*/bin/go.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/parity/lib.sh"
go=${1:-$(parity_find_go)}
[ -n "$go" ] || { echo "capture.sh: no Go toolchain found (set GMX_GO)" >&2; exit 2; }
ver=$(parity_go_version "$go")
out="$root/tests/parity/golden/$ver"
mkdir -p "$out"
# The exact version, beside the golden files: compare.sh --live runs it.
"$go" env GOVERSION >"$out/GOVERSION"
cd "$root/testdata/lab/captures"
find . -name '*.pb.gz' | sort | while read -r f; do
  rel=${f#./}
  mkdir -p "$out/$(dirname "$rel")"
  # The profile's checksum marks which capture the golden files are of; a
  # profile captured again gets new golden files.
  sum=$(parity_sum "$rel" "")
  sumfile="$out/${rel%.pb.gz}.sha256"
  force=${GMX_PARITY_FORCE:-0}
  [ "$(cat "$sumfile" 2>/dev/null)" = "$sum" ] || force=1
  echo "$sum" >"$sumfile"
  parity_variants "$rel" | while IFS='|' read -r variant pprof_flags _gmx_flags; do
    golden="$out/${rel%.pb.gz}.$variant.txt"
    [ -f "$golden" ] && [ "$force" != 1 ] && continue
    # pprof fails (status 2, no output) when -peek matches nothing; so must we.
    # shellcheck disable=SC2086
    parity_pprof "$go" $pprof_flags "$rel" >"$golden" || true
  done
done
echo "captured $(find "$out" -name '*.txt' | wc -l) golden files into ${out#$root/}"
