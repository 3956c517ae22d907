#!/usr/bin/env python3
"""agree.py [--crash] DUMP.json CORE.json — a core's findings (gomemdx core --json --all) equal those
of the goroutine dump (gomemdx goroutines --json --all) fetched just before the core was
taken. Two goroutines exist only in the dump, made by the request that fetched it: the
handler writing the dump and its connection's background reader. The leak may have grown
by one goroutine between the fetch and the stop (one per 333 ms): rank 1 may count one more.
--crash: the dump is the GOTRACEBACK=crash traceback printed as the kernel core was taken
(the same instant): it also lists the runtime's own goroutines, which the core leaves out
and counts ("N runtime goroutines left out").
"""
import re
import json
import sys


def buckets(doc, drop_request, drop_runtime=False, wrappers=False):
    out = []
    for f in doc["findings"]:
        if "goroutines" not in f:  # a core's heap findings (retained-by): no dump has them
            continue
        stack = [fr["function"] for fr in f.get("stack", [])]
        creator = f.get("created_by", {}).get("function", "")
        # the runtime's own goroutines; one caught running may be in a helper the runtime
        # calls (internal/runtime/atomic's loads in the sweeper, Go 1.22+)
        if drop_runtime and all(fn.startswith(("runtime.", "internal/runtime/")) for fn in stack):
            continue
        if drop_request and ("runtime/pprof.writeGoroutineStacks" in stack
                             or creator == "net/http.(*connReader).startBackgroundRead"):
            continue
        site = f.get("site", {})
        fn = site.get("function")
        # a go statement's wrapper (go pkg.F(args): X.funcN up to Go 1.20, X.gowrapN since 1.21),
        # which a GOTRACEBACK=crash traceback prints (level 2 shows every frame) and a level-1 one,
        # as the core is read, leaves out: its site is its creator's go statement either way (both
        # sides alike, so that a go func() { ... }() closure compares as itself)
        if wrappers and fn and re.fullmatch(re.escape(creator) + r"\.(func|gowrap)\d+", fn):
            fn = creator
        out.append((f["category"], fn, site.get("line"), creator,
                    f["evidence"].get("wait_reason"), f["goroutines"]))
    return out


def main():
    args = sys.argv[1:]
    crash = args[0] == "--crash"
    if crash:
        args = args[1:]
    dump = json.load(open(args[0]))
    core = json.load(open(args[1]))
    d, c = buckets(dump, not crash, crash, crash), buckets(core, False, False, crash)
    ok = True
    if d[0][:5] != c[0][:5] or not 0 <= c[0][5] - d[0][5] <= 1:
        print("rank 1 differs:\n  dump %s\n  core %s" % (d[0], c[0]))
        ok = False
    if sorted(d[1:], key=repr) != sorted(c[1:], key=repr):
        print("other buckets differ:\n  dump %s\n  core %s" % (sorted(d[1:], key=repr), sorted(c[1:], key=repr)))
        ok = False
    grown = c[0][5] - d[0][5]
    dn, cn = dump["inputs"][0]["goroutines"], core["inputs"][0]["goroutines"]
    if crash:
        m = re.search(r"(\d+) runtime goroutines left out", core["inputs"][0].get("reading", ""))
        left = int(m.group(1)) if m else -1
        if grown or cn + left != dn:
            print("goroutine counts: dump %d, core %d + %d runtime ones" % (dn, cn, left))
            ok = False
    elif cn != dn - 2 + grown:
        print("goroutine counts: dump %d (2 of them the request's), core %d" % (dn, cn))
        ok = False
    print("rank 1: %s %s x%d (dump x%d); %d goroutines in the core, %d in the dump"
          % (c[0][0], c[0][1], c[0][5], d[0][5], cn, dn))
    sys.exit(0 if ok else 1)


main()
