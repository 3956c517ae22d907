#!/usr/bin/env bash
# compare.sh GOMEMDX [--live] — parity of `gomemdx top` and `peek` with
# `go tool pprof -top` and `-peek` on every lab profile, in each variant of
# lib.sh.
#   (default)  against the committed golden output, every profile and variant
#              whose golden files are of the profile as it is now (.sha256)
#   --live     against a live pprof run of the Go version the golden files
#              were captured with (golden/<go1.N>/GOVERSION; $GMX_GO when it
#              is that version, else /opt/go-toolchains/go-1.N), on every
#              k-th profile so that at most $GMX_PARITY_LIVE_MAX (default 12)
#              run; exits 77 (skipped) when that toolchain is not found.
#              pprof's output differs between versions ("Time:" in 1.19), so
#              the newest Go on the machine is not the reference.
# Prints each mismatch with a diff and a summary; exits 1 on any mismatch.
set -u
bin=$(realpath "$1")
live=${2:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/parity/lib.sh"
cd "$root/testdata/lab/captures" || exit 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
checked=0 failed=0 stale=0

check() { # check WHAT EXPECTED-FILE GOT-FILE
  checked=$((checked + 1))
  if ! diff -u "$2" "$3" >"$work/diff"; then
    failed=$((failed + 1))
    echo "MISMATCH $1"
    head -n 30 "$work/diff"
  fi
}

run_gomemdx() { # run_gomemdx ARGS PATH: ARGS from parity_variants, {} = PATH
  local args=${1//\{\}/$2}
  # shellcheck disable=SC2086
  TZ=UTC "$bin" $args >"$work/got" 2>"$work/err"
}

if [ "$live" = --live ]; then
  # The newest golden set names the reference version.
  golden_dir=$(ls -d "$root"/tests/parity/golden/go*/ | sort -V | tail -n 1)
  want=$(cat "$golden_dir/GOVERSION" 2>/dev/null || basename "$golden_dir")
  go=$(parity_go_of_version "$want")
  [ -n "$go" ] || { echo "parity: no $want toolchain found (the golden files' pprof), live comparison skipped"; exit 77; }
  goversion=$("$go" env GOVERSION)
  mapfile -t files < <(find . -name '*.pb.gz' | sort)
  max=${GMX_PARITY_LIVE_MAX:-12}
  step=$(( (${#files[@]} + max - 1) / max ))
  [ "$step" -ge 1 ] || step=1
  for ((i = 0; i < ${#files[@]}; i += step)); do
    rel=${files[$i]#./}
    while IFS='|' read -r variant pprof_flags gmx_args; do
      # shellcheck disable=SC2086
      parity_pprof "$go" $pprof_flags "$rel" >"$work/live"
      run_gomemdx "$gmx_args" "$rel"
      check "$rel ($variant) vs live $goversion pprof" "$work/live" "$work/got"
    done < <(parity_variants "$rel")
  done
else
  for golden_dir in "$root"/tests/parity/golden/*/; do
    while read -r f; do
      rel=${f#./}
      sumfile="$golden_dir${rel%.pb.gz}.sha256"
      [ -f "$sumfile" ] || continue
      if [ "$(cat "$sumfile")" != "$(parity_sum "$rel")" ]; then
        stale=$((stale + 1))
        continue
      fi
      while IFS='|' read -r variant _pprof_flags gmx_args; do
        golden="$golden_dir${rel%.pb.gz}.$variant.txt"
        [ -f "$golden" ] || continue
        run_gomemdx "$gmx_args" "$rel"
        check "$rel ($variant) vs ${golden#$root/}" "$golden" "$work/got"
      done < <(parity_variants "$rel")
    done < <(find . -name '*.pb.gz' | sort)
  done
fi
echo "parity: $((checked - failed)) of $checked comparisons match go tool pprof"
[ "$stale" = 0 ] || echo "parity: $stale profiles were captured again since their golden files (tests/parity/capture.sh refreshes them)"
[ "$failed" = 0 ]
