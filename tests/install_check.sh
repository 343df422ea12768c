#!/bin/sh
# install_check.sh - checks `make install` and `make uninstall` from the
# build tree: the installed binary, library and pkg-config file must work on
# their own and read the installed dataset and web map, never the build
# tree.  Prints cmocka-style summary lines that tests/run.sh adds up.
# Usage: tests/install_check.sh   (from the repository root)
set -u
top=$(pwd)
tmp=$(mktemp -d /tmp/silkroute-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
pass=0; fail=0
check() { # check NAME COMMAND...: one test
    name=$1; shift
    if "$@" >"$tmp/out" 2>&1; then pass=$((pass + 1)); echo "[       OK ] $name"
    else fail=$((fail + 1)); echo "[  FAILED  ] $name"; sed 's/^/    /' "$tmp/out" | tail -n 20; fi
}
have() { [ -e "$prefix/$1" ]; }

check "make install" make --no-print-directory -s install PREFIX="$prefix"
for f in bin/silkroute lib/libsilkroute.a lib/libsilkroute.so.0 lib/libsilkroute.so \
         lib/pkgconfig/silkroute.pc include/silkroute.h share/man/man1/silkroute.1 \
         share/bash-completion/completions/silkroute share/silkroute/data/places.csv \
         share/doc/silkroute/LICENSE; do
    check "installed $f" have "$f"
done
# The installed binary must not name the build tree's data or web map.
check "binary free of build-tree paths" sh -c "! grep -q -a -F '$top/data' '$prefix/bin/silkroute' && ! grep -q -a -F '$top/web' '$prefix/bin/silkroute'"
check "installed binary plans a route from /" sh -c "cd / && env -u SILKROUTE_DATA '$prefix/bin/silkroute' route \"Xi'an\" Almaty >/dev/null"
check "installed serve defaults to the installed web map" sh -c "'$prefix/bin/silkroute' serve --help | grep -q -F '$prefix/share/silkroute/web'"
check "man page renders" sh -c "command -v man >/dev/null || exit 0; man -l '$prefix/share/man/man1/silkroute.1' >/dev/null"
check "completion script parses" bash -n "$prefix/share/bash-completion/completions/silkroute"
cat > "$tmp/prog.c" <<'C'
#include <silkroute.h>
#include <stdio.h>
int main(void)
{
    sr_network *net = NULL;
    sr_code c = sr_network_open(NULL, &net);
    if (c != SR_OK) { fprintf(stderr, "%s\n", sr_strerror(c)); sr_network_close(net); return 1; }
    sr_network_close(net);
    return 0;
}
C
check "pkg-config program builds and loads the installed data" sh -c "
  export PKG_CONFIG_PATH='$prefix/lib/pkgconfig'
  cc -std=c17 -o '$tmp/prog' '$tmp/prog.c' \$(pkg-config --cflags --static --libs silkroute) &&
  cd / && env -u SILKROUTE_DATA LD_LIBRARY_PATH='$prefix/lib' '$tmp/prog'"
check "make uninstall" make --no-print-directory -s uninstall PREFIX="$prefix"
check "nothing left after uninstall" sh -c "[ -z \"\$(find '$prefix' -type f)\" ]"
echo "[  PASSED  ] $pass test(s)."
[ "$fail" -eq 0 ] || echo "[  FAILED  ] $fail test(s), listed above."
[ "$fail" -eq 0 ]
