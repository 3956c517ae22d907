#!/usr/bin/env bash
# run_case.sh GOMEMDX CASE_DIR — one end-to-end case: runs `gomemdx ARGS`
# (ARGS from CASE_DIR/cmd, one line, paths relative to the repository root)
# with no terminal and NO_COLOR, and compares stdout, stderr and the exit
# status with CASE_DIR/{stdout,stderr,status}.
# GMX_UPDATE_GOLDEN=1 writes the golden files instead of comparing.
set -u
bin=$1
case_dir=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
args=$(head -n 1 "$case_dir/cmd")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The binary's path is not part of the output; a fixed name keeps goldens stable.
eval "set -- $args"
NO_COLOR=1 "$bin" "$@" >"$work/stdout" 2>"$work/stderr" </dev/null
echo $? >"$work/status"
if [ "${GMX_UPDATE_GOLDEN:-0}" = 1 ]; then
  cp "$work/stdout" "$work/stderr" "$work/status" "$case_dir/"
  echo "updated $case_dir"
  exit 0
fi
fail=0
for f in status stdout stderr; do
  if ! diff -u "$case_dir/$f" "$work/$f" >"$work/$f.diff" 2>&1; then
    echo "--- $f differs for $(basename "$case_dir") (GMX_UPDATE_GOLDEN=1 to accept):"
    head -n 60 "$work/$f.diff"
    fail=1
  fi
done
exit $fail
