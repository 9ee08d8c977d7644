#!/usr/bin/env bash
# Set up, build and run the test suite (what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export OMP_THREAD_LIMIT=1
swift build --build-tests
swift test --skip-build
