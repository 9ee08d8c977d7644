#!/usr/bin/env bash
# Reproduces Sources/DigitReader/Models/classifier.bin, DigitReader's second reader, from the
# data: the MNIST training split, synthetic marks, the real boxes of the KPU 2019 sample scans,
# and MNIST *training* digits written on generated pages and cut out again by FormScan (after
# photo-like capture and box cleaning, as at inference). About 25 minutes on one core; the
# intermediate files stay in WORK_DIR (not committed), and each step is skipped when its output
# is already there.
#
# usage: scripts/train/train-classifier.sh [WORK_DIR] [OUT]
#   (OUT defaults to WORK_DIR/classifier.bin; copy it to Sources/DigitReader/Models to ship it)
# Measure it with `scan-c1 digits eval` (MNIST test boxes: scripts/train/export_mnist_test.py),
# `scan-c1 eval` on generated pages, and scripts/train/crossval.sh (whole stations held out:
# TRAIN_ARGS as below, with --pipeline WORK_DIR/pipeline-crops).
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${1:-/tmp/scan-c1-classifier}
OUT=${2:-$WORK/classifier.bin}
mkdir -p "$WORK"
swift build -c release --product scan-c1 >&2
BIN=$PWD/.build/release/scan-c1

# Real boxes: the ten sample stations' truth files label each box.
[ -d "$WORK/realboxes" ] || "$BIN" digits export SampleScans/kpu-2019 --out "$WORK/realboxes" >&2
# 400 generated stations (800 pages) written with MNIST training digits, then their boxes.
if [ ! -f "$WORK/pipeline-pages/.done" ]; then
    python3 scripts/generate/make_pages.py "$WORK/pipeline-pages" --stations 400 --seed 31337 --errors 0 --digits train >&2
    touch "$WORK/pipeline-pages/.done"
fi
[ -d "$WORK/pipeline-crops" ] || "$BIN" digits export "$WORK/pipeline-pages" --out "$WORK/pipeline-crops" >&2
OPENBLAS_NUM_THREADS=1 python3 scripts/train/train_classifier.py --real "$WORK/realboxes" \
    --spanning-x 2000 --epochs 10 --pipeline "$WORK/pipeline-crops" --pipeline-x 4000 --out "$OUT"
