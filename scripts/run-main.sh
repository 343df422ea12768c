#!/bin/sh
# run-main.sh - the "main job" of the README's first command: show the
# built-in network, plan a route on it with the freshly built CLI, then
# start the HTTP server and web map on it (it prints the URL; Ctrl-C stops
# it).  PORT and BIND override 8080 and 127.0.0.1.
set -e
cli=${1:-build/silkroute}
"$cli" network
echo
"$cli" route "Xi'an" Almaty
echo
exec "$cli" serve --port "${PORT:-8080}" --bind "${BIND:-127.0.0.1}"
