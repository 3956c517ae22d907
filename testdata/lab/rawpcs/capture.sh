#!/usr/bin/env bash
# rawpcs/capture.sh VERSION... — heap profiles whose locations carry raw pcs
# and no function names, and the executable that names them (issue #12).
#
#   testdata/lab/rawpcs/capture.sh 1.19 1.22 1.27
#
# Builds reportcache (main.go here; from /go/src/reportcache, without DWARF:
# -ldflags=-w keeps .gopclntab and the symbol table, all --binary reads) and
# runs it once. Twice (N = 1, 2: 1000 then 2000 reports kept), at one GC
# cycle each, it writes:
#   heap-legacy-N.txt   runtime.MemProfile's records in pprof's legacy heap
#                       text, "@ 0x..." pcs and no "#" symbol lines
#   heap-N.pb.gz        pprof.WriteHeapProfile of the same cycle: the
#                       symbolised reference
# and then `go tool pprof -proto -symbolize=none` turns each text into
#   heap-unsym-N.pb.gz  a protobuf whose locations hold only addresses
#                       (checked: pprof -raw -symbolize=none lists no function)
# and, once, goroutine-legacy.txt (runtime.GoroutineProfile's records as pprof's
# legacy count text, no "#" lines), goroutine.pb.gz (runtime/pprof's, the
# reference) and goroutine-unsym.pb.gz (pprof -proto -symbolize=none of the text).
# Writes them and reportcache.bin.xz into ../../rawpcs/goVERSION/. Needs root (for /go/src) and the toolchains in
# /opt/go-toolchains.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEST=$(cd "$HERE/../.." && pwd)/rawpcs
die() { printf 'rawpcs: ERROR: %s\n' "$*" >&2; exit 1; }
[ $# -ge 1 ] || die "usage: capture.sh VERSION..."
[ "$(id -u)" = 0 ] || die "must run as root"
for V in "$@"; do
  TMPD=$(mktemp -d /tmp/gomemdx-rawpcs.XXXXXX)
  GOROOT_LINK=/usr/lib/go-$V
  [ -x "$GOROOT_LINK/bin/go" ] || ln -sfn "/opt/go-toolchains/go-$V/usr/lib/go-$V" "$GOROOT_LINK"
  rm -rf /go/src/reportcache; mkdir -p /go/src/reportcache /go/bin
  cp "$HERE/main.go" "$HERE/go.mod" /go/src/reportcache/
  BIN=/go/bin/reportcache-$V
  export GOROOT=$GOROOT_LINK PATH="$GOROOT_LINK/bin:/usr/local/bin:/usr/bin:/bin"
  export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOENV=off
  export HOME=$TMPD GOCACHE="$TMPD/gocache" GOPATH="$TMPD/gopath"
  (cd /go/src/reportcache && go build -ldflags=-w -o "$BIN" .) || die "build with Go $V failed"
  OUT=$DEST/go$V
  mkdir -p "$OUT"
  "$BIN" "$OUT"
  for P in heap-legacy-1:heap-unsym-1 heap-legacy-2:heap-unsym-2 goroutine-legacy:goroutine-unsym; do
    go tool pprof -proto -symbolize=none "$BIN" "$OUT/${P%%:*}.txt" \
      >"$OUT/${P#*:}.pb.gz" 2>"$TMPD/pprof.err" || die "pprof: $(cat "$TMPD/pprof.err")"
    # no function names: every location line of -raw is "N: 0xADDR M=1" alone
    go tool pprof -raw -symbolize=none "$OUT/${P#*:}.pb.gz" 2>/dev/null |
      sed -n '/^Locations/,/^Mappings/p' | grep -Eq '^ +[0-9]+: 0x[0-9a-f]+ M=[0-9]+ +[^ ]' &&
      die "go$V: ${P#*:}.pb.gz has function names"
  done
  xz -9 -T1 -c "$BIN" >"$OUT/reportcache.bin.xz"
  rm -rf "$TMPD"
  echo "go$V: $(ls "$OUT" | tr '\n' ' ')"
done
