#!/usr/bin/env bash
# The review page in a real browser (Debian's headless chromium through selenium and
# chromium-driver): installs what it needs, builds, runs scripts/review-browser-test.py.
# Screenshots go to .build/review-screens/ (or --out DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
REVIEW_BROWSER=1 scripts/setup.sh
# Debian's python3-selenium (installed above) when the python3 on PATH is another one (pyenv).
PY=python3
if ! python3 -c "import selenium" 2>/dev/null && /usr/bin/python3 -c "import selenium" 2>/dev/null; then PY=/usr/bin/python3; fi
$PY -c "import selenium" 2>/dev/null || $PY -m pip install -q selenium
swift build
export OMP_THREAD_LIMIT=1
exec $PY scripts/review-browser-test.py "$@"
