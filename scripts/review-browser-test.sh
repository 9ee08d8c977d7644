#!/usr/bin/env bash
# The review page in a real browser (Debian's headless chromium through selenium and
# chromium-driver): installs what it needs, builds, runs scripts/review-browser-test.py.
# Screenshots go to .build/review-screens/ (or --out DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
REVIEW_BROWSER=1 scripts/setup.sh
python3 -c "import selenium" 2>/dev/null || python3 -m pip install -q selenium
swift build
export OMP_THREAD_LIMIT=1
exec python3 scripts/review-browser-test.py "$@"
