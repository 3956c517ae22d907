#!/usr/bin/env python3
"""The scorer behind score.sh: python3 (3.8+) standard library only.

argv: BINARY CORPUS_DIR VERBOSE(0|1) JSON_FILE('' = none) FLOOR_FILE('' = none)
"""
import json
import os
import re
import subprocess
import sys

SEVERE = ("warning", "critical")
TIMEOUT = 60  # seconds a case may take; a hang is scored as a miss


def read_expect(path):
    exp = {"culprit": [], "category": [], "negative": False, "damage": []}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            if "\t" not in line:
                raise SystemExit("%s:%d: expected key<TAB>value" % (path, n))
            key, value = line.split("\t", 1)
            if key == "culprit":
                try:
                    exp["culprit"].append(re.compile(value))
                except re.error as e:
                    raise SystemExit("%s:%d: bad regex: %s" % (path, n, e))
            elif key == "category":
                exp["category"].append(value)
            elif key == "negative":
                exp["negative"] = value.strip() == "1"
            elif key == "damage":
                exp["damage"] = [d.strip() for d in value.split(",") if d.strip()]
            else:
                raise SystemExit("%s:%d: unknown key %s" % (path, n, key))
    if not exp["negative"] and not exp["culprit"]:
        raise SystemExit("%s: a positive case needs at least one culprit line" % path)
    return exp


def artifacts(case_dir):
    return sorted(os.path.join(case_dir, f) for f in os.listdir(case_dir)
                  if f.startswith("artifact"))


def matches(finding, regexes):
    texts = [(finding.get("site") or {}).get("function") or "",
             (finding.get("created_by") or {}).get("function") or "",
             finding.get("title") or ""]
    return any(r.search(t) for r in regexes for t in texts if t)


def describe(finding):
    if finding is None:
        return "-"
    site = (finding.get("site") or {}).get("function") or "?"
    return "%s %s %s" % (finding.get("severity", "?"), finding.get("category", "?"), site)


def run_case(binary, case_dir, exp):
    files = artifacts(case_dir)
    res = {"case": os.path.basename(case_dir), "negative": exp["negative"],
           "damage": exp["damage"], "files": [os.path.basename(f) for f in files]}
    if not files:
        raise SystemExit("%s: no artifact files" % case_dir)
    try:
        p = subprocess.run([binary, "diagnose"] + files + ["--json"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT)
        status, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        status, out, err = -1, b"", b"timed out after %ds" % TIMEOUT
    res["status"] = status
    res["stderr"] = err.decode("utf-8", "replace").split("\n", 1)[0]
    res["refused"] = status == 2
    findings = []
    if status == 0:
        try:
            findings = json.loads(out.decode("utf-8", "replace")).get("findings") or []
        except ValueError as e:
            res["stderr"] = "unparsable JSON: %s" % e
            res["status"] = status = -2
    severe = [f for f in findings if f.get("severity") in SEVERE]
    res["severe"] = len(severe)
    res["rank1_named"] = describe(severe[0] if severe else None)
    res["top"] = [describe(f) for f in severe[:3]]
    if exp["negative"]:
        res["clean"] = status == 0 and not severe
        res["pass"] = res["clean"]
    else:
        res["rank1"] = bool(severe) and matches(severe[0], exp["culprit"])
        res["top3"] = any(matches(f, exp["culprit"]) for f in severe[:3])
        res["pass"] = res["top3"]
    return res


def line_for(r):
    verdict = "REFUSED" if r["refused"] else ("PASS" if r["pass"] else "MISS")
    if r["negative"]:
        marks = "negative clean=%s" % ("yes" if r["clean"] else "no")
    else:
        marks = "rank1=%s top3=%s" % ("yes" if r["rank1"] else "no",
                                      "yes" if r["top3"] else "no")
    named = r["stderr"] if r["refused"] or r["status"] not in (0,) else r["rank1_named"]
    return "%-7s  %-34s %-22s %s" % (verdict, r["case"], marks, named)


def main():
    binary, corpus, verbose, json_out, floor_file = sys.argv[1:6]
    verbose = verbose == "1"
    cases = sorted(d for d in os.listdir(corpus)
                   if os.path.isfile(os.path.join(corpus, d, "expect")))
    results = []
    for c in cases:
        case_dir = os.path.join(corpus, c)
        exp = read_expect(os.path.join(case_dir, "expect"))
        r = run_case(binary, case_dir, exp)
        results.append(r)
        print(line_for(r))
        if verbose:
            for i, t in enumerate(r["top"], 1):
                print("           #%d %s" % (i, t))
            if r["status"] != 0:
                print("           exit %s: %s" % (r["status"], r["stderr"]))
    pos = [r for r in results if not r["negative"]]
    neg = [r for r in results if r["negative"]]
    totals = {
        "cases": len(results), "positive": len(pos), "negative": len(neg),
        "top3": sum(r["top3"] for r in pos), "rank1": sum(r["rank1"] for r in pos),
        "negatives_clean": sum(r["clean"] for r in neg),
        "refused": sum(r["refused"] for r in results),
    }

    def pct(a, b):
        return 100.0 * a / b if b else 0.0

    print("realworld: %d cases (%d positive, %d negative): top3 %d/%d (%.0f%%), "
          "rank1 %d/%d (%.0f%%), negatives clean %d/%d, refused %d/%d" % (
              totals["cases"], totals["positive"], totals["negative"],
              totals["top3"], totals["positive"], pct(totals["top3"], totals["positive"]),
              totals["rank1"], totals["positive"], pct(totals["rank1"], totals["positive"]),
              totals["negatives_clean"], totals["negative"],
              totals["refused"], totals["cases"]))
    by_damage = {}
    for r in results:
        for d in r["damage"] or ["(none)"]:
            s = by_damage.setdefault(d, {"cases": 0, "refused": 0, "scored": 0, "pass": 0})
            s["cases"] += 1
            s["refused"] += r["refused"]
            s["scored"] += not r["refused"]
            s["pass"] += r["pass"]
    totals["by_damage"] = by_damage
    if verbose:
        print("damage class        cases refused scored pass")
        for d in sorted(by_damage):
            s = by_damage[d]
            print("%-18s %6d %7d %6d %4d" % (d, s["cases"], s["refused"], s["scored"], s["pass"]))
    if json_out:
        with open(json_out, "w", encoding="utf-8") as f:
            json.dump({"totals": totals, "cases": results}, f, indent=1, sort_keys=True)
            f.write("\n")
    if floor_file:
        floors = {}
        with open(floor_file, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    k, v = line.split("\t", 1)
                    floors[k] = int(v)
        failed = []
        for k in ("top3", "rank1", "negatives_clean"):
            if k in floors and totals[k] < floors[k]:
                failed.append("%s %d below its floor %d" % (k, totals[k], floors[k]))
        if "max_refused" in floors and totals["refused"] > floors["max_refused"]:
            failed.append("refused %d above max_refused %d" % (totals["refused"],
                                                             floors["max_refused"]))
        for m in failed:
            print("realworld: FAIL: %s" % m)
        if failed:
            return 1
        print("realworld: at or above every floor in %s" % os.path.basename(floor_file))
    return 0


if __name__ == "__main__":
    sys.exit(main())
