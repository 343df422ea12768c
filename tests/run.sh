#!/bin/sh
# run.sh - run every test binary of the given build directories (from the
# repository root, so tests find data/ and ../shared/data/), add up the
# cmocka summaries and end with the line "N passed, N failed".
# A binary that crashes or exits non-zero without a cmocka summary counts as
# one failure.  Exit status: 0 when nothing failed.
passed=0; failed=0
for dir in "$@"; do
  for t in "$dir"/tests/test_*; do
    [ -x "$t" ] || continue
    out=$("$t" 2>&1); rc=$?
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' | awk '{s+=$1} END {print s+0}')
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' | awk '{s+=$1} END {print s+0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$f" -ne 0 ]; then
      printf '%s\n' "$out"
      echo "FAIL: $t (exit $rc)"
    else
      echo "ok   $t ($p)"
    fi
  done
done
# `make install` / `make uninstall` into a temporary prefix, once.
out=$(tests/install_check.sh 2>&1); rc=$?
p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' | awk '{s+=$1} END {print s+0}')
f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' | awk '{s+=$1} END {print s+0}')
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
passed=$((passed + p)); failed=$((failed + f))
if [ "$f" -ne 0 ]; then printf '%s\n' "$out"; echo "FAIL: tests/install_check.sh (exit $rc)"
else echo "ok   tests/install_check.sh ($p)"; fi
# The tracking store's tests again on a throwaway PostgreSQL cluster
# (scripts/pg-test.sh), for every build; it says so when it skips them.
out=$(scripts/pg-test.sh "$@" 2>&1); rc=$?
p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' | awk '{s+=$1} END {print s+0}')
f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' | awk '{s+=$1} END {print s+0}')
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
passed=$((passed + p)); failed=$((failed + f))
if [ "$f" -ne 0 ]; then printf '%s\n' "$out"; echo "FAIL: scripts/pg-test.sh (exit $rc)"
elif [ "$p" -eq 0 ]; then printf '%s\n' "$out" | grep '^skip' ; echo "skip scripts/pg-test.sh (PostgreSQL)"
else echo "ok   scripts/pg-test.sh ($p; tracking tests on PostgreSQL)"; fi
# The web map in headless Chromium, once, with the first build's binary;
# skipped (with a note) where npm could not build the bundle.
if [ -f web/dist/index.html ] && command -v node >/dev/null 2>&1 && [ -x "$1/silkroute" ]; then
  for w in web/test/*.test.mjs; do
  out=$(SILKROUTE_BIN="$1/silkroute" node "$w" 2>&1); rc=$?
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' | awk '{s+=$1} END {print s+0}')
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' | awk '{s+=$1} END {print s+0}')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" -ne 0 ]; then printf '%s\n' "$out"; echo "FAIL: $w (exit $rc)"
  else echo "ok   $w ($p; screenshots in tests/artifacts/)"; fi
  done
else
  echo "skip web/test/*.test.mjs (no web/dist or node; run make web)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
