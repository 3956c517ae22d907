# Shared by capture.sh and compare.sh: finding Go, running pprof, the
# variants compared, and the lines of pprof's output that gomemdx prints.

parity_find_go() {
  if [ -n "${GMX_GO:-}" ]; then echo "$GMX_GO"; return; fi
  ls -d /opt/go-toolchains/*/usr/lib/go-*/bin/go 2>/dev/null | sort -V | tail -n 1
}

# The go binary of the toolchain whose version (go1.N or go1.N.P) the
# golden files were captured with: $GMX_GO when it is that version, else
# /opt/go-toolchains/go-1.N; nothing when neither is there.
parity_go_of_version() {
  local want=${1%.*} # go1.27.4 -> go1.27; go1.27 stays
  case $1 in go[0-9]*.[0-9]*.[0-9]*) ;; *) want=$1 ;; esac
  if [ -n "${GMX_GO:-}" ] && [ "$(parity_go_version "$GMX_GO")" = "$want" ]; then
    echo "$GMX_GO"; return
  fi
  local minor=${want#go}
  local go=/opt/go-toolchains/go-$minor/usr/lib/go-$minor/bin/go
  [ -x "$go" ] && echo "$go"
}

parity_go_version() {
  "$1" env GOVERSION 2>/dev/null | sed 's/^\(go[0-9]*\.[0-9]*\).*/\1/'
}

# Runs `go tool pprof FLAGS FILE` offline, with a private HOME and cache;
# prints only stdout (pprof's warnings go to stderr). TZ=UTC fixes "Time:".
parity_pprof() {
  local go=$1; shift
  local home=${GMX_PARITY_HOME:-${TMPDIR:-/tmp}/gomemdx-parity-home}
  mkdir -p "$home"
  TZ=UTC HOME=$home GOCACHE=$home/cache GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod \
    PPROF_TMPDIR=$home "$go" tool pprof "$@" 2>/dev/null
}

# variant|pprof flags|gomemdx arguments ({} stands for the profile), for
# one profile path (relative to testdata/lab/captures, the working
# directory). A later capture (-t2, -t3) is also compared with its first one
# as the base.
parity_variants() {
  echo "top|-top|top {}"
  echo "cum|-top -cum|top --cum {}"
  case "$1" in
    *heap*) echo "alloc|-top -sample_index=alloc_space|top --sample-index alloc_space {}" ;;
  esac
  case "$1" in
    *-t[2-9].pb.gz)
      local first=${1%-t[2-9].pb.gz}-t1.pb.gz
      [ -f "$first" ] && echo "base|-top -base=$first|top --base $first {}" ;;
  esac
  echo "peek|-peek=main\\.|peek {} main\\."
  # The lab's sources were built in /go/src/<service>; ../services holds them.
  echo "list|-list=main\\. -source_path=../services -trim_path=/go/src|list {} main\\. --source ../services --trim-path /go/src"
}

# The checksum of a profile together with the first capture of its series
# (the -base variant depends on both).
parity_sum() {
  local first=${1%-t[2-9].pb.gz}-t1.pb.gz
  [ "$first" != "$1" ] && [ -f "$first" ] || first=""
  cat "$1" $first | sha256sum | cut -c1-64
}
