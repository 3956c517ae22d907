#!/usr/bin/env bash
# short_options.sh GOMEMDX — one meaning per short option: across every
# command's help, a letter (-i, -s, ...) always stands for the same long
# option, so a habit learnt on one command is safe on the next.
set -u
bin=$1
fail=0
declare -A meaning
for cmd in $("$bin" help | awk '/^commands:/{on=1; next} on && NF==0{exit} on{print $1}'); do
  while read -r short long; do
    prev=${meaning[$short]:-}
    if [ -n "$prev" ] && [ "$prev" != "$long" ]; then
      echo "-$short means $prev elsewhere but $long in '$cmd'"
      fail=1
    fi
    meaning[$short]=$long
  done < <("$bin" help "$cmd" | sed -n 's/^  -\(.\), --\([a-z-]*\).*/\1 \2/p')
done
[ ${#meaning[@]} -gt 5 ] || { echo "found only ${#meaning[@]} short options: help changed?"; fail=1; }
exit $fail
