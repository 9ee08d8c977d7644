#!/usr/bin/env bash
# The main job on the shipped samples: set up, build, read every sample page, then score them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product scan-c1 >&2
bin=.build/release/scan-c1
status=0
for page in SampleScans/kpu-2019/*-lembar*.{jpg,png}; do
    "$bin" scan "$page" || status=$?
    echo
done
echo "== accuracy against the truth files =="
"$bin" eval SampleScans/kpu-2019
echo
echo "== one station checked as PPK staff would (verdict, rules, annotated pictures in /tmp) =="
"$bin" verify SampleScans/kpu-2019/kubu-02-lembar1.jpg SampleScans/kpu-2019/kubu-02-lembar2.jpg \
    --annotate "${TMPDIR:-/tmp}/scan-c1-kubu-02.png" || true
echo
echo "== 2024 phone photos (pages 2 and 3 of one station): bubbles read, the written sums that fail flagged =="
"$bin" verify SampleScans/kawalc1/pilpres-2024-hal2.jpg SampleScans/kawalc1/pilpres-2024-hal3.jpg --lang en || true
echo
echo "== real plano photos: the 2019 presidential sheet (whole, then close up and cut off on two sides), and a DPR party page turned by its EXIF orientation =="
"$bin" scan SampleScans/kawalc1/plano-2019-contoh-3.jpg SampleScans/kawalc1/plano-2019-contoh-4.jpg SampleScans/kawalc1/dpr-2019-plano-pkb.jpg || true
echo
echo "== generated phone photos (a shadow across the sheet, a covered corner, a scan cut taller than the reference) =="
"$bin" eval SampleScans/generated-photos
echo
echo "== every sample folder as a batch into SQLite, then one row per station as CSV =="
db="${TMPDIR:-/tmp}/scan-c1-samples.sqlite"
"$bin" batch SampleScans --db "$db" --rescan --quiet || true  # --rescan: rows left by an older version are read again
"$bin" export --db "$db" --format csv -o "${TMPDIR:-/tmp}/scan-c1-stations.csv"
echo "stations written to ${TMPDIR:-/tmp}/scan-c1-stations.csv"
# exit 1 (some fields need review) is the expected outcome with today's reader
exit $(( status > 1 ? status : 0 ))
