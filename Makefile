# stet: build, test, demo, bench, install.
#
#   make demo     install missing Debian packages, build, clean the example corpus
#   make test     install missing Debian packages, build, lint, run every spec
#                 normally and under ASan+UBSan, then every fuzz target for 5 s
#                 (one check each); ends with "N passed, N failed"
#   make bench    throughput and peak memory beside the baselines (bench/)
#   make install  PREFIX=/usr/local DESTDIR=...
#   make fuzz     build the libFuzzer harnesses (core/fuzz/) with clang and run
#                 each for FUZZ_SECONDS (default 60); fuzz-smoke: 5 s each
#
# Generated Unicode tables: every core/gen/<name>.lua (except ucd.lua, the
# shared helper) writes build/gen/<name>.h from Debian's unicode-data files.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
UCD     ?= /usr/share/unicode
LUA     ?= lua5.4
BUSTED  ?= $(LUA) /usr/bin/busted
CC      ?= cc
CFLAGS  ?= -O2 -g
LUA_INC ?= -I/usr/include/lua5.4
LUA_LIB ?= -llua5.4

DEB_PACKAGES = build-essential lua5.4 liblua5.4-dev libutf8proc-dev lua-busted \
  lua-check lua-cjson unicode-data libxxhash-dev zlib1g-dev libzstd-dev zstd \
  gzip bzip2 icu-devtools python3 parallel time clang libclang-rt-14-dev

WARN     = -std=c11 -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes
ALLCPP   = -D_POSIX_C_SOURCE=200809L -Icore -I$(BUILD)/gen $(LUA_INC)
LIBS     = -lutf8proc -lxxhash -lz -lzstd -lm -lpthread
SANITIZE = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

CORE_SRC    = $(filter-out core/main.c,$(wildcard core/*.c))
GEN_SCRIPTS = $(filter-out core/gen/ucd.lua,$(wildcard core/gen/*.lua))
GEN_HEADERS = $(patsubst core/gen/%.lua,$(BUILD)/gen/%.h,$(GEN_SCRIPTS))
OBJ         = $(patsubst core/%.c,$(BUILD)/obj/%.o,$(CORE_SRC))
ASAN_OBJ    = $(patsubst core/%.c,$(BUILD)/asan/obj/%.o,$(CORE_SRC))
TSAN_OBJ    = $(patsubst core/%.c,$(BUILD)/tsan/obj/%.o,$(CORE_SRC))

.PHONY: all deps test demo bench install uninstall clean asan asan-build tsan-build lint specs \
  fuzz fuzz-smoke fuzz-build
.DEFAULT_GOAL := all
# generated headers are kept, not deleted as intermediates
.SECONDARY:

all: bin/stet $(BUILD)/lib/stet/core.so

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' \
	    || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/gen/%.h: core/gen/%.lua core/gen/ucd.lua
	@mkdir -p $(@D)
	$(LUA) $< $(UCD) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/%.o: core/%.c $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -fPIC -MMD -MP $(ALLCPP) -c $< -o $@

$(BUILD)/asan/obj/%.o: core/%.c $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g $(SANITIZE) -fPIC -MMD -MP $(ALLCPP) -c $< -o $@

$(BUILD)/lib/stet/core.so: $(OBJ)
	@mkdir -p $(@D)
	$(CC) -shared $(CFLAGS) -o $@ $^ $(LIBS)

bin/stet: $(OBJ) $(BUILD)/obj/main.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Wl,-E -o $@ $^ $(LUA_LIB) $(LIBS)

$(BUILD)/asan/lib/stet/core.so: $(ASAN_OBJ)
	@mkdir -p $(@D)
	$(CC) -shared $(SANITIZE) -o $@ $^ $(LIBS)

bin/stet-asan: $(ASAN_OBJ) $(BUILD)/asan/obj/main.o
	@mkdir -p $(@D)
	$(CC) $(SANITIZE) -Wl,-E -o $@ $^ $(LUA_LIB) $(LIBS)

asan-build: bin/stet-asan $(BUILD)/asan/lib/stet/core.so

# ThreadSanitizer host, for the worker threads of `stet clean -j N` and `stet signatures -j N`
$(BUILD)/tsan/obj/%.o: core/%.c $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g -fsanitize=thread -MMD -MP $(ALLCPP) -c $< -o $@

bin/stet-tsan: $(TSAN_OBJ) $(BUILD)/tsan/obj/main.o
	@mkdir -p $(@D)
	$(CC) -fsanitize=thread -Wl,-E -o $@ $^ $(LUA_LIB) $(LIBS)

tsan-build: bin/stet-tsan

-include $(OBJ:.o=.d) $(ASAN_OBJ:.o=.d) $(TSAN_OBJ:.o=.d) $(BUILD)/obj/main.d $(BUILD)/asan/obj/main.d

# Fuzzing: each core/fuzz/fuzz_<target>.c is a libFuzzer harness linked with
# the plain C core (no Lua bindings) built by clang with the fuzzer hooks
# and ASan+UBSan, into $(BUILD)/fuzz/<target>. core/fuzz/run.sh seeds the
# corpora ($(BUILD)/fuzz/corpus/<target>/) and runs each target in turn.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  = -O1 -g $(FUZZ_SAN)
FUZZ_SRC     = $(filter-out core/lua_%,$(CORE_SRC))
FUZZ_OBJ     = $(patsubst core/%.c,$(BUILD)/fuzz/obj/%.o,$(FUZZ_SRC))
FUZZ_TARGETS = $(patsubst core/fuzz/fuzz_%.c,%,$(wildcard core/fuzz/fuzz_*.c))
FUZZ_BINS    = $(addprefix $(BUILD)/fuzz/,$(FUZZ_TARGETS))

$(BUILD)/fuzz/obj/%.o: core/%.c $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP $(ALLCPP) -c $< -o $@

$(FUZZ_BINS): $(BUILD)/fuzz/%: core/fuzz/fuzz_%.c core/fuzz/fuzz.h $(FUZZ_OBJ)
	$(FUZZ_CC) $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(ALLCPP) -o $@ $< $(FUZZ_OBJ) $(LIBS)

-include $(FUZZ_OBJ:.o=.d)

fuzz-build: $(FUZZ_BINS)

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@BUILD="$(BUILD)" FUZZ_SECONDS="$(FUZZ_SECONDS)" sh core/fuzz/run.sh $(FUZZ_TARGETS)

fuzz-smoke: deps
	@$(MAKE) --no-print-directory fuzz-build
	@BUILD="$(BUILD)" FUZZ_SECONDS=5 sh core/fuzz/run.sh $(FUZZ_TARGETS)

lint:
	luacheck -q $(wildcard lua spec scripts examples bench core/gen)

# specs only, on what is built (the test target builds first)
specs:
	@BUSTED="$(BUSTED)" BUILD="$(BUILD)" sh spec/support/run.sh

asan: deps
	@$(MAKE) --no-print-directory asan-build
	@BUSTED="$(BUSTED)" BUILD="$(BUILD)" ONLY=asan sh spec/support/run.sh

test: deps
	@$(MAKE) --no-print-directory all asan-build tsan-build fuzz-build
	@BUSTED="$(BUSTED)" BUILD="$(BUILD)" FUZZ_TARGETS="$(FUZZ_TARGETS)" sh spec/support/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@sh examples/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@sh bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/lua/5.4/stet \
	  $(DESTDIR)$(PREFIX)/share/lua/5.4
	install -m 755 bin/stet $(DESTDIR)$(PREFIX)/bin/stet
	install -m 644 $(BUILD)/lib/stet/core.so $(DESTDIR)$(PREFIX)/lib/lua/5.4/stet/core.so
	cd lua && find stet -type d -exec install -d $(DESTDIR)$(PREFIX)/share/lua/5.4/{} \; \
	  && find stet -type f -name '*.lua' -exec install -m 644 {} $(DESTDIR)$(PREFIX)/share/lua/5.4/{} \;
	install -d $(DESTDIR)$(PREFIX)/share/stet/scripts
	install -m 644 scripts/*.lua scripts/README.md $(DESTDIR)$(PREFIX)/share/stet/scripts/

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/stet $(DESTDIR)$(PREFIX)/lib/lua/5.4/stet \
	  $(DESTDIR)$(PREFIX)/share/lua/5.4/stet $(DESTDIR)$(PREFIX)/share/stet

clean:
	rm -rf $(BUILD) bin
