#!/usr/bin/env bash
# The rendered book as a reader sees it. Run after `jupyter-book build -W .`: opens every page
# of _toc.yml in headless Chromium (tests/browser/test_rendered_book.py) and fails on untypeset
# math, missing images, dead internal links, solutions that do not toggle; screenshots go to
# _build/screenshots/. Needs Debian's `chromium` (installed here if missing, as root) and the
# Python package `playwright` (from requirements.txt; no `playwright install` needed).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
export SEQLIB_CHROMIUM=${SEQLIB_CHROMIUM:-$(command -v chromium)}
SEQLIB_REQUIRE_BROWSER=1 python -m pytest tests/browser -q -n 0  # one browser, one server: no workers
echo "screenshots: ${SEQLIB_SCREENSHOTS_DIR:-_build/screenshots}/"
