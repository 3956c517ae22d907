# Sourced by the scripts that build lab programs (testdata/lab/capture.sh,
# testdata/lab/forecast/capture.sh, examples/make-incident.sh): Go
# toolchains from Debian's own packages.
#
# go_root VERSION prints /usr/lib/go-VERSION, the GOROOT of Debian's
# golang-VERSION-go package, so that the file paths in tracebacks and
# profiles are the same on every machine. When that package is not
# installed, the toolchain comes from install-go (INSTALL_GO, by default
# the one in the shared/ folder beside the repository) and is linked there.
GMX_REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
INSTALL_GO=${INSTALL_GO:-$GMX_REPO_ROOT/../shared/tools/install-go}

go_root() {
  local v=$1 link=/usr/lib/go-$1 gobin real
  if [ -x "$link/bin/go" ]; then
    echo "$link"
    return 0
  fi
  [ -x "$INSTALL_GO" ] || { echo "go_root: no Go $v at $link and no install-go at $INSTALL_GO (set INSTALL_GO)" >&2; return 1; }
  gobin=$("$INSTALL_GO" "$v" | grep -m1 "/go-$v/bin/go\$") || { echo "go_root: install-go found no Go $v" >&2; return 1; }
  real=$(dirname "$(dirname "$gobin")")
  if [ -e "$link" ] && [ ! -L "$link" ]; then
    echo "go_root: $link exists and is not a Go toolchain" >&2
    return 1
  fi
  ln -sfn "$real" "$link"
  echo "$link"
}
