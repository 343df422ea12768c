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
srv_pid=""; srv2_pid=""
cleanup() {
  [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
  [ -n "$srv2_pid" ] && kill "$srv2_pid" 2>/dev/null && wait "$srv2_pid" 2>/dev/null
  [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null
  sleep 0.3; rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# Free loopback ports chosen by the kernel.
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P1=$(port); P2=$(port); P3=$(port)
THREADS=$(nproc)

build/silkroute serve --port "$P1" --threads "$THREADS" --quiet >"$tmp/srv.out" 2>"$tmp/srv.err" &
srv_pid=$!
build/silkroute serve --port "$P3" --threads "$THREADS" --quiet --cache 0 >/dev/null 2>&1 &
srv2_pid=$!
for p in $P1 $P3; do
  i=0; until curl -sf "http://127.0.0.1:$p/v1/health" >/dev/null; do i=$((i+1)); [ $i -lt 100 ] || { cat "$tmp/srv.err"; exit 1; }; sleep 0.1; done
done

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
set -- $(run "http://127.0.0.1:$P3$QUERY"); u_rps=$1; u_p50=$2; u_p99=$3; u_err=$4; u_n=$5
set -- $(run "http://127.0.0.1:$P2/route.json"); n_rps=$1; n_p50=$2; n_p99=$3; n_err=$4; n_n=$5
# The miss-heavy load of issue 8 (item 9): random origin-destination
# pairs (bench/random_pairs.lua), with and without the cache, in three
# interleaved rounds so that load from other processes hits both alike;
# the median round of each is reported.
tail -n +2 data/places.csv | cut -d, -f1 >"$tmp/places.txt"
# Server CPU time (user + system, clock ticks) of a process, from /proc.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
# One round: requests/s, and the server's CPU microseconds per request
# (which other processes' load does not inflate the way it does req/s).
rand() {
  t0=$(ticks "$2")
  PLACES="$tmp/places.txt" wrk -t2 -c"$CONN" -d"$(( DUR / 3 > 5 ? DUR / 3 : 5 ))s" -s bench/random_pairs.lua "$1" >"$tmp/rand.out" 2>&1
  t1=$(ticks "$2")
  rps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/rand.out"); n=$(awk '/requests in/ {print $1}' "$tmp/rand.out")
  echo "$rps $(awk -v a="$t0" -v b="$t1" -v n="$n" -v hz="$HZ" 'BEGIN {printf "%.1f", (b - a) * 1e6 / hz / (n > 0 ? n : 1)}')"
}
rc=""; ru=""; cc=""; cu=""
for round in 1 2 3; do
  set -- $(rand "http://127.0.0.1:$P1/" "$srv_pid"); rc="$rc $1"; cc="$cc $2"
  set -- $(rand "http://127.0.0.1:$P3/" "$srv2_pid"); ru="$ru $1"; cu="$cu $2"
done
median() { printf '%s\n' $1 | sort -n | sed -n 2p; }
r_c=$(median "$rc"); r_u=$(median "$ru"); c_c=$(median "$cc"); c_u=$(median "$cu")
hits=$(curl -s "http://127.0.0.1:$P1/v1/health" | sed -n 's/.*"hits":\([0-9]*\),"misses":\([0-9]*\).*/\1 \2/p')
hitrate=$(echo "$hits" | awk '{ printf "%.1f", $1 * 100 / ($1 + $2) }')
ratio=$(awk -v a="$s_rps" -v b="$n_rps" 'BEGIN {printf "%.2f", a / b}')
uratio=$(awk -v a="$u_rps" -v b="$n_rps" 'BEGIN {printf "%.3f", a / b}')

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
cat <<MD
## HTTP

\`bench/http_bench.sh\` on $(date -u +%Y-%m-%d), $cpu, $(nproc) CPUs shared by wrk and the server (load average at the end: $(cut -d" " -f1-3 /proc/loadavg));
wrk 2 threads, $CONN connections, ${DUR} s each, keep-alive, loopback.
silkroute: \`serve --threads $THREADS --quiet\`, \`GET $QUERY\` on the default dataset
($SIZE-byte answer), with the route cache (default: the repeated query is answered from
memory after the first search) and with \`--cache 0\` (one full route search per request). nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'):
$THREADS workers serving a static file of the same $SIZE bytes.

| server | requests/s | p50 | p99 | requests | errors |
|---|---:|---:|---:|---:|---:|
| silkroute /v1/route (cache) | $s_rps | $s_p50 | $s_p99 | $s_n | $s_err |
| silkroute /v1/route (--cache 0) | $u_rps | $u_p50 | $u_p99 | $u_n | $u_err |
| nginx static file | $n_rps | $n_p50 | $n_p99 | $n_n | $n_err |

silkroute reaches **$ratio** of nginx's requests/s with its cache (goal: at least 0.5, zero
errors), and $uratio when every request runs a full route search.

Random origin-destination pairs (\`bench/random_pairs.lua\`, median of three interleaved
rounds): **$r_c** requests/s with the cache (hit rate $hitrate %, counting the warm-up of the
first query) and **$r_u** with \`--cache 0\` (rounds:$rc /$ru); server CPU per request
**$c_c µs** with the cache and **$c_u µs** without (rounds:$cc /$cu).
MD
