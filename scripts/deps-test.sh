#!/bin/sh
# deps-test.sh - install what only the tests need, when missing: Node.js
# and npm to build the web map, Debian's postgresql for the tracking
# store's PostgreSQL tests, and Debian's chromium for the browser test
# (driven by playwright-core from npm; no browser is ever downloaded).
# Run by `make test`; does nothing when everything is present.
set -e
missing=""
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
# CJK glyphs, so that the Chinese screenshots show characters, not boxes.
dpkg-query -W -f="${Status}" fonts-wqy-microhei 2>/dev/null | grep -q "install ok installed" || missing="$missing fonts-wqy-microhei"
# Debian's PostgreSQL server for the tracking store's PostgreSQL tests
# (scripts/pg-test.sh starts a throwaway cluster of its own).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
# poppler-utils: the route-sheet browser test reads the printed PDF back
# (pdftotext) and renders its pages for a person to look at (pdftoppm).
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
# GLPK: the pipeline flow solver's differential test compares it with an LP.
[ -f /usr/include/glpk.h ] || missing="$missing libglpk-dev"
[ -z "$missing" ] && exit 0
echo "deps-test.sh: installing:$missing"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
