#!/usr/bin/env python3
"""Scores lab cases with a gomemdx binary the way tests/unit/test_accuracy.c
judges them, through the CLI, so that a held-out round can be scored with main's
binary before any change (README.md, "Held-out lab services").

Per case of MANIFEST.tsv and Go version: `diagnose` over the capture folder,
`goroutines` over goroutine-t1..t3.debug2.txt, over t3 alone, over the debug=1
t1..t3 and over sigquit.txt; heap cases: `diagnose` and `top` on heap-t3.pb.gz.
healthy: "clean" when no finding is at warning or above, else what was flagged;
leak/heap: the rank of the finding at the culprit's function and line.

With --alone (first argument), heap and healthy cases also get the heap profiles
without the folder: `diagnose` on each heap-tN.pb.gz alone, on the three
heap-tN.pb.gz together (no MemStats) and on the three debug=1 texts together.

usage: heldout-score.py [--alone] GOMEMDX LABDIR CASE...   (LABDIR: testdata/lab)"""
import json, os, subprocess, sys
alone = sys.argv[1:2] == ['--alone']
if alone: del sys.argv[1]
bin, lab = sys.argv[1], sys.argv[2]
man = {}
for line in open(os.path.join(lab, 'MANIFEST.tsv')).read().splitlines()[1:]:
    c = line.split('\t'); man[c[0]] = c
def run(args):
    p = subprocess.run([bin] + args + ['--json'], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        return None, p.stderr.strip().splitlines()[-1] if p.stderr.strip() else 'exit %d' % p.returncode
    return json.loads(p.stdout), None
def judge(kind, c, doc, err):
    if doc is None: return 'refused: ' + err
    fs = doc.get('findings', [])
    if kind == 'healthy':
        bad = [f for f in fs if f['severity'] in ('warning', 'critical')]
        if not bad: return 'clean'
        return 'FLAGGED ' + '; '.join('%s %s %s x%s' % (f['severity'], f['category'], f.get('site', {}).get('function', '-'), f.get('goroutines', '')) for f in bad[:3]) + (' (+%d)' % (len(bad) - 3) if len(bad) > 3 else '')
    for f in fs:
        s = f.get('site', {})
        if s.get('function') == c[3] and str(s.get('line')) == c[5]:
            return 'rank %d (%s %s)' % (f['rank'], f['severity'], f['category'])
    top = fs[0] if fs else None
    return 'MISSED (rank 1: %s)' % ('%s %s %s' % (top['severity'], top['category'], top.get('site', {}).get('function')) if top else 'nothing')
for case in sys.argv[3:]:
    c = man[case]; kind = c[1]
    for v in c[9].split(','):
        d = os.path.join(lab, 'captures', 'go' + v, case)
        f = lambda n: os.path.join(d, n)
        rows = [('diagnose folder', ['diagnose', d])]
        if kind == 'heap':
            rows.append(('top heap-t3', ['top', f('heap-t3.pb.gz')]))
        else:
            rows += [('goroutines t1-t3', ['goroutines'] + [f('goroutine-t%d.debug2.txt' % i) for i in (1, 2, 3)]),
                     ('goroutines t3', ['goroutines', f('goroutine-t3.debug2.txt')]),
                     ('debug=1 t1-t3', ['goroutines'] + [f('goroutine-t%d.debug1.txt' % i) for i in (1, 2, 3)])]
            if os.path.exists(f('sigquit.txt')): rows.append(('sigquit.txt', ['goroutines', f('sigquit.txt')]))
        if alone and kind in ('heap', 'healthy'):
            rows += [('heap-t%d.pb.gz alone' % i, ['diagnose', f('heap-t%d.pb.gz' % i)]) for i in (1, 2, 3)]
            rows += [('heap pb.gz t1-t3', ['diagnose'] + [f('heap-t%d.pb.gz' % i) for i in (1, 2, 3)]),
                     ('heap debug=1 t1-t3', ['diagnose'] + [f('heap-t%d.debug1.txt' % i) for i in (1, 2, 3)])]
        for name, args in rows:
            doc, err = run(args)
            if name.startswith('top'):
                print('%s\tgo%s\t%s\t%s' % (case, v, name, 'ok' if doc else err)); continue
            print('%s\tgo%s\t%s\t%s' % (case, v, name, judge(kind, c, doc, err)))
