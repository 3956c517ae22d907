#!/usr/bin/env bash
# bench/run.sh — side-by-side benchmarks of gomemdx against the tools users
# would otherwise run (wc -l as a floor, panicparse, go tool pprof).
#
#   bench/run.sh [--quick] [--only NAME[,NAME...]] [--with-slow] [--runs N]
#                [--skip-build] [--list]
#
# Steps: build gomemdx (Release) and the input generators; generate inputs
# into bench/work/ (reused while the generator and its arguments are
# unchanged); time every command of a comparison in one hyperfine run (one
# warm-up run first, so every tool reads its input from the page cache);
# measure peak RSS with /usr/bin/time -v; print medians, peak RSS and ratios.
#
# Writes only to bench/work/ and build/release/ (HOME, TMPDIR, XDG dirs and the
# Go caches point into bench/work/ while it runs). See bench/README.md.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
WORK=$BENCH/work
BUILD=$ROOT/build/release
GOMEMDX=$BUILD/gomemdx
RESULTS=$WORK/results

# --------------------------------------------------------------------------
# The comparisons. One line each:
#   name | inputs | gomemdx arguments | competitors | flags
# competitors: "label=command" separated by " ;; ". In commands, {INPUT} is
# replaced by the input's path and {go} by the Go toolchain's go binary.
# flags: "quick" = part of --quick; "slow=LABEL" = that competitor only runs
# with --with-slow.
COMPARISONS=(
	"goroutines-100k|dump100k|goroutines {dump100k}|wc -l=wc -l {dump100k} ;; panicparse=panicparse -aggressive -no-color {dump100k}|quick"
	"goroutines-1m|dump1m|goroutines {dump1m}|wc -l=wc -l {dump1m} ;; panicparse=panicparse -aggressive -no-color {dump1m}|slow=panicparse"
	"heap-top|heap|top {heap}|go tool pprof={go} tool pprof -top {heap}|quick"
	"heap-diff|heap,heap2|top --base {heap} {heap2}|go tool pprof={go} tool pprof -top -base {heap} {heap2}|"
	"heap-peek|heap|peek {heap} flate|go tool pprof={go} tool pprof -peek flate {heap}|"
	"heap-list|heap|list {heap} flate.NewWriter|go tool pprof={go} tool pprof -list flate.NewWriter {heap}|"
	"escape-std|escstd|escape {escstd}|wc -l=wc -l {escstd} ;; grep=grep -c escapes {escstd}|"
	"goroutines-200s|dump200s|goroutines {dump200s}|wc -l=wc -l {dump200s}|quick"
	"tolerant-glyphs|dump200s,glyph200s|goroutines {glyph200s}|strict (same dump, pristine)=GOMEMDX goroutines {dump200s} ;; wc -l=wc -l {glyph200s}|quick"
	"tolerant-k8s|dump200s,k8s200s|goroutines {k8s200s}|strict (same dump, pristine)=GOMEMDX goroutines {dump200s} ;; wc -l=wc -l {k8s200s}|quick"
	"tolerant-pasted|dump200s,paste200s|goroutines {paste200s}|strict (same dump, pristine)=GOMEMDX goroutines {dump200s} ;; wc -l=wc -l {paste200s}|quick"
	"tolerant-flat|dump200s,flat200s|goroutines {flat200s}|strict (same dump, pristine)=GOMEMDX goroutines {dump200s} ;; wc -l=wc -l {flat200s}|quick"
	"tolerant-wrapped|dump200s,wrap200s|goroutines {wrap200s}|strict (same dump, pristine)=GOMEMDX goroutines {dump200s} ;; wc -l=wc -l {wrap200s}|quick"
	"tolerant-numbered|dump200s,num200s|goroutines {num200s}|strict (same dump, pristine)=GOMEMDX goroutines {dump200s} ;; wc -l=wc -l {num200s}|quick"
	"tolerant-wrapnum|dump200s,wnum200s|goroutines {wnum200s}|strict (same dump, pristine)=GOMEMDX goroutines {dump200s} ;; wc -l=wc -l {wnum200s}|quick"
	"tolerant-less|dump200s,less200s|goroutines {less200s}|strict (same dump, pristine)=GOMEMDX goroutines {dump200s} ;; wc -l=wc -l {less200s}|quick"
	"tolerant-crlf|dump200s,crlf200s|goroutines {crlf200s}|strict (same dump, pristine)=GOMEMDX goroutines {dump200s} ;; wc -l=wc -l {crlf200s}|quick"
	"tolerant-interleaved|dump200s,ilv200s|goroutines {ilv200s}|strict (same dump, pristine)=GOMEMDX goroutines {dump200s} ;; wc -l=wc -l {ilv200s}|quick"
	"tolerant-console|dump200s,con200s|goroutines {con200s}|strict (same dump, pristine)=GOMEMDX goroutines {dump200s} ;; wc -l=wc -l {con200s}|quick"
	"tolerant-leaktest|dump200s,lkt200s|goroutines {lkt200s}|strict (same dump, pristine)=GOMEMDX goroutines {dump200s} ;; wc -l=wc -l {lkt200s}|quick"
)

# Inputs: name | file (in bench/work) | generator | arguments | approximate MiB
INPUTS=(
	"dump100k|goroutines-100k.txt|gen_goroutines|-n 100000 -s 300 --seed 1 --go 1.27|300"
	"dump1m|goroutines-1m.txt|gen_goroutines|-n 1000000 -s 300 --seed 1 --go 1.27|2900"
	"heap|heap-200k.pb.gz|gen_heap|-samples 200000 -seed 1|70"
	"heap2|heap-200k-later.pb.gz|gen_heap|-samples 200000 -seed 1 -grow|70"
	"escstd|escape-std-m2.txt|gen_escape_std|std|400"
	"dump200s|goroutines-100k-200s.txt|gen_goroutines|-n 100000 -s 200 --seed 1 --go 1.27|260"
	"glyph200s|goroutines-100k-200s-glyphs.txt|gen_damaged|glyphs {dump200s}|330"
	"k8s200s|goroutines-100k-200s-k8s.txt|gen_damaged|k8s {dump200s}|400"
	"paste200s|goroutines-100k-200s-pasted.txt|gen_damaged|pasted {dump200s}|330"
	"flat200s|goroutines-100k-200s-flat.txt|gen_damaged|flat {dump200s}|260"
	"wrap200s|goroutines-100k-200s-wrapped.txt|gen_damaged|wrapped {dump200s}|270"
	"num200s|goroutines-100k-200s-numbered.txt|gen_damaged|numbered {dump200s}|290"
	"wnum200s|goroutines-100k-200s-wrapnum.txt|gen_damaged|wrapnum {dump200s}|300"
	"less200s|goroutines-100k-200s-less.txt|gen_damaged|less {dump200s}|330"
	"crlf200s|goroutines-100k-200s-crlf.txt|gen_damaged|crlf {dump200s}|270"
	"ilv200s|goroutines-100k-200s-interleaved.txt|gen_damaged|interleaved {dump200s}|400"
	"con200s|goroutines-100k-200s-console.txt|gen_damaged|console {dump200s}|400"
	"lkt200s|goroutines-100k-200s-leaktest.txt|gen_damaged|leaktest {dump200s}|400"
)

# --------------------------------------------------------------------------

die() { echo "bench: $*" >&2; exit 2; }
note() { echo "bench: $*" >&2; }

usage() {
	cat <<'EOF'
usage: bench/run.sh [--quick] [--only NAME[,NAME...]] [--with-slow] [--runs N]
                    [--skip-build] [--list]
  --quick        the 100k goroutine dump and one heap profile, 3 runs each
  --only NAMES   run only these comparisons (see --list)
  --with-slow    also run competitors marked slow (panicparse on the 1M dump)
  --runs N       timed runs per command (default 5; --quick: 3)
  --skip-build   do not build gomemdx; use build/release/gomemdx if present
  --list         list the comparisons and exit
EOF
}

QUICK=0 WITH_SLOW=0 RUNS="" SKIP_BUILD=0 ONLY=""
while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	--with-slow) WITH_SLOW=1 ;;
	--skip-build) SKIP_BUILD=1 ;;
	--runs) [ $# -ge 2 ] || die "--runs needs a value"; RUNS=$2; shift ;;
	--runs=*) RUNS=${1#--runs=} ;;
	--only) [ $# -ge 2 ] || die "--only needs a value"; ONLY=$2; shift ;;
	--only=*) ONLY=${1#--only=} ;;
	--list)
		for c in "${COMPARISONS[@]}"; do
			IFS='|' read -r name _ gargs comps flags <<<"$c"
			printf '%-16s gomemdx %s\n%-16s vs %s%s\n' "$name" "$gargs" "" "${comps// ;; / | }" "${flags:+  [$flags]}"
		done
		exit 0 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown option '$1'" ;;
	esac
	shift
done
if [ -z "$RUNS" ]; then
	if [ $QUICK = 1 ]; then RUNS=3; else RUNS=5; fi
fi
case $RUNS in ''|*[!0-9]*|0) die "--runs wants a positive number, got '$RUNS'" ;; esac

for tool in hyperfine jq cc flock /usr/bin/time; do
	command -v "$tool" >/dev/null 2>&1 || die "missing tool: $tool"
done

# Go toolchain: the one installed for this project, else whatever is on PATH
GO=${GO:-/opt/go-toolchains/go-1.27/usr/lib/go-1.27/bin/go}
if [ ! -x "$GO" ]; then
	GO=$(command -v go 2>/dev/null) || die "no Go toolchain (set GO=/path/to/go)"
fi

# keep every write inside bench/work (Go caches and telemetry, temp files,
# anything a benchmarked tool might drop in $HOME)
mkdir -p "$WORK"/{bin,tmp,home,xdg-config,xdg-cache,go-cache,gopath} "$RESULTS"

# one run at a time: concurrent runs would share build/release and the
# results, and disturb each other's timings
exec 9>"$WORK/.lock"
if ! flock -n 9; then
	note "another bench/run.sh is running; waiting for it to finish"
	flock 9
fi
export TMPDIR=$WORK/tmp HOME=$WORK/home XDG_CONFIG_HOME=$WORK/xdg-config XDG_CACHE_HOME=$WORK/xdg-cache
export GOCACHE=$WORK/go-cache GOPATH=$WORK/gopath GOTMPDIR=$WORK/tmp
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false GOTELEMETRY=off
export LC_ALL=C

# --------------------------------------------------------------------------
# select comparisons

SELECTED=()
known=" "
for c in "${COMPARISONS[@]}"; do known+="${c%%|*} "; done
if [ -n "$ONLY" ]; then
	IFS=',' read -r -a want <<<"$ONLY"
	for w in "${want[@]}"; do
		case $known in *" $w "*) ;; *) die "no comparison named '$w' (have:$known)" ;; esac
	done
fi
for c in "${COMPARISONS[@]}"; do
	IFS='|' read -r name _ _ _ flags <<<"$c"
	if [ -n "$ONLY" ]; then
		case ",$ONLY," in *",$name,"*) SELECTED+=("$c") ;; esac
	elif [ $QUICK = 1 ]; then
		case " $flags " in *quick*) SELECTED+=("$c") ;; esac
	else
		SELECTED+=("$c")
	fi
done
[ ${#SELECTED[@]} -gt 0 ] || die "nothing selected"

# --------------------------------------------------------------------------
# build

GOMEMDX_STATE=ok
if [ $SKIP_BUILD = 0 ]; then
	if [ -f "$ROOT/CMakeLists.txt" ]; then
		note "building gomemdx (Release) in build/release"
		( cd "$ROOT" && cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >"$WORK/tmp/cmake-configure.log" 2>&1 ) \
			|| { tail -n 30 "$WORK/tmp/cmake-configure.log" >&2; die "cmake configure failed (log: bench/work/tmp/cmake-configure.log)"; }
		( cd "$ROOT" && cmake --build build/release -j "$(nproc)" >"$WORK/tmp/cmake-build.log" 2>&1 ) \
			|| { tail -n 30 "$WORK/tmp/cmake-build.log" >&2; die "gomemdx build failed (log: bench/work/tmp/cmake-build.log)"; }
	else
		note "no CMakeLists.txt yet: benchmarking the competitors only"
	fi
fi
[ -x "$GOMEMDX" ] || GOMEMDX_STATE=missing
GOMEMDX_VERSION="gomemdx not built"
if [ "$GOMEMDX_STATE" = ok ]; then
	GOMEMDX_VERSION="$("$GOMEMDX" version 2>/dev/null | head -n 1 || true) (commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src include CMakeLists.txt 2>/dev/null || echo ', with uncommitted changes'))"
fi

GEN_G=$WORK/bin/gen_goroutines
GEN_H=$WORK/bin/gen_heap
build_generators() {
	local need_g=0 need_h=0 f
	for f in "${SELECTED_INPUT_GENS[@]}"; do
		case $f in gen_goroutines) need_g=1 ;; gen_heap) need_h=1 ;; esac
	done
	if [ $need_g = 1 ] && { [ ! -x "$GEN_G" ] || [ "$BENCH/gen/gen_goroutines.c" -nt "$GEN_G" ]; }; then
		note "building gen_goroutines"
		cc -O2 -std=c11 -Wall -o "$GEN_G" "$BENCH/gen/gen_goroutines.c" || die "cannot build gen_goroutines"
	fi
	for f in "${SELECTED_INPUT_GENS[@]}"; do
		if [ "$f" = gen_escape_std ]; then install -m 755 "$BENCH/gen/gen_escape_std.sh" "$WORK/bin/gen_escape_std"; fi
		if [ "$f" = gen_damaged ]; then install -m 755 "$BENCH/gen/gen_damaged.sh" "$WORK/bin/gen_damaged"; fi
	done
	if [ $need_h = 1 ]; then
		local stale=0
		[ -x "$GEN_H" ] || stale=1
		for f in "$BENCH"/gen/gen_heap/*.go "$BENCH"/gen/gen_heap/go.mod; do
			[ "$f" -nt "$GEN_H" ] && stale=1
		done
		if [ $stale = 1 ]; then
			note "building gen_heap with $("$GO" version)"
			( cd "$BENCH/gen/gen_heap" && "$GO" build -o "$GEN_H" . ) || die "cannot build gen_heap"
		fi
	fi
}

# --------------------------------------------------------------------------
# inputs

input_field() { # name field-number
	local i
	for i in "${INPUTS[@]}"; do
		if [ "${i%%|*}" = "$1" ]; then
			echo "$i" | cut -d'|' -f"$2"
			return
		fi
	done
	die "internal: unknown input '$1'"
}
input_path() { echo "$WORK/$(input_field "$1" 2)"; }

NEEDED_INPUTS=()
for c in "${SELECTED[@]}"; do
	IFS='|' read -r _ ins _ _ _ <<<"$c"
	IFS=',' read -r -a list <<<"$ins"
	for i in "${list[@]}"; do
		case " ${NEEDED_INPUTS[*]} " in *" $i "*) ;; *) NEEDED_INPUTS+=("$i") ;; esac
	done
done
SELECTED_INPUT_GENS=()
for i in "${NEEDED_INPUTS[@]}"; do SELECTED_INPUT_GENS+=("$(input_field "$i" 3)"); done
build_generators

sha() { sha256sum "$@" | sha256sum | cut -c1-16; }
gen_stamp() { # generator args -> identity of the output
	case $1 in
	gen_goroutines) echo "$(sha "$BENCH/gen/gen_goroutines.c") $2" ;;
	gen_heap) echo "$(sha "$BENCH"/gen/gen_heap/*.go "$BENCH/gen/gen_heap/go.mod") $2" ;;
	gen_escape_std) echo "$(sha "$BENCH/gen/gen_escape_std.sh") $("$GO" version) $2" ;;
	gen_damaged) # the source input's own stamp: regenerated when it is
		local src=${2#* }; src=${src#\{}; src=${src%\}}
		echo "$(sha "$BENCH/gen/gen_damaged.sh") $(cat "$(input_path "$src").stamp" 2>/dev/null) $2" ;;
	esac
}

human_bytes() {
	awk -v b="$1" 'BEGIN { if (b >= 1073741824) printf "%.2f GiB", b/1073741824;
		else if (b >= 1048576) printf "%.1f MiB", b/1048576; else printf "%.0f KiB", b/1024 }'
}

GEN_LOG=$RESULTS/generation.txt
for i in "${NEEDED_INPUTS[@]}"; do
	file=$(input_path "$i") gen=$(input_field "$i" 3) args=$(input_field "$i" 4) mib=$(input_field "$i" 5)
	stamp=$(gen_stamp "$gen" "$args")
	if [ -f "$file" ] && [ -f "$file.stamp" ] && [ "$(cat "$file.stamp")" = "$stamp" ]; then
		note "reusing $(basename "$file") ($(human_bytes "$(stat -c %s "$file")"))"
		continue
	fi
	avail_kib=$(df -Pk "$WORK" | awk 'NR==2 { print $4 }')
	old_kib=0
	[ -f "$file" ] && old_kib=$(( $(stat -c %s "$file") / 1024 ))
	need_kib=$(( (mib + 1024) * 1024 ))
	[ $(( avail_kib + old_kib )) -ge $need_kib ] \
		|| die "not enough disk space for $(basename "$file"): need ~$((mib + 1024)) MiB, have $(( (avail_kib + old_kib) / 1024 )) MiB in bench/work"
	rm -f "$file" "$file.stamp"
	note "generating $(basename "$file"): $gen $args"
	start=$(date +%s.%N)
	for j in "${NEEDED_INPUTS[@]}"; do args=${args//"{$j}"/"$(input_path "$j")"}; done
	# shellcheck disable=SC2086 # args are a word list by design
	"$WORK/bin/$gen" $args -o "$file.part" 2>"$WORK/tmp/$gen.log" \
		|| { cat "$WORK/tmp/$gen.log" >&2; rm -f "$file.part"; die "$gen failed"; }
	end=$(date +%s.%N)
	mv "$file.part" "$file"
	echo "$stamp" >"$file.stamp"
	secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
	line="$(basename "$file"): $(human_bytes "$(stat -c %s "$file")") in ${secs} s — $(tr '\n' ' ' <"$WORK/tmp/$gen.log")"
	note "$line"
	echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $line" >>"$GEN_LOG"
done

# --------------------------------------------------------------------------
# run

subst() { # command template -> command with paths filled in (shell-quoted)
	local cmd=$1 i q
	for i in "${NEEDED_INPUTS[@]}"; do
		printf -v q '%q' "$(input_path "$i")"
		cmd=${cmd//"{$i}"/"$q"}
	done
	printf -v q '%q' "$GO"
	cmd=${cmd//"{go}"/"$q"}
	printf -v q '%q' "$GOMEMDX"
	cmd=${cmd//GOMEMDX/"$q"}
	echo "$cmd"
}

gomemdx_has() { # subcommand
	[ "$GOMEMDX_STATE" = ok ] && "$GOMEMDX" help "$1" >/dev/null 2>&1
}

# Decoded (uncompressed) size of a gzip input, cached beside its stamp;
# the size of any other input. Issue #4's memory target is peak RSS
# against the decoded profile.
decoded_size() { # path
	local f=$1 cache=$1.decoded stamp=""
	[ -f "$f.stamp" ] && stamp=$(cat "$f.stamp")
	if [ -f "$cache" ] && [ "$(head -n 1 "$cache")" = "$stamp" ]; then
		sed -n 2p "$cache"
		return
	fi
	local n
	if [ "$(head -c 2 "$f" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then
		n=$(gzip -dc "$f" | wc -c)
	else
		n=$(stat -c %s "$f")
	fi
	printf '%s\n%s\n' "$stamp" "$n" >"$cache"
	echo "$n"
}

FAILED=0
TABLE=$RESULTS/summary.txt
MEMO=$WORK/tmp/memo.$$
: >"$MEMO"
ROWS=$WORK/tmp/rows.$$
: >"$ROWS"
tab() { printf '%s\n' "$*" >>"$ROWS"; }

for c in "${SELECTED[@]}"; do
	IFS='|' read -r name ins gargs comps flags <<<"$c"
	note "=== $name ==="
	labels=() cmds=() skipped=()
	sub=${gargs%% *}
	gstate=""
	if gomemdx_has "$sub"; then
		labels+=("gomemdx")
		cmds+=("$(subst "$(printf '%q' "$GOMEMDX") $gargs")")
	elif [ "$GOMEMDX_STATE" = missing ]; then
		gstate="gomemdx: not built"
	else
		gstate="gomemdx: not implemented yet"
	fi
	rest=$comps
	while [ -n "$rest" ]; do
		case $rest in
		*" ;; "*) one=${rest%% ;; *}; rest=${rest#* ;; } ;;
		*) one=$rest; rest="" ;;
		esac
		label=${one%%=*} tmpl=${one#*=}
		if [ $WITH_SLOW = 0 ] && case " $flags " in *"slow=$label"*) true ;; *) false ;; esac; then
			skipped+=("$label")
			continue
		fi
		labels+=("$label")
		cmds+=("$(subst "$tmpl")")
	done

	# peak RSS: one run of each command under /usr/bin/time -v (this also
	# catches failures before hyperfine and fills the page cache)
	ok_labels=() ok_cmds=() rss=()
	for k in "${!cmds[@]}"; do
		tfile=$RESULTS/$name.${labels[$k]// /_}.time.txt
		out=$WORK/tmp/out.txt
		if /usr/bin/time -v -o "$tfile" bash -c "exec ${cmds[$k]}" >"$out" 2>"$WORK/tmp/err.txt"; then
			ok_labels+=("${labels[$k]}")
			ok_cmds+=("${cmds[$k]}")
			rss+=("$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tfile")")
		else
			st=$?
			note "$name: '${labels[$k]}' failed (exit $st): ${cmds[$k]}"
			head -n 5 "$WORK/tmp/err.txt" >&2 || true
			FAILED=1
			if [ "${labels[$k]}" = gomemdx ]; then gstate="gomemdx: FAILED (exit $st)"; fi
		fi
		rm -f "$out"
	done
	inputs_desc=""
	IFS=',' read -r -a list <<<"$ins"
	decoded=0 decoded_max=0
	for i in "${list[@]}"; do
		p=$(input_path "$i")
		inputs_desc+="${inputs_desc:+, }$(basename "$p") $(human_bytes "$(stat -c %s "$p")")"
		case $p in *.pb.gz)
			d=$(decoded_size "$p")
			decoded=$((decoded + d))
			[ "$d" -gt "$decoded_max" ] && decoded_max=$d ;;
		esac
	done
	# profiles: gomemdx's peak RSS against the decoded profile(s)
	if [ "$decoded" -gt 0 ] && [ ${#ok_labels[@]} -gt 0 ] && [ "${ok_labels[0]}" = gomemdx ]; then
		awk -v n="$name" -v k="${rss[0]}" -v d="$decoded" -v dm="$decoded_max" -v c="${#list[@]}" 'BEGIN {
			printf("%-16s gomemdx peak RSS %.1f MiB = %.2fx the decoded profile%s (%.1f MiB)", n, k / 1024, k * 1024 / d, (c > 1 ? "s" : ""), d / 1048576)
			if (c > 1) printf("; %.2fx the larger one (%.1f MiB)", k * 1024 / dm, dm / 1048576)
			printf "\n" }' >>"$MEMO"
	fi
	if [ ${#ok_cmds[@]} -eq 0 ]; then
		tab "$name|${gstate:-nothing ran}|||||$inputs_desc"
		continue
	fi

	json=$RESULTS/$name.json
	hf=(hyperfine --warmup 1 --runs "$RUNS" --output=pipe --style basic --export-json "$json")
	for k in "${!ok_cmds[@]}"; do hf+=(-n "${ok_labels[$k]}" "${ok_cmds[$k]}"); done
	if ! "${hf[@]}" >"$RESULTS/$name.hyperfine.txt" 2>&1; then
		cat "$RESULTS/$name.hyperfine.txt" >&2
		note "$name: hyperfine failed"
		FAILED=1
		continue
	fi
	grep -E '^ *(Time|Range)|^Benchmark' "$RESULTS/$name.hyperfine.txt" >&2 || true

	mapfile -t medians < <(jq -r '.results[].median' "$json")
	base_t="" base_r=""
	if [ "${ok_labels[0]}" = gomemdx ]; then base_t=${medians[0]} base_r=${rss[0]}; fi
	first=1
	if [ -n "$gstate" ]; then
		tab "$name|$gstate|||||$inputs_desc"
		first=0
	fi
	for k in "${!ok_labels[@]}"; do
		rt="" rr=""
		if [ -n "$base_t" ]; then
			rt=$(awk -v a="${medians[$k]}" -v b="$base_t" 'BEGIN { printf "%.2f", a / b }')
			rr=$(awk -v a="${rss[$k]}" -v b="$base_r" 'BEGIN { printf "%.2f", a / b }')
		fi
		if [ $first = 1 ]; then n=$name d=$inputs_desc; else n="" d=""; fi
		tab "$n|${ok_labels[$k]}|${medians[$k]}|${rss[$k]}|$rt|$rr|$d"
		first=0
	done
	for s in "${skipped[@]}"; do
		tab "|$s: skipped (slow; --with-slow)||||| "
	done
done

# --------------------------------------------------------------------------
# report

{
	echo
	echo "gomemdx benchmarks — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2/1048576 }' /proc/meminfo) RAM"
	echo "time: median of $RUNS runs (hyperfine) after 1 warm-up run, so every tool reads its input from"
	echo "the page cache alike (no cold-cache effects); peak RSS: one run under /usr/bin/time -v."
	echo "ratios are tool / gomemdx: above 1 means gomemdx is faster or needs less memory."
	echo "versions: $GOMEMDX_VERSION; $(hyperfine --version); panicparse $(dpkg-query -W -f '${Version}' panicparse 2>/dev/null || echo '?'); $("$GO" version)"
	echo
	awk -F'|' '
		function t(s) { return s == "" ? "" : (s < 1 ? sprintf("%.1f ms", s * 1000) : sprintf("%.2f s", s)) }
		function m(k) { return k == "" ? "" : (k >= 1048576 ? sprintf("%.2f GiB", k / 1048576) : (k >= 1024 ? sprintf("%.1f MiB", k / 1024) : sprintf("%d KiB", k))) }
		BEGIN { printf "%-16s %-30s %11s %11s %9s %9s  %s\n", "comparison", "tool", "median", "peak RSS", "time x", "RSS x", "input" }
		{
			if ($3 == "" && $4 == "") { printf "%-16s %-30s %11s %11s %9s %9s  %s\n", $1, $2, "", "", "", "", $7; next }
			printf "%-16s %-30s %11s %11s %9s %9s  %s\n", $1, $2, t($3), m($4), $5, $6, $7
		}' "$ROWS"
	if [ -s "$MEMO" ]; then
		echo
		cat "$MEMO"
	fi
	echo
	echo "raw results: bench/work/results/ (hyperfine JSON, /usr/bin/time -v output, generation log)"
} | tee "$TABLE"
rm -f "$ROWS" "$MEMO"
cat "$TABLE" >>"$RESULTS/history.txt"

if [ $FAILED = 1 ]; then
	note "some commands failed (see above)"
	exit 1
fi
