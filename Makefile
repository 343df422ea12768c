# Makefile - builds libsilkroute (static and shared), the `silkroute` CLI,
# tests, benchmarks and fuzzers.  Plain GNU make in the style of Redis:
#
#   make                 library + CLI in build/ (build/silkroute)
#   make SAN=1           the same with ASan+UBSan, in build-san/
#   make test            deps, build, unit/scenario/differential tests, then
#                        again under ASan+UBSan; ends with "N passed, N failed"
#   make run             deps, build, and a route on the built-in dataset
#   make bench           benchmarks (medians, p99, ratios)
#   make calibrate       fit the time model to data/observations.csv and write
#                        data/calibrated.scn (docs/CALIBRATION.md)
#   make fuzz            libFuzzer targets (clang) in build-fuzz/
#   make install         PREFIX=/usr/local DESTDIR=  (make uninstall: the same, removed)
#
# Every source file below src/lib/ is part of the library; src/cli/ and
# src/server/ make the one `silkroute` binary, a client of the library.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
SAN     ?= 0
ifeq ($(SAN),1)
BUILD   ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT     ?= -O1 -g
else
BUILD   ?= build
SANFLAGS =
OPT     ?= -O2 -g
endif

PKGS      := jansson libutf8proc xlsxwriter sqlite3 libcrypto libpq readosm expat
SRV_PKGS  := libmicrohttpd zlib
TEST_PKGS := cmocka
PKG_CFLAGS  := $(shell pkg-config --cflags $(PKGS) $(SRV_PKGS) 2>/dev/null)
LIB_LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread
SRV_LIBS    := $(shell pkg-config --libs $(SRV_PKGS) 2>/dev/null)
TEST_LIBS   := $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)

# The built-in dataset: SILKROUTE_DATA if set, else the repository's data/
# (DATADIR) while it exists, else the installed copy under PREFIX.
DATADIR ?= $(CURDIR)/data
# The web map (web/, built by `make web` with npm) served by `silkroute serve`.
WEBDIR  ?= $(CURDIR)/web/dist

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS  ?=
ALL_CFLAGS := -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) $(WARN) $(SANFLAGS) -fPIC \
              -Iinclude -Isrc/lib $(PKG_CFLAGS) -DSR_DATADIR='"$(DATADIR)"' -DSR_INSTALL_DATADIR='"$(PREFIX)/share/silkroute/data"' -DSR_WEBDIR='"$(WEBDIR)"' -DSR_INSTALL_WEBDIR='"$(PREFIX)/share/silkroute/web"' $(CFLAGS)
ALL_LDFLAGS := $(SANFLAGS) $(LDFLAGS)

LIB_SRC  := $(sort $(shell find src/lib -name '*.c'))
CLI_SRC  := $(sort $(shell find src/cli src/server -name '*.c' 2>/dev/null))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
BENCH_SRC:= $(sort $(wildcard bench/bench_*.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
# The server's OpenAPI document is compiled in from src/server/openapi.json.
OPENAPI_OBJ := $(BUILD)/obj/gen/openapi.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o) $(OPENAPI_OBJ)
# The server without its command (tests start it in-process): an archive,
# so tests that do not use it pull nothing from it.
SRV_OBJ  := $(filter-out %/cmd_serve.o,$(filter $(BUILD)/obj/src/server/%,$(CLI_OBJ))) $(OPENAPI_OBJ)
SRV_LIB  := $(BUILD)/libsrserver.a
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN:= $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
# Test helpers shared by several tests (tests/util_*.c) link into each test.
TEST_UTIL:= $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tests/util_*.c))

STATIC := $(BUILD)/libsilkroute.a
SHARED := $(BUILD)/libsilkroute.so.0
CLI    := $(BUILD)/silkroute

.PHONY: all clean test check run bench fuzz install uninstall deps tests web test-web calibrate
all: $(STATIC) $(SHARED) $(CLI) $(BUILD)/silkroute.pc

deps:
	@scripts/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/openapi.c: src/server/openapi.json
	@mkdir -p $(dir $@)
	{ echo '/* Generated from src/server/openapi.json by make; do not edit. */'; \
	  echo 'const char sr__openapi_json[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; echo ';'; } > $@

$(OPENAPI_OBJ): $(BUILD)/gen/openapi.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(SRV_LIB): $(SRV_OBJ)
	rm -f $@ && ar rcs $@ $^

$(STATIC): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(SHARED): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libsilkroute.so.0 $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS)
	ln -sf libsilkroute.so.0 $(BUILD)/libsilkroute.so

$(CLI): $(CLI_OBJ) $(STATIC)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(STATIC) $(SRV_LIBS) $(LIB_LIBS)

$(BUILD)/silkroute.pc: silkroute.pc.in Makefile
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|0.1.0|g' $< > $@

# GLPK (scripts/deps-test.sh) is the LP reference of the pipeline solver's
# differential test only; without it that test skips.
GLPK_LIBS := $(shell test -f /usr/include/glpk.h && echo -lglpk)
$(BUILD)/tests/test_pipeline_lp: TEST_EXTRA_LIBS := $(GLPK_LIBS)

$(BUILD)/tests/%: tests/%.c $(STATIC) $(TEST_UTIL) $(SRV_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests $(ALL_LDFLAGS) -o $@ $< $(TEST_UTIL) $(SRV_LIB) $(STATIC) $(TEST_LIBS) $(SRV_LIBS) $(LIB_LIBS) $(TEST_EXTRA_LIBS)

$(BUILD)/bench/%: bench/%.c $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC) $(LIB_LIBS)

tests: $(TEST_BIN) $(CLI)

# The web map: npm ci (from web/package-lock.json) and a bundle in
# web/dist.  Without npm, or when the npm registry cannot be reached, it
# says so and goes on: the server then serves the API only and tests/run.sh
# reports the browser test as skipped.
web:
	@if command -v npm >/dev/null 2>&1; then \
	  cd web && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || \
	    npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent build || \
	    echo "make web: WARNING: the web map was not built (see above); the server will serve the API only"; \
	else echo "make web: npm not found; the server will serve the API only"; fi

# The full test run: plain build, then the sanitizer build, then the web
# map in headless Chromium.  tests/run.sh prints one summary line for all.
test check: deps
	@scripts/deps-test.sh
	@$(MAKE) --no-print-directory web
	@$(MAKE) --no-print-directory tests
	@$(MAKE) --no-print-directory SAN=1 tests
	@tests/run.sh build build-san

run: deps
	@$(MAKE) --no-print-directory web
	@$(MAKE) --no-print-directory all
	@scripts/run-main.sh $(CLI)

bench: $(BENCH_BIN) $(CLI)
	@for b in $(BENCH_BIN); do echo "== $$b"; $$b || exit 1; done

# The shipped calibration: observations of the current period (the period
# is also the gate test's, tests/test_calib.c).
CALIB_PERIOD ?= 2020..2026
calibrate: $(CLI)
	@scripts/calibrate.sh $(CLI) $(CALIB_PERIOD)

fuzz:
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang \
	  SANFLAGS='-fsanitize=fuzzer-no-link,address,undefined' OPT='-O1 -g' build-fuzz/libsilkroute.a
	@mkdir -p build-fuzz/fuzz
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  echo "clang $$f -> build-fuzz/fuzz/$$n"; \
	  clang -std=c17 -D_DEFAULT_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc/lib -Isrc/server $(PKG_CFLAGS) \
	    -o build-fuzz/fuzz/$$n $$f src/server/request.c src/server/analysis.c src/server/cache.c build-fuzz/libsilkroute.a $(SRV_LIBS) $(LIB_LIBS) || exit 1; done

# `make install` builds a separate copy in build-install/ whose compiled-in
# data and web directories are the installed ones, so the installed binary
# and library never read the build tree (which may be gone or changed).
INSTALL_BUILD := build-install
IDATA := $(PREFIX)/share/silkroute/data
IWEB  := $(PREFIX)/share/silkroute/web
install:
	@# A different PREFIX changes compiled-in paths: rebuild from scratch then.
	@mkdir -p $(INSTALL_BUILD) && echo '$(IDATA) $(IWEB)' > $(INSTALL_BUILD)/dirs.new && \
	  { cmp -s $(INSTALL_BUILD)/dirs.new $(INSTALL_BUILD)/dirs || rm -rf $(INSTALL_BUILD)/obj $(INSTALL_BUILD)/silkroute.pc; } && \
	  mv $(INSTALL_BUILD)/dirs.new $(INSTALL_BUILD)/dirs
	@$(MAKE) --no-print-directory BUILD=$(INSTALL_BUILD) SAN=0 DATADIR=$(IDATA) WEBDIR=$(IWEB) all
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin \
	  $(DESTDIR)$(IDATA) $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/doc/silkroute
	install -m 644 include/silkroute.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(INSTALL_BUILD)/libsilkroute.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(INSTALL_BUILD)/libsilkroute.so.0 $(DESTDIR)$(PREFIX)/lib/
	ln -sf libsilkroute.so.0 $(DESTDIR)$(PREFIX)/lib/libsilkroute.so
	install -m 644 $(INSTALL_BUILD)/silkroute.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/
	install -m 755 $(INSTALL_BUILD)/silkroute $(DESTDIR)$(PREFIX)/bin/
	install -m 644 docs/silkroute.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 scripts/completion/silkroute.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/silkroute
	install -m 644 LICENSE README.md $(DESTDIR)$(PREFIX)/share/doc/silkroute/
	cp -R data/. $(DESTDIR)$(IDATA)/
	@# The web map, when `make web` has built it.
	if [ -f web/dist/index.html ]; then install -d $(DESTDIR)$(IWEB) && \
	  cp -R web/dist/. $(DESTDIR)$(IWEB)/; fi

# Removes exactly what `make install` put there (same PREFIX and DESTDIR).
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/include/silkroute.h $(DESTDIR)$(PREFIX)/lib/libsilkroute.a \
	  $(DESTDIR)$(PREFIX)/lib/libsilkroute.so.0 $(DESTDIR)$(PREFIX)/lib/libsilkroute.so \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig/silkroute.pc $(DESTDIR)$(PREFIX)/bin/silkroute \
	  $(DESTDIR)$(PREFIX)/share/man/man1/silkroute.1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/silkroute
	rm -rf $(DESTDIR)$(PREFIX)/share/silkroute $(DESTDIR)$(PREFIX)/share/doc/silkroute

clean:
	rm -rf build build-san build-fuzz build-install

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
