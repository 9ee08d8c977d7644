#!/usr/bin/env python3
"""Turn a drafted template into what a person would make of it, for measuring: each drafted
number takes the id, label and box order of the shipped field whose boxes it covers (overlap
>= 80%), unmatched drafted numbers are dropped (a person deletes them), and the shipped rules,
title, page code, bubbles and filler are copied. The drafted lines, perspective lines, marks and
boxes stay as drafted. Writes OUT_DIR/ID.json with the drafted reference image beside it.

    python3 scripts/templates/adopt-draft.py DRAFTED.json SHIPPED.json OUT_DIR
A measurement script, not run by CI.
"""
import json
import os
import shutil
import sys

drafted_path, shipped_path, out_dir = sys.argv[1:4]
d = json.load(open(drafted_path))
s = json.load(open(shipped_path))


def iou(a, b):
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return 0.0 if w <= 0 or h <= 0 else w * h / (a[2] * a[3] + b[2] * b[3] - w * h)


fields = []
for f in s["fields"]:
    for g in d["fields"]:
        if len(g["boxes"]) == len(f["boxes"]) and all(iou(a, b) >= 0.8 for a, b in zip(f["boxes"], g["boxes"])):
            out = dict(f)
            out["boxes"] = g["boxes"]
            if g.get("bubbles"):
                out["bubbles"] = g["bubbles"]  # the drafted bubbles, not the shipped ones
            fields.append(out)
            break
t = dict(d)
t["id"] = s["id"]
for key in ("title", "pageCode", "rules", "stationRules", "filler", "aprilTag", "referenceSource"):
    if key in s:
        t[key] = s[key]
t["fields"] = fields
if any("bubbles" in f for f in fields) and "bubbleRadius" not in t:
    t["bubbleRadius"] = s.get("bubbleRadius")
# Rules naming a field the draft did not find are dropped (a person would add the field).
import re
have = {f["id"] for f in fields}
missing = {f["id"] for f in s["fields"]} - have
t["rules"] = [r for r in s["rules"] if not (set(re.findall(r"[a-z_][a-z0-9_]*", r["rule"])) & missing)]
os.makedirs(out_dir, exist_ok=True)
image = os.path.join(os.path.dirname(drafted_path), d["referenceImage"])
t["referenceImage"] = s["id"] + os.path.splitext(image)[1]
shutil.copy(image, os.path.join(out_dir, t["referenceImage"]))
json.dump(t, open(os.path.join(out_dir, s["id"] + ".json"), "w"), indent=1)
print(f"{s['id']}: {len(fields)}/{len(s['fields'])} fields adopted")
