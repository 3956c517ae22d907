#!/usr/bin/env bash
# generated.sh GOMEMDX SHARE_DIR — the man page and the completion scripts
# the build wrote from the option tables: the man page renders (man -l,
# without groff warnings) and names every command and every option that
# `gomemdx help` shows; bash completes `gomemdx di<TAB>` to diagnose and a
# command's options, and zsh's script (run with the completion system's
# functions replaced by ones that print what they are given) offers every
# command and every option of a command.
set -u
bin=$1 share=$2
fail=0
for f in gomemdx.1 gomemdx.bash _gomemdx; do
  [ -s "$share/$f" ] || { echo "FAIL: $share/$f was not written"; exit 1; }
done

warnings=$(groff -man -ww -z "$share/gomemdx.1" 2>&1)
[ -z "$warnings" ] || { echo "FAIL: groff warns: $warnings"; fail=1; }
page=$(MANWIDTH=200 man -l "$share/gomemdx.1" 2>/dev/null | col -b)
[ -n "$page" ] || { echo "FAIL: man -l rendered nothing"; exit 1; }
commands=$("$bin" help | awk '/^commands:/{on=1; next} on && NF==0{exit} on{print $1}')
[ -n "$commands" ] || { echo "FAIL: no commands in gomemdx help"; exit 1; }
for cmd in $commands; do
  grep -q "^ *gomemdx $cmd\b" <<<"$page" || { echo "FAIL: the man page has no section for $cmd"; fail=1; }
  for opt in $("$bin" help "$cmd" | sed -n 's/^  \(-., \)\{0,1\} *\(--[a-z-]*\).*/\2/p'); do
    grep -q -- "$opt\b" <<<"$page" || { echo "FAIL: the man page lacks $cmd $opt"; fail=1; }
  done
done

# Completes words as bash would at <TAB>: the candidates, space-separated.
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _gomemdx
           echo "${COMPREPLY[*]}"' _ "$share/gomemdx.bash" "$@"
}
got=$(complete_words gomemdx di)
[ "$got" = diagnose ] || { echo "FAIL: gomemdx di<TAB> gave '$got', not diagnose"; fail=1; }
got=$(complete_words gomemdx top --sample)
[ "$got" = --sample-index ] || { echo "FAIL: gomemdx top --sample<TAB> gave '$got'"; fail=1; }
got=$(complete_words gomemdx --no-color wat)
[ "$got" = watch ] || { echo "FAIL: gomemdx --no-color wat<TAB> gave '$got'"; fail=1; }
grep -q "^#compdef gomemdx" "$share/_gomemdx" || { echo "FAIL: _gomemdx is no zsh completion"; fail=1; }
command -v zsh >/dev/null || { echo "FAIL: zsh is not installed (scripts/deps.sh test installs it)"; exit 1; }
zsh -n "$share/_gomemdx" || { echo "FAIL: _gomemdx is not valid zsh"; fail=1; }
# What zsh would offer for the words so far, one candidate or spec a line.
zsh_offers() {
  zsh -f -c '
    _describe() { print -rl -- ${(P)4}; }
    _arguments() { print -rl -- "$@"; }
    _files() { :; }
    script=$1; shift; words=("$@"); CURRENT=$#
    source $script' _ "$share/_gomemdx" "$@"
}
offered=$(zsh_offers gomemdx d)
for cmd in $commands; do
  grep -q "^$cmd:" <<<"$offered" || { echo "FAIL: zsh does not offer the command $cmd"; fail=1; }
done
for cmd in $commands; do
  offered=$(zsh_offers gomemdx "$cmd" -)
  for opt in $("$bin" help "$cmd" | sed -n 's/^  \(-., \)\{0,1\} *\(--[a-z-]*\).*/\2/p'); do
    grep -q -- "^'\{0,1\}$opt[=[]" <<<"$offered" ||
      grep -q -- "$opt[]=[]" <<<"$offered" || { echo "FAIL: zsh does not offer $cmd $opt"; fail=1; }
  done
done
exit $fail
