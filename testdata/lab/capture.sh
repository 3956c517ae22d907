#!/usr/bin/env bash
# capture.sh — build the lab services with several Go toolchains, run them, and capture
# goroutine dumps / pprof profiles / SIGQUIT dumps / escape logs. Contract: README.md.
#
#   capture.sh [--versions "1.19 1.22 1.27"] [--times "20 70 150"] [--out DIR] [SVC...]
#   capture.sh --manifest-only          # regenerate MANIFEST.tsv and run the checks
#
# --times and --out are for quick trial runs (e.g. --times "5 10 15" --out /tmp/try);
# with --out the MANIFEST is not touched.
set -euo pipefail

LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VERSIONS="1.19 1.22 1.27"
TIMES="20 70 150"
OUT_ROOT="$LAB/captures"
CUSTOM_OUT=0
MANIFEST_ONLY=0
SVCS=()
INSTALL_LOG=/tmp/go-install.log
LOCK=/tmp/gomemdx-lab-capture.lock
FORBIDDEN='/(opt/go-toolchains|work|tmp|root)(/|$|[^A-Za-z0-9_.-])'
CATEGORIES="chan-send-blocked chan-recv-blocked nil-chan select-blocked mutex-held
waitgroup-mismatch cond-wait io-no-timeout goroutine-surge deadlock heap-growth map-growth
slice-retention timer-leak goroutine-stacks alloc-spike escape"

log() { printf 'capture: %s\n' "$*" >&2; }
die() { printf 'capture: ERROR: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case $1 in
    --versions) [ $# -ge 2 ] || die "--versions needs a value"; VERSIONS=$2; shift 2 ;;
    --versions=*) VERSIONS=${1#*=}; shift ;;
    --times) [ $# -ge 2 ] || die "--times needs a value"; TIMES=$2; shift 2 ;;
    --times=*) TIMES=${1#*=}; shift ;;
    --out) [ $# -ge 2 ] || die "--out needs a value"; OUT_ROOT=$2; CUSTOM_OUT=1; shift 2 ;;
    --out=*) OUT_ROOT=${1#*=}; CUSTOM_OUT=1; shift ;;
    --manifest-only) MANIFEST_ONLY=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option $1" ;;
    *) SVCS+=("$1"); shift ;;
  esac
done
read -r -a TIMES_A <<<"$TIMES"
[ ${#TIMES_A[@]} -eq 3 ] || die "--times needs exactly three values"
read -r -a VERSIONS_A <<<"$VERSIONS"
[ ${#VERSIONS_A[@]} -ge 1 ] || die "no Go versions given"

# ---------------------------------------------------------------- case.tsv
# read_case SVC -> sets array CASE (10 fields)
read_case() {
  local f="$LAB/services/$1/case.tsv" line
  [ -f "$f" ] || die "$1: no case.tsv"
  line=$(grep -v '^#' "$f" | grep -v '^[[:space:]]*$' | head -n 1 || true)
  [ -n "$line" ] || die "$1: case.tsv has no data line"
  [ "$(grep -v '^#' "$f" | grep -vc '^[[:space:]]*$')" -eq 1 ] || die "$1: case.tsv must have exactly one data line"
  IFS=$'\t' read -r -a CASE <<<"$line"
  [ ${#CASE[@]} -eq 10 ] || die "$1: case.tsv data line has ${#CASE[@]} TAB-separated fields, want 10"
  [ "${CASE[0]}" = "$1" ] || die "$1: case.tsv case '${CASE[0]}' differs from the directory name"
  case ${CASE[1]} in leak|surge|healthy|heap) ;; *) die "$1: bad kind '${CASE[1]}'" ;; esac
  if [ "${CASE[1]}" = healthy ]; then
    [ "${CASE[2]}" = - ] || die "$1: healthy case must have category '-'"
  else
    grep -qw -- "${CASE[2]}" <<<"$CATEGORIES" || die "$1: unknown category '${CASE[2]}'"
  fi
  [[ ${CASE[5]} =~ ^([0-9]+|-)$ && ${CASE[8]} =~ ^([0-9]+|-)$ ]] || die "$1: line columns must be numbers or '-'"
  local e
  for e in ${CASE[9]//,/ }; do
    case $e in sigquit|escape|oom|panic|core|-) ;; *) die "$1: unknown extra '$e'" ;; esac
  done
}
has_extra() { [[ ",${CASE[9]}," == *",$1,"* ]]; }

all_services() {
  local d
  for d in "$LAB"/services/*/; do [ -d "$d" ] && basename "$d"; done
}

# ---------------------------------------------------------------- checks
BAD=0
check_paths() { # DIR...
  local f hit
  while IFS= read -r -d '' f; do
    if [[ $f == *.gz ]]; then
      gzip -t "$f" 2>/dev/null || { log "CHECK: corrupt gzip: $f"; BAD=1; continue; }
      hit=$(zcat "$f" | grep -aoE "$FORBIDDEN" | head -n 3 || true)
    else
      hit=$(grep -aoE "$FORBIDDEN" "$f" | head -n 3 || true)
    fi
    if [ -n "$hit" ]; then log "CHECK: forbidden path in $f: $(tr '\n' ' ' <<<"$hit")"; BAD=1; fi
  done < <(find "$@" -type f -print0 2>/dev/null)
}

# debug=1 header "goroutine profile: total N"
total_of() { [ -f "$1" ] && sed -n '1s/.*total \([0-9]*\).*/\1/p' "$1" || echo -; }

# check_case SVC DIR: culprit/creator visible in the captured dumps of DIR
check_case() {
  local svc=$1 dir=$2 kind=${CASE[1]} d2 h1
  [ -f "$dir/captures.tsv" ] || return 0
  case $kind in
    leak|surge)
      d2="$dir/goroutine-t3.debug2.txt"
      [ "$kind" = surge ] && d2="$dir/goroutine-t2.debug2.txt" # a surge has drained by t3
      [ -f "$d2" ] || { log "CHECK: $svc: missing $d2"; BAD=1; return; }
      if [ "${CASE[3]}" != - ]; then
        # the function line followed by its file:line line
        if ! awk -v fn="${CASE[3]}(" -v fl="${CASE[4]}:${CASE[5]}" '
            prev && index($0, fl) == 2 && (length($0) == length(fl) + 1 || substr($0, length(fl) + 2, 1) == " ") { ok = 1 }
            { prev = (index($0, fn) == 1) } END { exit !ok }' "$d2"; then
          log "CHECK: $svc: culprit ${CASE[3]} ${CASE[4]}:${CASE[5]} not in $d2"; BAD=1
        fi
      fi
      if [ "${CASE[6]}" != - ]; then
        if ! awk -v fn="created by ${CASE[6]}" -v fl="${CASE[7]}:${CASE[8]}" '
            prev && index($0, fl) == 2 && (length($0) == length(fl) + 1 || substr($0, length(fl) + 2, 1) == " ") { ok = 1 }
            { prev = (index($0, fn) == 1 && (length($0) == length(fn) || substr($0, length(fn) + 1, 1) == " ")) } END { exit !ok }' "$d2"; then
          log "CHECK: $svc: creator ${CASE[6]} ${CASE[7]}:${CASE[8]} not in $d2"; BAD=1
        fi
      fi
      local t1 t3
      t1=$(total_of "$dir/goroutine-t1.debug1.txt"); t3=$(total_of "$dir/goroutine-t3.debug1.txt")
      if [ "$kind" = surge ]; then
        t1=$(total_of "$dir/goroutine-t2.debug1.txt") # surge: t2 high, t3 back down
        if [[ $t1 =~ ^[0-9]+$ && $t3 =~ ^[0-9]+$ ]] && [ "$t3" -ge "$t1" ]; then
          log "CHECK: $svc: surge did not drain t2=$t1 t3=$t3 ($dir)"; BAD=1
        fi
      elif [[ $t1 =~ ^[0-9]+$ && $t3 =~ ^[0-9]+$ ]] && [ "$t3" -le "$t1" ]; then
        log "CHECK: $svc: goroutines did not grow t1=$t1 t3=$t3 ($dir)"; BAD=1
      fi
      ;;
    heap)
      h1="$dir/heap-t3.debug1.txt"
      [ -f "$h1" ] || { log "CHECK: $svc: missing $h1"; BAD=1; return; }
      if [ "${CASE[3]}" != - ] && ! grep -qF -- "${CASE[3]}+0x" "$h1"; then
        log "CHECK: $svc: culprit ${CASE[3]} not in $h1"; BAD=1
      fi
      if [ "${CASE[3]}" != - ] && ! grep -qE -- "[[:space:]]${CASE[4]//./\\.}:${CASE[5]}\$" "$h1"; then
        log "CHECK: $svc: culprit line ${CASE[4]}:${CASE[5]} not in $h1"; BAD=1
      fi
      ;;
  esac
}

# ---------------------------------------------------------------- MANIFEST
candidate_files() { # kind
  local t
  case $1 in
    leak|surge)
      for t in 1 2 3; do echo "goroutine-t$t.debug2.txt goroutine-t$t.debug1.txt goroutine-t$t.pb.gz"; done
      for t in 1 2 3; do echo "goroutineleak-t$t.debug1.txt goroutineleak-t$t.pb.gz"; done
      echo "sigquit.txt escape-m.txt escape-mm.txt" ;;
    heap)
      for t in 1 2 3; do echo "heap-t$t.debug1.txt heap-t$t.pb.gz allocs-t$t.pb.gz"; done
      echo "escape-m.txt escape-mm.txt sigquit.txt" ;;
    healthy)
      for t in 1 2 3; do echo "goroutine-t$t.debug2.txt goroutine-t$t.debug1.txt goroutine-t$t.pb.gz"; done
      for t in 1 2 3; do echo "goroutineleak-t$t.debug1.txt goroutineleak-t$t.pb.gz"; done
      for t in 1 2 3; do echo "heap-t$t.debug1.txt heap-t$t.pb.gz allocs-t$t.pb.gz"; done
      echo "sigquit.txt" ;;
  esac | tr ' ' '\n'
  [ -n "${2:-}" ] && printf '%s\n' oom.log panic.log crash.txt core "$2.bin" # extras oom/panic/core
}

gen_manifest() {
  local tmp svc dirs vers files f v d
  tmp=$(mktemp "$LAB/.MANIFEST.XXXXXX")
  printf 'case\tkind\tcategory\tculprit_function\tculprit_file\tculprit_line\tcreator_function\tcreator_file\tcreator_line\tgo_versions\tfiles\n' >"$tmp"
  for svc in $(all_services); do
    [ -f "$LAB/services/$svc/case.tsv" ] || { log "warning: services/$svc has no case.tsv, skipped"; continue; }
    if ! (read_case "$svc"); then log "CHECK: services/$svc/case.tsv is invalid, skipped"; BAD=1; continue; fi
    read_case "$svc"
    vers=$(for d in "$LAB"/captures/go*/"$svc"; do
             [ -f "$d/captures.tsv" ] || continue
             v=${d#"$LAB"/captures/go}; echo "${v%%/*}"
           done | sort -V | paste -sd, -)
    files=""
    if [ -n "$vers" ]; then
      files=$(for f in $(candidate_files "${CASE[1]}" "$svc"); do
                for v in ${vers//,/ }; do
                  if [ -f "$LAB/captures/go$v/$svc/$f" ]; then echo "$f"; break; fi
                done
              done | paste -sd, -)
      for v in ${vers//,/ }; do check_case "$svc" "$LAB/captures/go$v/$svc"; done
    fi
    printf '%s\t' "${CASE[@]:0:9}" >>"$tmp"
    printf '%s\t%s\n' "${vers:--}" "${files:--}" >>"$tmp"
  done
  mv "$tmp" "$LAB/MANIFEST.tsv"
  log "wrote $LAB/MANIFEST.tsv ($(($(wc -l <"$LAB/MANIFEST.tsv") - 1)) cases)"
}

final_checks() {
  [ -d "$LAB/captures" ] && check_paths "$LAB/captures"
  [ "$CUSTOM_OUT" = 1 ] && [ -d "$OUT_ROOT" ] && check_paths "$OUT_ROOT"
  local kb
  kb=$(du -sk "$LAB" | cut -f1)
  log "lab size: $((kb / 1024)) MB"
  [ "$kb" -le $((40 * 1024)) ] || log "WARNING: lab is over 40 MB"
  [ "$BAD" = 0 ] || die "checks failed (see CHECK lines above)"
  log "all checks passed"
}

if [ "$MANIFEST_ONLY" = 1 ]; then
  gen_manifest
  final_checks
  exit 0
fi

# ---------------------------------------------------------------- capture run
[ "$(id -u)" = 0 ] || die "must run as root (creates /go and /usr/lib/go-1.NN)"
command -v curl >/dev/null || die "curl missing"
command -v ss >/dev/null || die "ss missing"
[ ${#SVCS[@]} -gt 0 ] || mapfile -t SVCS < <(all_services)
[ ${#SVCS[@]} -gt 0 ] || die "no services"
for svc in "${SVCS[@]}"; do
  [ -f "$LAB/services/$svc/main.go" ] || die "no such service: $svc"
  [ -f "$LAB/services/$svc/go.mod" ] || die "$svc: no go.mod"
  read_case "$svc"
done

exec 9>"$LOCK"
if ! flock -n 9; then log "another capture.sh is running; waiting for it"; flock 9; fi

TMPD=$(mktemp -d /tmp/gomemdx-capture.XXXXXX)
declare -A PID=() PORT=()
cleanup() {
  local s
  for s in "${!PID[@]}"; do kill -9 "${PID[$s]}" 2>/dev/null || true; done
  rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'log interrupted; exit 130' INT TERM HUP

# toolchains: the background installer must be finished first
if [ -f "$INSTALL_LOG" ] && ! grep -q '^done' "$INSTALL_LOG"; then
  log "waiting for the background Go install ($INSTALL_LOG)"
  for _ in $(seq 720); do grep -q '^done' "$INSTALL_LOG" && break; sleep 5; done
  grep -q '^done' "$INSTALL_LOG" || die "background Go install did not finish"
fi
# shellcheck source=../../scripts/go-root.sh
. "$LAB/../../scripts/go-root.sh"
setup_goroot() { go_root "$1" || die "no Go $1"; } # VER -> echo GOROOT

# ports: free TCP ports below the ephemeral range
LISTENING=$(ss -Htln | awk '{n = split($4, a, ":"); print a[n]}' | sort -u)
NEXT_PORT=$((20000 + (RANDOM % 120) * 100))
next_port() { # sets NEXT_PORT and prints it; in $(...) the counter does not advance for the caller
  while :; do
    NEXT_PORT=$((NEXT_PORT + 1))
    grep -qx "$NEXT_PORT" <<<"$LISTENING" || { echo "$NEXT_PORT"; return 0; }
  done
}

now() { date +%s.%N; }
sleep_until() { # unix time (float)
  local d
  d=$(awk -v t="$1" -v n="$(now)" 'BEGIN { d = t - n; printf "%.3f", (d > 0 ? d : 0) }')
  sleep "$d"
}

alive() { kill -0 "${PID[$1]}" 2>/dev/null; }
dead_msg() { echo "$1 (go$V) exited early; stderr tail:"; tail -n 20 "$TMPD/$1.stderr" 2>/dev/null || true; }

fetch() { # SVC URLPATH FILE [optional]
  local svc=$1 f="$OUT/$1/$3" code ts
  ts=$(date +%s)
  code=$(curl -s --max-time 120 -o "$f" -w '%{http_code}' "http://127.0.0.1:${PORT[$svc]}$2") || code=000
  if [ "$code" != 200 ]; then
    rm -f "$f"
    [ "${4:-}" = optional ] && return 0
    alive "$svc" || die "$(dead_msg "$svc")"
    die "$svc (go$V): GET $2 returned HTTP $code"
  fi
  printf '%s\t%s\t%s\n' "$3" "$ts" "$GOVER" >>"$OUT/$svc/captures.tsv"
}

capture_point() { # SVC N
  local s=$1 n=$2
  alive "$s" || die "$(dead_msg "$s")"
  fetch "$s" "/debug/pprof/goroutine?debug=2" "goroutine-t$n.debug2.txt"
  fetch "$s" "/debug/pprof/goroutine?debug=1" "goroutine-t$n.debug1.txt"
  fetch "$s" "/debug/pprof/goroutine" "goroutine-t$n.pb.gz"
  fetch "$s" "/debug/pprof/heap" "heap-t$n.pb.gz"
  fetch "$s" "/debug/pprof/heap?debug=1" "heap-t$n.debug1.txt"
  fetch "$s" "/debug/pprof/allocs" "allocs-t$n.pb.gz"
  if [ "$LEAKPROF" = 1 ]; then
    fetch "$s" "/debug/pprof/goroutineleak" "goroutineleak-t$n.pb.gz"
    fetch "$s" "/debug/pprof/goroutineleak?debug=1" "goroutineleak-t$n.debug1.txt"
  fi
}

# ---------------------------------------------------------------- extras oom / panic / core
# Variant runs, one service at a time after the main capture: the same binary run once
# more with the flags/limits below. Options come from '# KEY: value' lines in case.tsv:
#   oom-flags / panic-flags / core-flags  extra command-line flags for that run
#   core-at (seconds before SIGABRT, default 40), core-versions (default: all)
# oom   -> oom.log:   stderr of a run under `ulimit -d` until the runtime's fatal out-of-memory
# panic -> panic.log: stderr of a run with GOTRACEBACK=all until the unrecovered panic
# core  -> core + <svc>.bin + crash.txt: GOTRACEBACK=crash, SIGABRT, kernel core (or gcore),
#          all-zero pages elided by elide-core.py (see there)
OOM_DATA_KB=1048576 # 1 GiB: mid-arena on 1.27, so a heap sysMap (not arena metadata) fails
case_opt() { sed -n "s/^# $2:[[:space:]]*//p" "$LAB/services/$1/case.tsv" | head -n 1; }
wait_exit() { # PID SECONDS
  local i
  for i in $(seq $(($2 * 5))); do kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null || true; return 0; }; sleep 0.2; done
  return 1
}
run_extra() { # SVC EXTRA
  local s=$1 x=$2 port flags ts pid at err="$TMPD/$1.$2.stderr" envs=() lim=""
  flags=$(case_opt "$s" "$x-flags")
  LISTENING=$(ss -Htln | awk '{n = split($4, a, ":"); print a[n]}' | sort -u) # minutes have passed
  port=$(next_port)
  case $x in
    oom) lim="ulimit -d $OOM_DATA_KB" ;;
    panic) envs=(GOTRACEBACK=all) ;;
    core)
      local vs; vs=$(case_opt "$s" core-versions)
      [ -z "$vs" ] || grep -qw -- "$V" <<<"$vs" || return 0
      envs=(GOTRACEBACK=crash); lim="ulimit -c unlimited"; rm -f "/go/src/$s"/core* ;;
  esac
  ts=$(date +%s)
  log "$s: extra run '$x' on 127.0.0.1:$port"
  # shellcheck disable=SC2086 # flags are words
  (cd "/go/src/$s" && ${lim:-:} && exec env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/go "${envs[@]}" \
     "/go/bin/$s" -addr "127.0.0.1:$port" $flags) </dev/null >/dev/null 2>"$err" &
  pid=$!
  case $x in
    oom|panic)
      wait_exit "$pid" 150 || { kill -9 "$pid"; die "$s (go$V): extra '$x' still running after 150 s"; }
      if [ $x = oom ]; then
        grep -q '^fatal error: .*out of memory' "$err" || die "$s (go$V): no out-of-memory fatal error in the oom run; stderr tail: $(tail -n 5 "$err")"
      else
        grep -q '^panic: ' "$err" || die "$s (go$V): no panic in the panic run; stderr tail: $(tail -n 5 "$err")"
      fi
      cp "$err" "$OUT/$s/$x.log"
      printf '%s\t%s\t%s\n' "$x.log" "$ts" "$GOVER" >>"$OUT/$s/captures.tsv" ;;
    core)
      at=$(case_opt "$s" core-at)
      sleep "${at:-40}"
      kill -0 "$pid" 2>/dev/null || die "$s (go$V): exited before the core dump"
      local raw="" pat; pat=$(cat /proc/sys/kernel/core_pattern)
      ts=$(date +%s)
      if [[ $pat == '|'* || $pat == /* ]]; then # cores go elsewhere: take one with gdb first
        gcore -o "$TMPD/$s.gcore" "$pid" >/dev/null 2>&1 || die "$s (go$V): gcore failed"
        raw="$TMPD/$s.gcore.$pid"
      fi
      kill -ABRT "$pid"
      wait_exit "$pid" 60 || { kill -9 "$pid"; die "$s (go$V): did not die on SIGABRT"; }
      if [ -z "$raw" ]; then
        raw=$(ls -t "/go/src/$s"/core* 2>/dev/null | head -n 1)
        [ -n "$raw" ] || die "$s (go$V): no core file written (core_pattern '$pat')"
      fi
      python3 "$LAB/elide-core.py" "$raw" "$OUT/$s/core" || die "$s (go$V): elide-core failed"
      rm -f "$raw"
      cp "/go/bin/$s" "$OUT/$s/$s.bin"
      cp "$err" "$OUT/$s/crash.txt"
      grep -q '^SIGABRT: abort' "$OUT/$s/crash.txt" || die "$s (go$V): no SIGABRT dump in the crash run"
      printf '%s\t%s\t%s\n' core "$ts" "$GOVER" "$s.bin" "$ts" "$GOVER" crash.txt "$ts" "$GOVER" >>"$OUT/$s/captures.tsv" ;;
  esac
}

mkdir -p /go/src /go/bin "$OUT_ROOT"
for V in "${VERSIONS_A[@]}"; do
  ROOT=$(setup_goroot "$V")
  export GOROOT="$ROOT" PATH="$ROOT/bin:/usr/local/bin:/usr/bin:/bin"
  export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOENV=off
  export GOCACHE="$TMPD/gocache-$V" GOPATH="$TMPD/gopath" GOTMPDIR=
  unset GOEXPERIMENT GODEBUG GOTRACEBACK
  GOVER=$(go env GOVERSION)
  [[ $GOVER == go$V* ]] || die "go$V: toolchain reports $GOVER"
  OUT="$OUT_ROOT/go$V"
  # goroutineleak profile: always on from Go 1.27
  LEAKPROF=0; [ "$(printf '%s\n1.27\n' "$V" | sort -V | head -n1)" = 1.27 ] && LEAKPROF=1
  log "== $GOVER: building ${SVCS[*]}"

  for s in "${SVCS[@]}"; do
    read_case "$s"
    rm -rf "/go/src/$s" "$OUT/$s"
    mkdir -p "/go/src/$s" "$OUT/$s"
    cp "$LAB/services/$s/main.go" "$LAB/services/$s/go.mod" "/go/src/$s/"
    printf 'file\tunix_time\tgo_version\n' >"$OUT/$s/captures.tsv.part"
    if ! (cd "/go/src/$s" && go build -o "/go/bin/$s" .) 2>"$TMPD/$s.build"; then
      cat "$TMPD/$s.build" >&2; die "build failed: $s with $GOVER"
    fi
    if has_extra escape; then
      ts=$(date +%s)
      (cd "/go/src/$s" && go build -gcflags=-m -o "$TMPD/$s.m" .) 2>"$OUT/$s/escape-m.txt" \
        || { cat "$OUT/$s/escape-m.txt" >&2; die "go build -gcflags=-m failed: $s"; }
      printf 'escape-m.txt\t%s\t%s\n' "$ts" "$GOVER" >>"$OUT/$s/captures.tsv.part"
      ts=$(date +%s)
      (cd "/go/src/$s" && go build -gcflags='-m -m' -o "$TMPD/$s.mm" .) 2>"$OUT/$s/escape-mm.txt" \
        || { cat "$OUT/$s/escape-mm.txt" >&2; die "go build -gcflags='-m -m' failed: $s"; }
      printf 'escape-mm.txt\t%s\t%s\n' "$ts" "$GOVER" >>"$OUT/$s/captures.tsv.part"
    fi
    mv "$OUT/$s/captures.tsv.part" "$OUT/$s/captures.tsv"
  done

  log "== $GOVER: starting services"
  PID=(); PORT=()
  for s in "${SVCS[@]}"; do
    next_port >/dev/null
    PORT[$s]=$NEXT_PORT
    (cd "/go/src/$s" && exec env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/go \
       "/go/bin/$s" -addr "127.0.0.1:${PORT[$s]}") </dev/null >"$TMPD/$s.stdout" 2>"$TMPD/$s.stderr" &
    PID[$s]=$!
  done
  T0=$(now)
  for s in "${SVCS[@]}"; do
    ok=0
    for _ in $(seq 150); do
      alive "$s" || die "$(dead_msg "$s")"
      if curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:${PORT[$s]}/debug/pprof/"; then ok=1; break; fi
      sleep 0.2
    done
    [ $ok = 1 ] || die "$s (go$V) does not answer on 127.0.0.1:${PORT[$s]}"
    log "$s: pid ${PID[$s]} on 127.0.0.1:${PORT[$s]}"
  done

  n=0
  for T in "${TIMES_A[@]}"; do
    n=$((n + 1))
    sleep_until "$(awk -v a="$T0" -v b="$T" 'BEGIN { printf "%.3f", a + b - 1.5 }')"
    for s in "${SVCS[@]}"; do
      alive "$s" || die "$(dead_msg "$s")"
      curl -s -o /dev/null --max-time 60 "http://127.0.0.1:${PORT[$s]}/debug/pprof/heap?gc=1" || true
    done
    sleep_until "$(awk -v a="$T0" -v b="$T" 'BEGIN { printf "%.3f", a + b }')"
    log "$GOVER t$n (t+${T}s): capturing"
    for s in "${SVCS[@]}"; do capture_point "$s" "$n"; done
  done

  for s in "${SVCS[@]}"; do
    read_case "$s"
    if has_extra sigquit; then
      ts=$(date +%s)
      kill -QUIT "${PID[$s]}"
      for _ in $(seq 100); do alive "$s" || break; sleep 0.2; done
      alive "$s" && { kill -9 "${PID[$s]}"; die "$s (go$V) did not exit on SIGQUIT"; }
      wait "${PID[$s]}" 2>/dev/null || true
      cp "$TMPD/$s.stderr" "$OUT/$s/sigquit.txt"
      grep -q '^SIGQUIT: quit' "$OUT/$s/sigquit.txt" || die "$s (go$V): no SIGQUIT dump in stderr"
      printf 'sigquit.txt\t%s\t%s\n' "$ts" "$GOVER" >>"$OUT/$s/captures.tsv"
    else
      kill -TERM "${PID[$s]}" 2>/dev/null || true
      wait "${PID[$s]}" 2>/dev/null || true
    fi
    unset "PID[$s]"
  done

  for s in "${SVCS[@]}"; do
    read_case "$s"
    for x in oom panic core; do has_extra "$x" && run_extra "$s" "$x"; done
  done

  log "== $GOVER: goroutines (debug=1 totals t1 t2 t3)"
  for s in "${SVCS[@]}"; do
    log "$(printf '%-16s %6s %6s %6s' "$s" \
      "$(total_of "$OUT/$s/goroutine-t1.debug1.txt")" \
      "$(total_of "$OUT/$s/goroutine-t2.debug1.txt")" \
      "$(total_of "$OUT/$s/goroutine-t3.debug1.txt")")"
  done
  check_paths "$OUT"
  [ "$BAD" = 0 ] || die "forbidden paths in the $GOVER captures"
done

if [ "$CUSTOM_OUT" = 0 ]; then
  gen_manifest
else
  for V in "${VERSIONS_A[@]}"; do
    for s in "${SVCS[@]}"; do read_case "$s"; check_case "$s" "$OUT_ROOT/go$V/$s"; done
  done
fi
final_checks
