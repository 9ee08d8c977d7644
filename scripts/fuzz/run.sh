#!/usr/bin/env bash
# Builds the libFuzzer target of the image loaders and the EXIF parser (scripts/fuzz/FuzzImages,
# with AddressSanitizer, coverage on our Swift and C code) and runs it.
#
#   scripts/fuzz/run.sh [RUNS] [libFuzzer options…]
#
# RUNS: executions to make (default 1000000); 0 runs the committed seed corpus once and stops.
# The growing corpus is kept in .build/fuzz/corpus, crashing inputs in .build/fuzz/artifacts/;
# the seeds in scripts/fuzz/seeds are only read. Exit status: 0 when no input crashed, leaked
# or hung. CI does not run this (the seeds are decoded once by ImageDefectTests instead).
# The system libraries (libjpeg, libpng, Leptonica, libheif) run under ASan's allocator but
# are not instrumented for coverage: the fuzzer is guided by our shim and Swift code.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-1000000}"
shift || true
scripts/setup.sh
export OMP_THREAD_LIMIT=1
SCAN_C1_FUZZ=1 swift build -c release --scratch-path .build/fuzz --product fuzz-images \
    --sanitize=fuzzer --sanitize=address \
    -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp >&2
mkdir -p .build/fuzz/corpus .build/fuzz/artifacts
export LSAN_OPTIONS="suppressions=$PWD/scripts/fuzz/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
exec .build/fuzz/release/fuzz-images -runs="$runs" -max_len=65536 -timeout=30 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix=.build/fuzz/artifacts/ "$@" \
    .build/fuzz/corpus scripts/fuzz/seeds
