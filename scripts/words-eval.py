#!/usr/bin/env python3
"""Measures the words reading (issue 25) on the sample pages with truth files: per template and
field with a words line, how often the words' value equals the truth, is null, or is another
number; and the time spent reading the words lines per page (timings.words, median).

    scripts/words-eval.py [--bin .build/release/scan-c1] [FILE ...]

With no files: every sample page with a truth file whose template has words lines
(SampleScans/kpu-2019 Lembar 2, SampleScans/generated Lembar 2, the kawalc1 2024 and plano
pages). Each page is scanned on its own (`scan-c1 scan --json`, one process per page, one
core). The generated pages carry their base page's words beside new digits, so their words
rarely name the truth: they are counted apart.
"""
import argparse, glob, json, os, statistics, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_files():
    s = os.path.join(ROOT, "SampleScans")
    files = sorted(glob.glob(os.path.join(s, "kpu-2019", "*lembar2.*")))
    files += sorted(glob.glob(os.path.join(s, "generated", "*lembar2.*")))
    files += sorted(glob.glob(os.path.join(s, "kawalc1", "*.*")))
    out = []
    for f in files:
        if f.endswith(".json") or f.endswith(".txt"):
            continue
        truth = os.path.splitext(f)[0] + ".truth.json"
        if os.path.exists(truth):
            out.append(f)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "scan-c1"))
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    files = a.files or default_files()
    rows = {}   # (group, template, field) -> [lines, right, null, wrong]
    ms = {}     # group -> [ms per page]
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    for f in files:
        truth = json.load(open(os.path.splitext(f)[0] + ".truth.json"))
        p = subprocess.run([a.bin, "scan", f, "--json"], capture_output=True, text=True, env=env)
        try:
            r = json.loads(p.stdout)
        except json.JSONDecodeError:
            print(f"{os.path.relpath(f, ROOT)}: not read ({p.stderr.strip()[:120]})", file=sys.stderr)
            continue
        group = "generated" if "/generated/" in f else os.path.basename(os.path.dirname(f))
        lines = 0
        for fid in r["fieldOrder"]:
            fr = r["fields"][fid]
            w = fr.get("words")
            if w is None or fid not in truth["fields"]:
                continue
            lines += 1
            row = rows.setdefault((group, r["template"], fid), [0, 0, 0, 0])
            row[0] += 1
            v = w.get("value")
            row[1 if v == truth["fields"][fid] else 2 if v is None else 3] += 1
            print(f"{os.path.relpath(f, ROOT)} {fid}: truth {truth['fields'][fid]}, boxes {fr.get('value')} ({fr['status']}), "
                  f"words {v} p={w['probability']} {w['text']!r}", file=sys.stderr)
        if lines:
            ms.setdefault(group, []).append((r["timings"]["words"], lines))
    print("| pages | template | field | lines | words = truth | null | other number |")
    print("|---|---|---|---:|---:|---:|---:|")
    tot = {}
    for (g, t, fid), (n, right, null, wrong) in sorted(rows.items()):
        print(f"| {g} | {t} | {fid} | {n} | {right} | {null} | {wrong} |")
        s = tot.setdefault(g, [0, 0, 0, 0])
        for i, v in enumerate((n, right, null, wrong)):
            s[i] += v
    for g, (n, right, null, wrong) in sorted(tot.items()):
        print(f"| **{g}** | all | all | {n} | {right} ({100 * right / n:.0f}%) | {null} | {wrong} |")
    print()
    print("| pages | pages read | words ms per page (median) | ms per line (median) |")
    print("|---|---:|---:|---:|")
    for g, v in sorted(ms.items()):
        print(f"| {g} | {len(v)} | {statistics.median(m for m, _ in v):.0f} | {statistics.median(m / n for m, n in v):.0f} |")


if __name__ == "__main__":
    main()
