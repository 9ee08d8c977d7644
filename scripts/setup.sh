#!/usr/bin/env bash
# Installs the Debian packages scan-c1 builds against (skipped when they are all present).
set -euo pipefail
packages=(pkg-config libtesseract-dev libleptonica-dev libjpeg-dev libpng-dev libapriltag-dev libheif-dev libsqlite3-dev postgresql tesseract-ocr-eng tesseract-ocr-ind curl)
# The review page's browser test (scripts/review-browser-test.sh) also needs a real browser.
if [ "${REVIEW_BROWSER:-}" = 1 ]; then packages+=(chromium chromium-driver python3-selenium); fi
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}" >&2
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
