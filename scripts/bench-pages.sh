#!/usr/bin/env bash
# Time per page on one core, by stage, for the real sample scans (issue 6's targets): each sheet's
# 10 pages read by `scan-c1 batch --jobs 1` into a fresh database, then the stage means and the
# median total from its pages table. Run it several times: on a shared machine one run can be
# 15% off. A benchmark, not a test.
# usage: scripts/bench-pages.sh [RUNS] (after `swift build -c release`); BIN=other/scan-c1 to
# time another build (e.g. an older one, in the same minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-.build/release/scan-c1}
runs=${1:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for sheet in lembar1 lembar2; do
    mkdir -p "$work/$sheet"
    for f in SampleScans/kpu-2019/*-"$sheet".*; do
        case "$f" in *.truth.json) ;; *) ln -s "$PWD/$f" "$work/$sheet/" ;; esac
    done
done
for run in $(seq "$runs"); do
    for sheet in lembar1 lembar2; do
        db="$work/$sheet-$run.sqlite"
        OMP_THREAD_LIMIT=1 "$bin" batch "$work/$sheet" --db "$db" --jobs 1 --quiet > /dev/null || true
        stages=$(sqlite3 "$db" "select 'decode', round(avg(decode_ms),1), 'registration', round(avg(registration_ms),1), 'cleaning', round(avg(cleaning_ms),1), 'reading', round(avg(reading_ms),1), 'checks', round(avg(checks_ms),1) from pages")
        median=$(sqlite3 "$db" "select round(total_ms,1) from pages order by total_ms limit 1 offset (select count(*)/2 from pages)")
        echo "run $run $sheet: median $median ms per page; means ${stages//|/ }"
    done
done
