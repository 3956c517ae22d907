#!/usr/bin/env bash
# arch_check.sh ROOT — enforces the module dependency rules of
# docs/ARCHITECTURE.md on #include lines: each stage may include only the
# stages listed for it. Public headers (gomemdx/...) are open to all.
set -u
root=$1
declare -A allowed=(
  [util]="util"
  [load]="util load"
  [parse]="util parse"
  [model]="util model"
  [analyze]="util analyze"
  [report]="util report"
  [ingest]="util ingest"
  [scrape]="util scrape"
  [store]="util store"
  [convert]="util convert"
  [watch]="util watch"
  [core]="util core"
)
fail=0
for dir in "$root"/src/lib/*/ "$root"/src/util/; do
  stage=$(basename "$dir")
  [ -n "${allowed[$stage]+x}" ] || { echo "arch: unknown module src/lib/$stage (add it to arch_check.sh and ARCHITECTURE.md)"; fail=1; continue; }
  while IFS= read -r line; do
    file=${line%%:*}
    inc=$(sed -n 's/^#include "\([^"/]*\)\/.*/\1/p' <<<"${line#*:}")
    [ -z "$inc" ] && continue
    [ "$inc" = gomemdx ] && continue
    case " ${allowed[$stage]} " in
      *" $inc "*) ;;
      *) echo "arch: ${file#$root/} includes $inc/, which $stage/ may not depend on"; fail=1 ;;
    esac
  done < <(grep -H '^#include "' "$dir"*.[ch] 2>/dev/null)
done
# The CLI sees only the public API.
if grep -n '^#include "\(util\|parse\|model\|analyze\|report\|load\|ingest\|core\|convert\|scrape\|store\|watch\)/' "$root"/src/cli/*.[ch]; then
  echo "arch: src/cli may include only gomemdx/ public headers"; fail=1
fi
[ $fail = 0 ] && echo "arch: module dependencies respected"
exit $fail
