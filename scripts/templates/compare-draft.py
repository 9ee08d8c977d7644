#!/usr/bin/env python3
"""Compare a drafted template (scan-c1 templates draft) with the shipped one: every shipped
digit box found (overlap >= 80%: intersection over union), drafted boxes matching none (extra),
numbers grouped right (the three boxes of a shipped field are one drafted field, in order).

    python3 scripts/templates/compare-draft.py DRAFTED.json SHIPPED.json [...pairs]
Prints one line per pair; exit 0. A measurement script, not run by CI.
"""
import json
import sys


def iou(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = min(ax + aw, bx + bw) - max(ax, bx)
    h = min(ay + ah, by + bh) - max(ay, by)
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (aw * ah + bw * bh - inter)


def compare(drafted_path, shipped_path):
    d = json.load(open(drafted_path))
    s = json.load(open(shipped_path))
    dboxes = [(f["id"], i, b) for f in d["fields"] for i, b in enumerate(f["boxes"])]
    found, grouped, worst = 0, 0, 1.0
    used = set()
    for f in s["fields"]:
        owners = []
        for i, b in enumerate(f["boxes"]):
            best = max(((iou(b, db), k) for k, (_, _, db) in enumerate(dboxes)), default=(0, None))
            if best[0] >= 0.8:
                found += 1
                used.add(best[1])
                owners.append((dboxes[best[1]][0], dboxes[best[1]][1]))
                worst = min(worst, best[0])
            else:
                owners.append(None)
        if all(o is not None for o in owners) and len({o[0] for o in owners}) == 1 and [o[1] for o in owners] == list(range(len(owners))):
            grouped += 1
    total = sum(len(f["boxes"]) for f in s["fields"])
    extra = len(dboxes) - len(used)
    print(f"{s['id']:<24} boxes found {found}/{total}  extra {extra}  numbers grouped right {grouped}/{len(s['fields'])}"
          f"  worst overlap {worst:.2f}")


args = sys.argv[1:]
for k in range(0, len(args) - 1, 2):
    compare(args[k], args[k + 1])
