# tinysim: top-level build.
#
#   make             build build/tinysim and the core for every Cortex-M target
#   make test        install missing packages, build, run every test (what CI runs)
#   make test-asan   the unit tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make run         install missing packages, build, run the main job on the shipped demo
#   make demo-models regenerate models/demo/*.tflite with the project's generator
#   make cross       cross-compile core/ for cortex-m0plus, m3, m4f, m7, m33
#   make clean
#
# Quiet by default; V=1 shows full commands. Output trees: build/host, build/asan,
# build/<cpu> for the cross builds of the core.

CC       ?= cc
CROSS    ?= arm-none-eabi-
O        ?= build/host
V        ?= 0

WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wundef \
            -Wpointer-arith -Wcast-align -Wwrite-strings -Wvla
CSTD     := -std=c11 -ffp-contract=off
OPT      ?= -O2 -g
CPPFLAGS += -D_DEFAULT_SOURCE -I.
HOST_CFLAGS := $(CSTD) $(OPT) -fno-strict-aliasing $(WARN) -Werror $(SANFLAGS)
# The host tools run float32 models: link the core's float kernels (see core/nn_float.h).
HOST_LDFLAGS := $(SANFLAGS) -Wl,--undefined=nn_run_layer_f32

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-6s %s\n' $(1) $(2)
endif

.PHONY: all deps test test-run test-asan test-valgrind run cross firmware firmware-O0 demo-models clean bench fuzz
.SECONDARY:
all: $(O)/tinysim cross firmware

# ------------------------------------------------------------------ sources
CORE_SRC   := $(wildcard core/*.c)
MODELS_SRC := $(filter-out models/mkdemo.c,$(wildcard models/*.c))
SIM_SRC    := $(wildcard sim/*.c)
PROF_SRC   := $(wildcard profiler/*.c)
CLI_SRC    := $(wildcard tui/*.c)
TEST_SRC   := $(wildcard tests/core/test_*.c tests/models/test_*.c tests/sim/test_*.c \
                tests/profiler/test_*.c tests/tui/test_*.c)

obj = $(patsubst %.c,$(O)/%.o,$(1))

CORE_OBJ   := $(call obj,$(CORE_SRC))
MODELS_OBJ := $(call obj,$(MODELS_SRC))
SIM_OBJ    := $(call obj,$(SIM_SRC))
PROF_OBJ   := $(call obj,$(PROF_SRC))
CLI_OBJ    := $(call obj,$(CLI_SRC))
CLI_LIB_OBJ := $(filter-out $(O)/tui/main.o,$(CLI_OBJ))
TEST_BIN   := $(patsubst %.c,$(O)/%,$(TEST_SRC))

HOST_LIBS  := -lm
SIM_LIBS   := -lunicorn -lelf -lcapstone -liberty -lreadline -lncurses

$(O)/%.o: %.c
	$(call msg,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(O)/libcore.a: $(CORE_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/libmodels.a: $(MODELS_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/libsim.a: $(SIM_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/libprof.a: $(PROF_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/libcli.a: $(CLI_LIB_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/tinysim: $(O)/tui/main.o $(O)/libcli.a $(O)/libprof.a $(O)/libsim.a $(O)/libmodels.a $(O)/libcore.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ $(SIM_LIBS) $(HOST_LIBS)

$(O)/mkdemo: $(O)/models/mkdemo.o $(O)/libmodels.a $(O)/libcore.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ $(HOST_LIBS)

# tests/ops/mkops: the single-op test models (tests/ops/ops.sh checks them against TFLM)
$(O)/mkops: $(O)/tests/ops/mkops.o $(O)/libmodels.a $(O)/libcore.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ $(HOST_LIBS)

# A test binary links the libraries of its own layer and those below it, and cmocka.
$(O)/tests/core/%: $(O)/tests/core/%.o $(O)/libcore.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ -lcmocka $(HOST_LIBS)

$(O)/tests/models/%: $(O)/tests/models/%.o $(O)/libmodels.a $(O)/libcore.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ -lcmocka $(HOST_LIBS)

$(O)/tests/sim/%: $(O)/tests/sim/%.o $(O)/libsim.a $(O)/libmodels.a $(O)/libcore.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ -lcmocka $(SIM_LIBS) $(HOST_LIBS)

$(O)/tests/profiler/%: $(O)/tests/profiler/%.o $(O)/libprof.a $(O)/libsim.a $(O)/libmodels.a $(O)/libcore.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ -lcmocka $(SIM_LIBS) $(HOST_LIBS)

$(O)/tests/tui/%: $(O)/tests/tui/%.o $(O)/libcli.a $(O)/libprof.a $(O)/libsim.a $(O)/libmodels.a $(O)/libcore.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ -lcmocka $(SIM_LIBS) $(HOST_LIBS)

build/tinysim: $(O)/tinysim
	$(Q)mkdir -p build && ln -sf $(patsubst build/%,%,$(O))/tinysim build/tinysim
ifeq ($(O),build/host)
all: build/tinysim
endif

# ------------------------------------------------------------------ set-up
deps:
	$(Q)scripts/install-deps.sh

# ------------------------------------------------------------------ tests
# test-run runs every test binary; each prints its own cmocka summary. SHARED points tests
# at ../shared (absent on a fresh clone: those tests skip with a message).
SHARED ?= ../shared
export TINYSIM_SHARED := $(abspath $(SHARED))
export TINYSIM_BIN := $(abspath $(O)/tinysim)

# The two passes run side by side (tests/both.sh), everything they share built first; the
# sanitizer pass converts the firmware's default model with the plain tinysim, as the plain
# pass does, so that neither rebuilds a firmware the other is running.
test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory $(TEST_BIN) $(O)/mkdemo $(O)/mkops firmware-O0
	$(Q)tests/both.sh build/test-logs "$(MAKE) --no-print-directory test-run" \
		"$(MAKE) --no-print-directory test-asan FW_TINYSIM=$(abspath $(O)/tinysim)"

test-run: $(TEST_BIN) $(O)/tinysim $(O)/mkdemo $(O)/mkops firmware firmware-O0
	$(Q)fail=0; for t in $(TEST_BIN); do \
		printf '== %s\n' "$$t"; "$$t" || fail=1; \
	done; \
	printf '== tests/cli.sh\n'; tests/cli.sh $(O)/tinysim || fail=1; \
	printf '== tests/models/demo_reproducible.sh\n'; tests/models/demo_reproducible.sh $(O)/mkdemo || fail=1; \
	printf '== tests/sim/firmware.sh\n'; tests/sim/firmware.sh $(O)/tinysim build/firmware || fail=1; \
	printf '== tests/sim/cxx.sh\n'; tests/sim/cxx.sh $(O)/tinysim build/firmware || fail=1; \
	printf '== tests/sim/tflm.sh\n'; tests/sim/tflm.sh $(O)/tinysim || fail=1; \
	printf '== tests/sim/coverage.sh\n'; tests/sim/coverage.sh $(O)/tinysim build/firmware || fail=1; \
	printf '== tests/ops/ops.sh\n'; tests/ops/ops.sh $(O)/tinysim $(O)/mkops build/firmware || fail=1; \
	printf '== tests/sim/boards.sh\n'; tests/sim/boards.sh $(O)/tinysim build/firmware || fail=1; \
	printf '== tests/sim/gdb.sh\n'; tests/sim/gdb.sh $(O)/tinysim build/firmware || fail=1; \
	printf '== tests/sim/calls.sh\n'; tests/sim/calls.sh $(O)/tinysim build/firmware || fail=1; \
	printf '== tests/sim/html.sh\n'; tests/sim/html.sh $(O)/tinysim build/firmware || fail=1; \
	printf '== tests/sim/sweep.sh\n'; tests/sim/sweep.sh $(O)/tinysim build/firmware || fail=1; \
	printf '== tests/tui/tui.sh\n'; tests/tui/tui.sh $(O)/tinysim build/firmware || fail=1; \
	printf '== tests/tui/script.sh\n'; tests/tui/script.sh $(O)/tinysim build/firmware || fail=1; \
	printf '== tests/bad/run.sh\n'; tests/bad/run.sh $(O)/tinysim build/firmware || fail=1; \
	for t in tests/trust/*.sh; do [ -f "$$t" ] || continue; printf '== %s\n' "$$t"; \
		"$$t" $(O)/tinysim build/firmware || fail=1; done; \
	if [ $$fail -ne 0 ]; then echo "FAILED ($(O))"; exit 1; fi; echo "all tests passed ($(O))"

SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
test-asan:
	$(Q)$(MAKE) --no-print-directory O=build/asan SANFLAGS="$(SAN)" OPT="-O1 -g" \
		ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp) \
		test-run

# The integration paths under valgrind (about a minute; .ci/run runs it after make test).
test-valgrind: $(O)/tinysim firmware
	$(Q)tests/valgrind.sh $(O)/tinysim build/firmware

RUN_BOARD ?= nucleo-l4r5zi
# In a terminal: the TUI on the default sample; otherwise (CI, a pipe) the plain report.
run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)if [ -t 0 ] && [ -t 1 ]; then \
		$(O)/tinysim tui build/firmware/$(RUN_BOARD)/infer.elf; \
	else \
		$(O)/tinysim inspect models/demo/kws_demo.tflite && \
		$(O)/tinysim run build/firmware/$(RUN_BOARD)/infer.elf; \
	fi

# Simulator speed with full profiling against raw Unicorn (issue 4: >= 60%, VWW < 1 s), on
# the infer sample running the four MLPerf Tiny models when ../shared is there, else the
# demo; and KWS (or the demo) on the Cortex-M0+ board.
BENCH_BOARD ?= nucleo-l4r5zi
BENCH_MLPERF := kws_ref_model vww_96_int8 pretrainedResnet_quant ad01_int8
BENCH_RUNS := $(if $(wildcard $(SHARED)/models/kws_ref_model.tflite),$(foreach m,$(BENCH_MLPERF),$(SHARED)/models/$(m).tflite:$(SHARED)/golden/$(m)/input_seed1.bin),models/demo/cnn_demo.tflite:models/demo/cnn_demo_input.bin)
$(O)/bench_sim: $(O)/tests/bench/bench_sim.o $(O)/libprof.a $(O)/libsim.a $(O)/libmodels.a $(O)/libcore.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ $(SIM_LIBS) $(HOST_LIBS)

bench: $(O)/bench_sim firmware
	$(Q)for r in $(BENCH_RUNS); do \
	  $(O)/bench_sim build/firmware/$(BENCH_BOARD)/infer.elf $${r%%:*} $${r#*:} 5 || exit 1; done
	$(Q)r=$(firstword $(BENCH_RUNS)); \
	  $(O)/bench_sim build/firmware/nucleo-g0b1re/infer.elf $${r%%:*} $${r#*:} 5

# libFuzzer targets (clang): each target's parser sources instrumented, the rest linked from
# the host build. `make fuzz` runs every target for FUZZ_SECONDS (60 by default; CI: 10) with
# seeds from the project's own files (tests/fuzz/seeds.sh) and the committed ones in
# tests/fuzz/<name>_corpus; crashes land in build/fuzz/ and the logs in build/fuzz/<name>.log.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
              -I. -D_GNU_SOURCE -std=c11
FUZZ_NAMES := cmd tflite tsm elf board json
FUZZ_LIBS := $(O)/libcli.a $(O)/libprof.a $(O)/libsim.a $(O)/libmodels.a $(O)/libcore.a
fuzz_src_cmd := tui/cmd.c tui/session.c
fuzz_src_tflite := $(filter-out models/mkdemo.c,$(wildcard models/*.c)) $(wildcard core/*.c)
fuzz_src_tsm := $(wildcard core/*.c)
fuzz_src_elf := sim/elf.c sim/elf_tables.c
fuzz_src_board := sim/board.c sim/board_file.c
fuzz_src_json := models/json_parse.c profiler/check.c
define fuzz_target
build/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c $$(fuzz_src_$(1)) $$(FUZZ_LIBS)
	$$(call msg,FUZZ,$$@)
	@mkdir -p $$(dir $$@)
	$$(Q)clang $$(FUZZ_FLAGS) -o $$@ $$(filter %.c,$$^) $$(FUZZ_LIBS) $$(SIM_LIBS) $$(HOST_LIBS)
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call fuzz_target,$(n))))

fuzz: $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_NAMES)) $(O)/tinysim firmware
	$(Q)O=$(O) TINYSIM=$(O)/tinysim tests/fuzz/seeds.sh build/fuzz >/dev/null
	$(Q)mkdir -p $(patsubst %,build/fuzz/%_corpus,$(FUZZ_NAMES))
	$(Q)cd build/fuzz && fail=0; for n in $(FUZZ_NAMES); do \
		./fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=10 \
			-print_final_stats=1 $${n}_corpus $$(ls -d ../../tests/fuzz/$${n}_corpus 2>/dev/null) \
			>fuzz_$$n.log 2>&1; \
		rc=$$?; printf '%-8s %s\n' $$n "$$(grep -E '^Done' fuzz_$$n.log | tail -n 1)"; \
		grep -E "ERROR|SUMMARY" fuzz_$$n.log | head -n 3; \
		[ $$rc -eq 0 ] || { echo "fuzz_$$n failed: build/fuzz/fuzz_$$n.log"; fail=1; }; \
	done; exit $$fail

demo-models: $(O)/mkdemo
	$(Q)$(O)/mkdemo models/demo

# ------------------------------------------------------------------ cross builds of the core
# name:gcc flags. The core must build warning-free for every Cortex-M the simulator targets.
CPUS := cortex-m0plus:-mcpu=cortex-m0plus%-mfloat-abi=soft \
        cortex-m3:-mcpu=cortex-m3%-mfloat-abi=soft \
        cortex-m4f:-mcpu=cortex-m4%-mfpu=fpv4-sp-d16%-mfloat-abi=hard \
        cortex-m7:-mcpu=cortex-m7%-mfpu=fpv5-d16%-mfloat-abi=hard \
        cortex-m33:-mcpu=cortex-m33%-mfpu=fpv5-sp-d16%-mfloat-abi=hard
CROSS_CFLAGS := $(CSTD) -Os -g -mthumb -ffreestanding -fno-strict-aliasing -fno-common -ffunction-sections \
                -fdata-sections $(WARN) -Werror -Wdouble-promotion

define cross_rules
$(1)_FLAGS := $(subst %, ,$(2))
$(1)_OBJ := $$(patsubst %.c,build/$(1)/%.o,$$(CORE_SRC))
build/$(1)/%.o: %.c
	$$(call msg,CC,$(1)/$$<)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CROSS)gcc $$($(1)_FLAGS) $$(CROSS_CFLAGS) -I. -MMD -MP -c $$< -o $$@
build/$(1)/libcore.a: $$($(1)_OBJ)
	$$(call msg,AR,$$@)
	$$(Q)rm -f $$@ && $$(CROSS)ar rcs $$@ $$^
cross: build/$(1)/libcore.a
-include $$($(1)_OBJ:.o=.d)
endef
$(foreach c,$(CPUS),$(eval $(call cross_rules,$(word 1,$(subst :, ,$(c))),$(word 2,$(subst :, ,$(c))))))

# ------------------------------------------------------------------ firmware samples
# firmware-samples/firmware.mk defines the `firmware` target: build/firmware/<board>/<sample>.elf
firmware:
-include firmware-samples/firmware.mk

# The infer sample built at -O0 for one board: check's planted regression in the tests.
firmware-O0: $(O)/tinysim
	$(Q)$(MAKE) --no-print-directory FW_OUT=build/firmware-O0 FW_OPT=-O0 \
		build/firmware-O0/nucleo-l4r5zi/infer.elf

clean:
	rm -rf build

-include $(CORE_OBJ:.o=.d) $(MODELS_OBJ:.o=.d) $(SIM_OBJ:.o=.d) $(PROF_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_SRC:%.c=$(O)/%.d) \
         $(O)/models/mkdemo.d
