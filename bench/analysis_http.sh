#!/bin/sh
# analysis_http.sh - time and answer size of each analysis endpoint of
# `silkroute serve` on the default dataset, run by hand (not part of `make
# test`): every request three times: the first computed, the third from the
# answer cache (the cache admits an answer on the second miss of its key,
# cache.h).  curl's time_total on loopback; prints a Markdown table for
# docs/PERFORMANCE.md ("Analysis endpoints").
#
#   bench/analysis_http.sh
set -eu
cd "$(dirname "$0")/.."
make -s -j2 build/silkroute >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
build/silkroute serve --port "$port" --quiet --threads 2 >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT INT TERM
sleep 1
U="http://127.0.0.1:$port"
ids=$(python3 -c 'import csv,json; ids=[r["id"] for r in csv.DictReader(open("data/places.csv"))][:200]; print(json.dumps({"sources":ids,"targets":ids}))')
echo "| request | first (computed) | third (cached) | answer bytes |"
echo "|---------|-----------------:|----------------:|-------------:|"
one() { # label, curl args...
  label=$1; shift
  a=$(curl -s -o /dev/null -w '%{time_total} %{size_download} %{http_code}' "$@")
  curl -s -o /dev/null "$@"
  b=$(curl -s -o /dev/null -w '%{time_total}' "$@")
  set -- $a
  awk -v l="$label" -v a="$1" -v b="$b" -v n="$2" 'BEGIN { printf "| %s | %.1f ms | %.1f ms | %s |\n", l, a * 1000, b * 1000, n }'
}
one 'GET /v1/assign' "$U/v1/assign"
one 'GET /v1/assign?format=geojson' "$U/v1/assign?format=geojson"
one 'GET /v1/assign/compare?scenario=cku-2030' "$U/v1/assign/compare?scenario=cku-2030"
one 'GET /v1/assign/compare?scenario=cku-2030&format=geojson' "$U/v1/assign/compare?scenario=cku-2030&format=geojson"
one 'GET /v1/assign/critical?top=20' "$U/v1/assign/critical?top=20"
one 'GET /v1/reach?from=CNXIY&budget=7d' "$U/v1/reach?from=CNXIY&budget=7d"
one 'GET /v1/reach?from=CNXIY&budget=7d&format=geojson' "$U/v1/reach?from=CNXIY&budget=7d&format=geojson"
one 'POST /v1/matrix 200 x 200 (JSON)' -X POST --data-binary "$ids" "$U/v1/matrix"
