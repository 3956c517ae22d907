#!/usr/bin/env bash
# Scores gomemdx on the real-world corpus (testdata/realworld): incidents copied
# verbatim from public issue threads, each with the culprit its maintainers named.
#
# usage: score.sh GOMEMDX_BINARY [--verbose] [--json FILE] [--floor FILE] [--dir DIR]
#
#   --verbose     also print, per case, the first findings and the refusal message,
#                 and a table per damage class
#   --json FILE   write a machine-readable summary (per case and totals) to FILE
#   --floor FILE  key<TAB>count lines (top3, rank1, negatives_clean, max_refused);
#                 exit 1 when a figure falls below its floor (max_refused: above)
#   --dir DIR     the corpus (default: testdata/realworld beside this script's repo)
#
# Per case the scorer runs `GOMEMDX diagnose <artifact files> --json`; see
# testdata/realworld/README.md for what is counted.
set -u
if [ $# -lt 1 ]; then
    sed -n '2,15p' "$0" >&2
    exit 2
fi
bin=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
dir="$here/../../testdata/realworld"
verbose=0 json="" floor=""
while [ $# -gt 0 ]; do
    case "$1" in
        --verbose|-v) verbose=1 ;;
        --json) json=${2:?--json needs a file}; shift ;;
        --floor) floor=${2:?--floor needs a file}; shift ;;
        --dir) dir=${2:?--dir needs a folder}; shift ;;
        *) echo "score.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
[ -x "$bin" ] || { echo "score.sh: $bin is not an executable" >&2; exit 2; }
[ -d "$dir" ] || { echo "score.sh: no corpus at $dir" >&2; exit 2; }
exec python3 "$here/score.py" "$bin" "$dir" "$verbose" "$json" "$floor"
