#!/usr/bin/env bash
# deps.sh build|test — installs the Debian 12 packages gomemdx needs that
# are missing: with apt-get when run as root, otherwise prints the one
# apt-get line to run and fails.
#   build: compile gomemdx (make demo)
#   test:  also the test suite, the sanitizer build and the fuzzers (make test)
#   bench: also the tools bench/ runs beside gomemdx (make bench)
set -euo pipefail
profile=${1:-build}
pkgs=(gcc make cmake pkg-config libdeflate-dev zlib1g-dev libjansson-dev
      libcurl4-openssl-dev libsqlite3-dev libelf-dev libdw-dev libarchive-dev)
if [ "$profile" = test ] || [ "$profile" = bench ]; then
  pkgs+=(libcmocka-dev xz-utils valgrind clang-14 libclang-rt-14-dev jq python3 zsh chromium)   # chromium: the HTML report's browser test
fi
if [ "$profile" = bench ]; then
  pkgs+=(hyperfine time delve gdb)   # time: GNU time -v for peak RSS; gdb: gcore for bench/core.sh's cores
fi
missing=()
for p in "${pkgs[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "gomemdx needs these Debian packages; install them with:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
