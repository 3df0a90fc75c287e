# mctop — terminal operations console.
#
#   make            build ./mctop
#   make demo       install what is missing (as root), build, run the demo site
#   make check      unit tests, screen tests, unit tests under ASan+UBSan, valgrind
#   make bench      print performance figures
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share/mctop
DESTDIR    ?=

CC         ?= cc
PKG_CONFIG ?= pkg-config
PKGS       := ncursesw libssh libcurl libcjson inih
BUILD      ?= build

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes \
        -Wstrict-prototypes -Wwrite-strings -Wpointer-arith -Wundef \
        -Wcast-qual -Wnull-dereference -Wvla -Wimplicit-fallthrough
CFLAGS ?= -O2 -g
ifeq ($(SANITIZE),1)
override BUILD := $(BUILD)-asan
CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
          -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CHECK_LIBS := $(shell $(PKG_CONFIG) --libs check 2>/dev/null)
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
              $(CFLAGS) $(PKG_CFLAGS) -I. -DMCTOP_DATADIR='"$(DATADIR)"' \
              -MMD -MP
LIBS       := $(PKG_LIBS) -lpthread -lm

KEYMAPS  := $(wildcard keymaps/*.keys)
LIB_SRC  := $(sort $(wildcard backend/*.c tui/*.c views/*.c) \
              $(filter-out keymaps/builtin.c,$(wildcard keymaps/*.c)) \
              keymaps/builtin.c)
MAIN_SRC := views/main.c
LIB_SRC  := $(filter-out $(MAIN_SRC),$(LIB_SRC))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(MAIN_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(BUILD)/tests/unit/run

.PHONY: all demo check unit screen asan valgrind lint-man bench install \
        uninstall clean format format-check deps-build deps-check deps-list \
        lab lab-down lab-check

all: mctop

# A rename, so a copy that is running (in a test, say) does not block it.
mctop: $(BUILD)/mctop
	@cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/mctop: $(LIB_OBJ) $(MAIN_OBJ)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# Quiet by default; `make V=1` shows the commands.
Q := $(if $(V),,@)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The shipped keymaps are compiled in so the binary works on its own.
keymaps/builtin.c: $(KEYMAPS) keymaps/embed.sh
	sh keymaps/embed.sh $(KEYMAPS) > $@.tmp && mv $@.tmp $@

# Test suites are found by name: every `Suite *x_suite(void)` in tests/unit.
$(BUILD)/tests/unit/suites.h: $(filter-out tests/unit/run.c,$(UNIT_SRC))
	@mkdir -p $(dir $@)
	sed -n 's/^Suite \*\([a-z0-9_]*\)_suite(void)$$/SUITE(\1)/p' $^ > $@

$(BUILD)/tests/unit/run.o: $(BUILD)/tests/unit/suites.h
$(BUILD)/tests/unit/run.o: ALL_CFLAGS += -I$(BUILD)/tests/unit
$(UNIT_OBJ): ALL_CFLAGS += -Wno-missing-prototypes

$(UNIT_BIN): $(UNIT_OBJ) $(LIB_OBJ)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(CHECK_LIBS)

# --- set-up: as root install what is missing, otherwise say what to install
DEPS_BUILD := gcc make pkg-config libncurses-dev libssh-dev \
              libcurl4-openssl-dev libcjson-dev libinih-dev
DEPS_CHECK := $(DEPS_BUILD) check tmux valgrind mandoc ncurses-term clang-format \
  openssh-client
deps-build:
	@sh tests/deps.sh $(DEPS_BUILD)
# The lab's packages (Cacti needs MariaDB running while it installs) are
# installed by tests/lab/install.sh; a normal user gets one apt-get line.
deps-check:
	@if [ "$$(id -u)" -eq 0 ]; then \
	  sh tests/deps.sh $(DEPS_CHECK) && sh tests/lab/install.sh; \
	else \
	  sh tests/deps.sh $(DEPS_CHECK) $$(sh tests/lab/install.sh --list); \
	fi
deps-list:
	@echo $(DEPS_CHECK)

demo: deps-build
	$(MAKE) mctop
	./mctop --demo

check: deps-check
	$(MAKE) mctop $(UNIT_BIN)
	$(MAKE) unit screen lint-man format-check
	$(MAKE) lab-check
	$(MAKE) SANITIZE=1 asan
	$(MAKE) valgrind
	@echo "make check: all passed"

unit: $(UNIT_BIN)
	$(UNIT_BIN)

screen: mctop
	sh tests/screen/run.sh

# The unit suite, then the real binary on screen, under ASan+UBSan.
asan: $(UNIT_BIN) $(BUILD)/mctop
	ASAN_OPTIONS=detect_leaks=1 $(UNIT_BIN)
	MCTOP=$(CURDIR)/$(BUILD)/mctop TEST_NAME=t_start_views \
	  sh tests/screen/t_start_views.sh && echo "PASS t_start_views under ASan+UBSan"

valgrind: $(UNIT_BIN)
	CK_FORK=no valgrind -q --error-exitcode=3 --leak-check=full \
	  --errors-for-leak-kinds=definite,indirect $(UNIT_BIN)

# --- the lab: real bastion, Icinga 2, NRPE, Cacti, search server (root)
LAB_SCALE ?=
lab: mctop
	LAB_SCALE=$(LAB_SCALE) sh tests/lab/lab.sh up

lab-down:
	sh tests/lab/lab.sh down

# Start the lab once, run every lab test, and always take it down again
# (a lab that was already up is used and left up).
lab-check: mctop
	@if sh tests/lab/lab.sh status >/dev/null 2>&1; then \
	  echo "lab already up: testing it"; sh tests/lab/run-tests.sh; \
	else \
	  sh tests/lab/lab.sh up || exit 1; \
	  sh tests/lab/run-tests.sh; rc=$$?; sh tests/lab/lab.sh down; exit $$rc; \
	fi

lint-man:
	mandoc -Tlint -W warning man/mctop.1 man/mctop.conf.5

BENCH_BIN := $(BUILD)/tests/bench/fetch_bench
$(BENCH_BIN): $(BUILD)/tests/bench/fetch_bench.o $(LIB_OBJ)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

HOP_BENCH_BIN := $(BUILD)/tests/bench/hop_bench
$(HOP_BENCH_BIN): $(BUILD)/tests/bench/hop_bench.o $(LIB_OBJ)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

CACTI_BENCH_BIN := $(BUILD)/tests/bench/cacti_bench
$(CACTI_BENCH_BIN): $(BUILD)/tests/bench/cacti_bench.o $(LIB_OBJ)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

GRAPH_BENCH_BIN := $(BUILD)/tests/bench/graph_bench
$(GRAPH_BENCH_BIN): $(BUILD)/tests/bench/graph_bench.o $(LIB_OBJ)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

ES_BENCH_BIN := $(BUILD)/tests/bench/es_bench
$(ES_BENCH_BIN): $(BUILD)/tests/bench/es_bench.o $(LIB_OBJ)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

LOGS_BENCH_BIN := $(BUILD)/tests/bench/logs_bench
$(LOGS_BENCH_BIN): $(BUILD)/tests/bench/logs_bench.o $(LIB_OBJ)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

bench: mctop $(BENCH_BIN) $(HOP_BENCH_BIN) $(CACTI_BENCH_BIN) $(GRAPH_BENCH_BIN) \
       $(ES_BENCH_BIN) $(LOGS_BENCH_BIN)
	BENCH_BIN=$(BENCH_BIN) HOP_BENCH_BIN=$(HOP_BENCH_BIN) \
	  CACTI_BENCH_BIN=$(CACTI_BENCH_BIN) GRAPH_BENCH_BIN=$(GRAPH_BENCH_BIN) \
	  ES_BENCH_BIN=$(ES_BENCH_BIN) LOGS_BENCH_BIN=$(LOGS_BENCH_BIN) \
	  sh tests/bench/run.sh

format:
	clang-format -i $(filter-out keymaps/builtin.c,$(LIB_SRC)) $(MAIN_SRC) \
	  $(wildcard */*.h) $(UNIT_SRC)

format-check:
	clang-format --dry-run -Werror $(filter-out keymaps/builtin.c,$(LIB_SRC)) \
	  $(MAIN_SRC) $(wildcard */*.h) $(UNIT_SRC)

install: mctop
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)/keymaps
	install -m 0755 mctop $(DESTDIR)$(BINDIR)/mctop
	install -m 0644 man/mctop.1 $(DESTDIR)$(MANDIR)/man1/mctop.1
	install -m 0644 man/mctop.conf.5 $(DESTDIR)$(MANDIR)/man5/mctop.conf.5
	install -m 0644 $(KEYMAPS) $(DESTDIR)$(DATADIR)/keymaps/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mctop $(DESTDIR)$(MANDIR)/man1/mctop.1 \
	  $(DESTDIR)$(MANDIR)/man5/mctop.conf.5
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-asan mctop keymaps/builtin.c

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_OBJ:.o=.d)
