#!/usr/bin/env bash
# Leave-stations-out measurement of the classifier on real boxes and of the whole pipeline on
# real pages: for each fold, train without two stations, then read those stations' boxes
# (in the trainer's report) and pages (`scan-c1 eval`). Numbers only; nothing is shipped.
# Also reads each fold's held-out boxes with `scan-c1 digits eval` (Tesseract alone, the
# classifier alone, combined). A fold whose classifier exists is not trained again (delete
# WORK_DIR/foldN/models/classifier.bin to retrain).
# usage: scripts/train/crossval.sh WORK_DIR [FOLD...]   (folds 1-5; default all, two at a time)
# TRAIN_ARGS: options for train_classifier.py; default the shipped recipe (Models/README.md)
# when PIPELINE names the crops of the generated training pages (`train-classifier.sh WORK`
# leaves them in WORK/pipeline-crops), the session-6 one without it; TRAIN_ARGS="" for the
# sessions-2-5 one.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${1:?work dir}; shift || true
TRAIN_ARGS=${TRAIN_ARGS-"--spanning-x 2000 --epochs 10${PIPELINE:+ --pipeline $PIPELINE --pipeline-x 4000}"}
FOLDS=("aluebatee,cotbuloh" "drienrampak,karanghampa" "kubu,peuribu" "pantemeutia,simpangpeut" "teupinpeuraho,ujongsimpang")
SELECTED=("$@"); [ ${#SELECTED[@]} -eq 0 ] && SELECTED=(1 2 3 4 5)
mkdir -p "$WORK"
swift build -c release --product scan-c1 >&2
BIN=$PWD/.build/release/scan-c1
[ -d "$WORK/realboxes" ] || "$BIN" digits export SampleScans/kpu-2019 -o "$WORK/realboxes" >&2
TESS=$(ls /usr/share/tesseract-ocr/*/tessdata/eng.traineddata | head -1)
run_fold() {
    local i=$1 hold=${FOLDS[$(($1 - 1))]}
    local dir="$WORK/fold$i"
    mkdir -p "$dir/models" "$dir/pages"
    # shellcheck disable=SC2086
    [ -f "$dir/models/classifier.bin" ] || OPENBLAS_NUM_THREADS=1 python3 scripts/train/train_classifier.py $TRAIN_ARGS \
        --real "$WORK/realboxes" --holdout "$hold" --out "$dir/models/classifier.bin" > "$dir/train.log" 2>&1
    ln -sf "$TESS" "$dir/models/eng.traineddata"
    # The Tesseract model never trains on real boxes: every fold can use the shipped one.
    [ -f Sources/DigitReader/Models/digits.traineddata ] && ln -sf "$PWD/Sources/DigitReader/Models/digits.traineddata" "$dir/models/"
    for s in ${hold//,/ }; do cp SampleScans/kpu-2019/"$s"-* "$dir/pages/"; done
    local hb="$dir/heldout-boxes"
    rm -rf "$hb"
    for c in $(ls "$WORK/realboxes"); do
        mkdir -p "$hb/$c"
        for s in ${hold//,/ }; do find "$WORK/realboxes/$c" -name "$s-*" -exec ln -sf {} "$hb/$c/" \; ; done
    done
    "$BIN" digits eval "$hb" --model-dir "$dir/models" > "$dir/boxes.txt" 2>/dev/null
    "$BIN" eval "$dir/pages" --model-dir "$dir/models" --json > "$dir/eval.json" 2>/dev/null
    "$BIN" eval "$dir/pages" --model-dir "$dir/models" --worst 10 > "$dir/eval.txt" 2>/dev/null
    echo "fold $i ($hold) done" >&2
}
running=0
for i in "${SELECTED[@]}"; do
    run_fold "$i" &
    running=$((running + 1))
    if [ $running -ge 2 ]; then wait -n; running=$((running - 1)); fi
done
wait
python3 - "$WORK" "${SELECTED[@]}" <<'PY'
import json, sys
work, folds = sys.argv[1], sys.argv[2:]
fields = boxes = bc = fc = silent = review = pages = pok = 0
for i in folds:
    d = json.load(open(f"{work}/fold{i}/eval.json"))
    s = d["summary"]
    fields += s["fields"]; fc += s["fieldsCorrect"]; boxes += s["boxes"]; bc += s["boxesCorrect"]
    silent += s["silentErrors"]; review += s["review"] + s["missing"]; pages += s["pages"]; pok += s["pagesAllCorrect"]
    for line in open(f"{work}/fold{i}/boxes.txt"):
        if line.startswith("=="): print(f"fold {i} held-out boxes {line.strip()}")
print(f"pages read by models that never saw their station: {pages}")
print(f"fields {fc}/{fields} correct ({100*fc/max(fields,1):.1f}%), boxes {bc}/{boxes} ({100*bc/max(boxes,1):.1f}%), "
      f"whole pages {pok}/{pages}, silent errors {silent}, review+missing {review} ({100*review/max(fields,1):.1f}%)")
PY
