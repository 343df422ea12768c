#!/bin/sh
# pg-test.sh BUILD_DIR...   or   pg-test.sh --exec COMMAND [ARGS]
# Run the tracking store's tests (test_track,
# test_track_durability) against PostgreSQL: start a throwaway cluster
# (initdb + pg_ctl, Unix socket in a temporary directory, no TCP), one
# fresh database per build directory, then stop and delete it.  Called by
# tests/run.sh, so `make test` runs them; scripts/deps-test.sh installs
# Debian's postgresql.  PostgreSQL refuses to run as root, so as root the
# cluster runs as the postgres user.  Where PostgreSQL is missing it says
# the tests were skipped and exits 0.  With --exec it runs COMMAND once
# with SILKROUTE_TEST_PG and SILKROUTE_BENCH_PG naming a fresh database
# (for benchmarks).
set -u
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
  echo "skip: PostgreSQL tests (no initdb/pg_ctl; scripts/deps-test.sh installs postgresql)"
  exit 0
fi
run_as=""
if [ "$(id -u)" = 0 ]; then
  if id postgres >/dev/null 2>&1 && command -v runuser >/dev/null 2>&1; then run_as=postgres
  else echo "skip: PostgreSQL tests (running as root without a postgres user)"; exit 0; fi
fi
as() { if [ -n "$run_as" ]; then runuser -u "$run_as" -- "$@"; else "$@"; fi; }
tmp=$(mktemp -d /tmp/silkroute-pg.XXXXXX) || exit 1
chmod 755 "$tmp"
[ -n "$run_as" ] && chown "$run_as" "$tmp"
stop() {
  as "$bindir/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$tmp"
}
trap stop EXIT INT TERM
if ! as "$bindir/initdb" -D "$tmp/data" -A trust -U silkroute -E UTF8 --no-instructions >"$tmp/initdb.log" 2>&1; then
  echo "skip: PostgreSQL tests (initdb failed:"; cat "$tmp/initdb.log"; echo ")"; exit 0
fi
if ! as "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/data/server.log" -w -t 60 \
     -o "-k $tmp -c listen_addresses= -c max_connections=100" start >/dev/null 2>&1; then
  echo "skip: PostgreSQL tests (the server did not start:"; cat "$tmp/data/server.log"; echo ")"; exit 0
fi
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on $tmp"
status=0
n=0
if [ "${1:-}" = "--exec" ]; then
  shift
  "$bindir/createdb" -h "$tmp" -U silkroute silkroute_exec || exit 1
  uri="postgresql:///silkroute_exec?host=$tmp&user=silkroute"
  SILKROUTE_TEST_PG="$uri" SILKROUTE_BENCH_PG="$uri" "$@"
  exit $?
fi
for build in "$@"; do
  n=$((n + 1))
  db="silkroute_test_$n"
  "$bindir/createdb" -h "$tmp" -U silkroute "$db" || { status=1; continue; }
  for t in test_track test_track_durability; do
    [ -x "$build/tests/$t" ] || continue
    SILKROUTE_TEST_PG="postgresql:///$db?host=$tmp&user=silkroute" "$build/tests/$t" || status=1
  done
done
exit $status
