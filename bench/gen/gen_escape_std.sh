#!/usr/bin/env bash
# gen_escape_std.sh PACKAGES... -o FILE — the compiler's -m=2 escape-analysis
# log of a whole build (`go build -gcflags=all=-m=2 PACKAGES`, e.g. std: ~2M
# lines): the input of bench/run.sh's escape-std comparison. A fresh GOCACHE
# makes the compiler run (and print) for every package. GO picks the
# toolchain (default: the project's Go 1.27).
set -euo pipefail
GO=${GO:-/opt/go-toolchains/go-1.27/usr/lib/go-1.27/bin/go}
[ -x "$GO" ] || GO=$(command -v go) || { echo "gen_escape_std: no Go toolchain" >&2; exit 2; }
out="" pkgs=()
while [ $# -gt 0 ]; do
	case $1 in
	-o) out=$2; shift 2 ;;
	*) pkgs+=("$1"); shift ;;
	esac
done
[ -n "$out" ] && [ ${#pkgs[@]} -gt 0 ] || { echo "usage: gen_escape_std.sh PACKAGES... -o FILE" >&2; exit 2; }
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
# go build exits 0; the diagnostics are its stderr
GOCACHE=$cache GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false \
	"$GO" build -gcflags=all=-m=2 "${pkgs[@]}" 2>"$out"
echo "$("$GO" version): $(wc -l <"$out") lines" >&2
