#!/bin/sh
# calibrate.sh - the one command behind `make calibrate`: fit the time model
# to data/observations.csv, write the overlay data/calibrated.scn, and put
# the residual table into docs/CALIBRATION.md (between the markers
# <!-- residuals --> and <!-- /residuals -->).  Deterministic: the same data
# give the same files.  Usage: scripts/calibrate.sh SILKROUTE_BINARY PERIOD
set -eu
bin=${1:-build/silkroute}
period=${2:-2020..2026}
report=$(mktemp)
status=0
"$bin" calibrate --data data --period "$period" --out data/calibrated.scn >"$report" || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 5 ]; then
    cat "$report" >&2
    rm -f "$report"
    exit "$status"
fi
head -2 "$report"
doc=docs/CALIBRATION.md
if [ -f "$doc" ] && grep -q '<!-- residuals -->' "$doc"; then
    tmp=$(mktemp)
    awk -v rep="$report" '
        /<!-- residuals -->/ { print; print "```"; while ((getline l < rep) > 0) print l; print "```"; skip = 1; next }
        /<!-- \/residuals -->/ { skip = 0 }
        !skip { print }' "$doc" >"$tmp"
    cat "$tmp" >"$doc"
    rm -f "$tmp"
fi
rm -f "$report"
exit "$status"
