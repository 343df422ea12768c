#!/bin/sh
# run-main.sh - the "main job" of the README's first command: show the
# built-in network and plan a route on it with the freshly built CLI.
set -e
cli=${1:-build/silkroute}
"$cli" network
echo
"$cli" route "Xi'an" Almaty
