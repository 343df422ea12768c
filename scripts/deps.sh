#!/bin/sh
# deps.sh - install the Debian packages silkroute needs to build and test,
# when they are missing.  Run first by the README's two commands (so that a
# bare system gets make too) and again by `make run` and `make test`; does nothing
# when everything is present.  Installing needs root (or sudo).
set -e
PKGS="build-essential pkg-config libjansson-dev libutf8proc-dev libmicrohttpd-dev libcmocka-dev libsqlite3-dev libxlsxwriter-dev zlib1g-dev libssl-dev libpq-dev libreadosm-dev libexpat1-dev clang tzdata"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node.js and npm build the web map (make web); any installed node will do,
# so look for the commands rather than for Debian's packages.
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
[ -z "$missing" ] && exit 0
echo "deps.sh: installing:$missing"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
