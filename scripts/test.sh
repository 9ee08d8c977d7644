#!/usr/bin/env bash
# Set up, build and run the test suite (what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export OMP_THREAD_LIMIT=1
# The shared-store tests need a real PostgreSQL: a throwaway cluster on loopback, stopped at the end.
# Without SCAN_C1_TEST_POSTGRES they fail (set SCAN_C1_SKIP_POSTGRES=1 to skip them on a laptop).
source scripts/test-postgres.sh
test_postgres_start
trap test_postgres_stop EXIT
swift build --build-tests
swift test --skip-build
