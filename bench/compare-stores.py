#!/usr/bin/env python3
"""Compares the results of two or more stores (explore --db, campaign --db): for every workload
stored in any of them, its newest result in each, whether every syscall has the same verdict, and
whether the plans (implement / stub / fake, verified) are the same. Not a test: the comparisons
of docs/scale-out.md (a campaign against single explorations, local against Slurm).
    bench/compare-stores.py STORE STORE [STORE...]
Exit status 0 when every workload is in every store with the same verdicts and the same plan."""
import glob
import json
import os
import sys


def newest(store):
    out = {}
    for f in glob.glob(os.path.join(store, "*", "*", "*", "shimscope.json")):
        d = json.load(open(f))
        key = d["app"] + "/" + os.path.basename(os.path.dirname(os.path.dirname(f)))
        if key not in out or d["recorded"] > out[key]["recorded"]:
            out[key] = d
    return out


def plan(d):
    p = d.get("plan") or {}
    return (tuple(p.get("implement", [])), tuple(p.get("stub", [])), tuple(p.get("fake", [])), p.get("verified"))


stores = sys.argv[1:]
if len(stores) < 2:
    sys.exit("usage: compare-stores.py STORE STORE [STORE...]")
results = [newest(s) for s in stores]
same_all = True
for key in sorted(set().union(*results)):
    found = [r.get(key) for r in results]
    if any(f is None for f in found):
        same_all = False
        print("%-36s missing in %s" % (key, ", ".join(s for s, f in zip(stores, found) if f is None)))
        continue
    first = found[0]
    diff = sorted(s for f in found[1:] for s in set(first["verdicts"]) | set(f["verdicts"])
                  if first["verdicts"].get(s) != f["verdicts"].get(s))
    same_plan = all(plan(f) == plan(first) for f in found[1:])
    same_all = same_all and not diff and same_plan
    impl, stub, fake, verified = plan(first)
    print("%-36s %3d syscalls, %s, plan %s (%d/%d/%d%s)%s" % (
        key, len(first["verdicts"]), "same verdicts" if not diff else "verdicts differ: " + " ".join(sorted(set(diff))),
        "same" if same_plan else "DIFFERENT", len(impl), len(stub), len(fake), ", verified" if verified else ", NOT verified",
        "" if same_plan else " vs " + "; ".join("%d/%d/%d" % tuple(len(x) for x in plan(f)[:3]) for f in found[1:])))
sys.exit(0 if same_all else 1)
