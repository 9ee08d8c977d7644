#!/usr/bin/env bash
# The robustness table (issue 22): per transformation of the sample pages, pages identified
# (auto, the template named by the truth file), registered (read with the truth's template),
# fields right, review, silent errors. Not run by CI (tests read a few of these pages).
#   scripts/robustness/run.sh [SAMPLES_DIR] [WORK_DIR]      (default SampleScans, /tmp/scan-c1-robustness)
#   ONLY=binarize-128,tilt-35 scripts/robustness/run.sh      (some transformations)
set -euo pipefail
cd "$(dirname "$0")/../.."
samples=${1:-SampleScans}
work=${2:-/tmp/scan-c1-robustness}
tool=${SCAN_C1:-.build/release/scan-c1}
[ -x "$tool" ] || swift build -c release --product scan-c1
python3 scripts/robustness/make-variants.py "$samples" "$work" ${ONLY:+--only "$ONLY"} >&2
printf '%-20s %6s %11s %11s %13s %7s %7s\n' transformation pages identified registered "fields right" review silent
for dir in "$work"/*/; do
    name=$(basename "$dir")
    [ -z "${ONLY:-}" ] || [[ ",$ONLY," == *",$name,"* ]] || continue
    OMP_THREAD_LIMIT=1 "$tool" eval "$dir" --json > "$work/$name.eval.json" 2>/dev/null || true
    mapfile -t images < <(find "$dir" -maxdepth 1 -type f \( -name '*.png' -o -name '*.jpg' \) | sort)
    OMP_THREAD_LIMIT=1 "$tool" scan --json "${images[@]}" > "$work/$name.scan.json" 2>/dev/null || true
    python3 - "$work/$name.eval.json" "$work/$name.scan.json" "$name" <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))
try:
    scans = json.load(open(sys.argv[2]))
except Exception:
    scans = []
if isinstance(scans, dict):
    scans = [scans]
truth = {}
for p in r["pages"]:
    truth[os.path.basename(p["file"])] = p["template"]
identified = sum(1 for s in scans if truth.get(os.path.basename(s["file"])) == s["template"])
pages = r["pages"]
s = r["summary"]
registered = sum(1 for p in pages if not p.get("error"))
# Every field of every truth file, the refused pages' included.
expected = 0
for p in pages:
    t = json.load(open(os.path.splitext(p["file"])[0] + ".truth.json"))
    expected += len(t.get("fields", t.get("values", {})))
print(f"{sys.argv[3]:<20} {len(pages):>6} {identified:>11} {registered:>11} {s['fieldsCorrect']:>6}/{expected:<6} {s['review']:>7} {s['silentErrors']:>7}")
PY
done
