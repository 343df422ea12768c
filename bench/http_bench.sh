#!/bin/sh
# http_bench.sh - HTTP benchmark of `silkroute serve`, run by hand (not part
# of `make test`): wrk against /v1/route on the default dataset, and, in
# the same run on the same machine, nginx serving a static file of the same
# size as the ceiling of an HTTP stack here.  Prints a Markdown section for
# docs/PERFORMANCE.md ("HTTP").
#
#   bench/http_bench.sh [DURATION_S] [CONNECTIONS]     (defaults 30 64)
#
# Installs Debian's wrk and nginx-light when missing.  Everything listens
# on 127.0.0.1 only, and stops when the script ends.
set -eu
DUR=${1:-30}
CONN=${2:-64}
cd "$(dirname "$0")/.."
need=""
command -v wrk >/dev/null 2>&1 || need="$need wrk"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need="$need nginx-light"
if [ -n "$need" ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends $need
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
make -s -j2 build/silkroute >/dev/null

tmp=$(mktemp -d)
srv_pid=""; ngx_pid=""
cleanup() {
  [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
  [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null
  sleep 0.3; rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# Free loopback ports chosen by the kernel.
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P1=$(port); P2=$(port)
THREADS=$(nproc)

build/silkroute serve --port "$P1" --threads "$THREADS" --quiet >"$tmp/srv.out" 2>"$tmp/srv.err" &
srv_pid=$!
i=0; until curl -sf "http://127.0.0.1:$P1/v1/health" >/dev/null; do i=$((i+1)); [ $i -lt 100 ] || { cat "$tmp/srv.err"; exit 1; }; sleep 0.1; done

QUERY="/v1/route?from=Xi%27an&to=Duisburg"
curl -sf "http://127.0.0.1:$P1$QUERY" >"$tmp/route.json"
SIZE=$(wc -c <"$tmp/route.json")
mkdir -p "$tmp/www"
# nginx workers drop root for www-data: they must be able to read the file.
chmod 755 "$tmp" "$tmp/www"
head -c "$SIZE" /dev/zero | tr '\0' 'x' >"$tmp/www/route.json"

cat >"$tmp/nginx.conf" <<NGX
worker_processes $THREADS;
pid $tmp/nginx.pid;
error_log $tmp/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/body; proxy_temp_path $tmp/proxy; fastcgi_temp_path $tmp/fcgi;
  uwsgi_temp_path $tmp/uwsgi; scgi_temp_path $tmp/scgi;
  default_type application/json;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$P2; root $tmp/www; }
}
NGX
"$NGINX" -c "$tmp/nginx.conf"
i=0; until curl -sf "http://127.0.0.1:$P2/route.json" >/dev/null; do i=$((i+1)); [ $i -lt 100 ] || exit 1; sleep 0.1; done

# wrk's summary: requests/s, p50, p99, errors (socket errors + non-2xx).
run() {
  wrk -t2 -c"$CONN" -d"${DUR}s" --latency "$1" >"$tmp/wrk.out" 2>&1
  rps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/wrk.out")
  p50=$(awk '$1=="50%" {print $2}' "$tmp/wrk.out")
  p99=$(awk '$1=="99%" {print $2}' "$tmp/wrk.out")
  reqs=$(awk '/requests in/ {print $1}' "$tmp/wrk.out")
  sock=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$tmp/wrk.out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$tmp/wrk.out")
  echo "$rps ${p50:-?} ${p99:-?} $(( ${sock:-0} + ${non2xx:-0} )) $reqs"
}
echo "warming up..." >&2
wrk -t2 -c"$CONN" -d3s "http://127.0.0.1:$P1$QUERY" >/dev/null 2>&1
set -- $(run "http://127.0.0.1:$P1$QUERY"); s_rps=$1; s_p50=$2; s_p99=$3; s_err=$4; s_n=$5
set -- $(run "http://127.0.0.1:$P2/route.json"); n_rps=$1; n_p50=$2; n_p99=$3; n_err=$4; n_n=$5
ratio=$(awk -v a="$s_rps" -v b="$n_rps" 'BEGIN {printf "%.2f", a / b}')

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
cat <<MD
## HTTP

\`bench/http_bench.sh\` on $(date -u +%Y-%m-%d), $cpu, $(nproc) CPUs shared by wrk and the server;
wrk 2 threads, $CONN connections, ${DUR} s each, keep-alive, loopback.
silkroute: \`serve --threads $THREADS --quiet\`, \`GET $QUERY\` on the default dataset
($SIZE-byte answer, one full route search per request). nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'):
$THREADS workers serving a static file of the same $SIZE bytes.

| server | requests/s | p50 | p99 | requests | errors |
|---|---:|---:|---:|---:|---:|
| silkroute /v1/route | $s_rps | $s_p50 | $s_p99 | $s_n | $s_err |
| nginx static file | $n_rps | $n_p50 | $n_p99 | $n_n | $n_err |

silkroute reaches **$ratio** of nginx's requests/s (goal: at least 0.5, zero errors).
MD
