# firmware-samples/firmware.mk: the bare-metal samples, built for every board.
# Included by the top-level Makefile (which owns CROSS, O, WARN, CSTD, Q and msg).
#
#   make firmware   build/firmware/<board>/<sample>.elf and .map, every board x every sample
#
# Objects go to build/firmware/<board>/obj/, the shared inference core (core/*.c) is compiled
# from source for each board into build/firmware/<board>/obj/libcore.a. The infer sample embeds
# a default model that the host tool converts once: build/firmware/default_model.tsm.

FW_DIR     := firmware-samples
FW_OUT     := build/firmware
FW_SAMPLES := hello cyccnt fault tick infer spin probe crash shbad storm hostile cxx tflmfake
FW_COMMON  := common/startup common/semihost common/syscalls common/board_note

# The board table: name:core kind:core name:clock Hz:gcc flags (% stands for a space).
# Memory sizes live in firmware-samples/boards/<name>/memory.ld (with the datasheet citations);
# see firmware-samples/README.md for adding a board.
FW_BOARDS := \
  nucleo-l4r5zi:M4F:Cortex-M4F:120000000:-mcpu=cortex-m4%-mfpu=fpv4-sp-d16%-mfloat-abi=hard \
  nucleo-f746zg:M7:Cortex-M7:216000000:-mcpu=cortex-m7%-mfpu=fpv5-sp-d16%-mfloat-abi=hard \
  nucleo-g0b1re:M0P:Cortex-M0+:64000000:-mcpu=cortex-m0plus%-mfloat-abi=soft \
  nrf52840-dk:M4F:Cortex-M4F:64000000:-mcpu=cortex-m4%-mfpu=fpv4-sp-d16%-mfloat-abi=hard \
  nucleo-u575zi:M33:Cortex-M33:160000000:-mcpu=cortex-m33%-mfpu=fpv5-sp-d16%-mfloat-abi=hard \
  nucleo-f207zg:M3:Cortex-M3:120000000:-mcpu=cortex-m3%-mfloat-abi=soft

# Test fixtures, not parts: the cores without a board large enough for the biggest coverage
# models (a 1 MiB float32 model, a 123 KiB arena) get a board of 4 MiB flash and 1 MiB RAM,
# with the infer sample only, so that every model runs on every core (tests/sim/coverage.sh;
# their profiles are tests/sim/big-*.board, each a built-in board with bigger memories).
FW_BIG_BOARDS :=   big-m0plus:M0P:Cortex-M0+:64000000:-mcpu=cortex-m0plus%-mfloat-abi=soft   big-m3:M3:Cortex-M3:120000000:-mcpu=cortex-m3%-mfloat-abi=soft   big-m7:M7:Cortex-M7:216000000:-mcpu=cortex-m7%-mfpu=fpv5-sp-d16%-mfloat-abi=hard

# The infer sample's default model and input. FW_TINYSIM is the host tool that converts it
# (override it to use another build of tinysim).
FW_TINYSIM ?= $(O)/tinysim
FW_TFLITE  := models/demo/kws_demo.tflite
FW_MODEL   := $(FW_OUT)/default_model.tsm
FW_INPUT   := models/demo/kws_demo_input.bin

# FW_OPT: the samples' optimisation level. `make firmware-O0` builds the L4 infer sample at -O0
# into build/firmware-O0 (FW_OUT and FW_OPT given to a sub-make): the regression that
# tests/sim/firmware.sh plants for `tinysim check`.
FW_OPT      ?= -O2
FW_CFLAGS   := $(CSTD) $(FW_OPT) -g -mthumb -ffunction-sections -fdata-sections -fno-common \
               -fno-strict-aliasing $(WARN) -Wdouble-promotion -Werror
# C++ (the cxx sample, common/cxxrt.cc): no exceptions, no RTTI, no thread-safe statics
# (bare metal, one thread); new and delete are common/cxxrt.cc's.
FW_CXXFLAGS := -std=c++17 $(FW_OPT) -g -mthumb -ffunction-sections -fdata-sections \
               -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-strict-aliasing \
               -Wall -Wextra -Wshadow -Wundef -Wpointer-arith -Wcast-align -Werror
FW_ASFLAGS  := -g -mthumb
FW_CPPFLAGS := -I. -I$(FW_DIR) -D_DEFAULT_SOURCE
FW_LDFLAGS  := -mthumb --specs=nano.specs -nostartfiles -Wl,--gc-sections -Wl,--fatal-warnings \
               -L$(FW_DIR)/common
FW_CORE_SRC := $(wildcard core/*.c)

$(FW_MODEL): $(FW_TFLITE) $(FW_TINYSIM)
	$(call msg,TSM,$@)
	@mkdir -p $(dir $@)
	$(Q)$(FW_TINYSIM) convert $< -o $@ $(if $(Q),>/dev/null)

# fw_board(name, kind, core name, clock, flags, samples): the rules of one board.
define fw_board
fw_$(1)_cpu  := $(subst %, ,$(5))
fw_$(1)_defs := -DBOARD_NAME='"$(1)"' -DBOARD_CORE='"$(3)"' -DBOARD_CLOCK_HZ=$(4)u \
                -DBOARD_CORE_$(2)=1
fw_$(1)_core := $$(patsubst %.c,$(FW_OUT)/$(1)/obj/%.o,$$(FW_CORE_SRC))
fw_$(1)_common := $$(patsubst %,$(FW_OUT)/$(1)/obj/%.o,$$(FW_COMMON))
fw_$(1)_elfs := $$(patsubst %,$(FW_OUT)/$(1)/%.elf,$(6))

$(FW_OUT)/$(1)/obj/core/%.o: core/%.c $(FW_DIR)/firmware.mk
	$$(call msg,CC,$(1)/$$<)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CROSS)gcc $$(fw_$(1)_cpu) $$(FW_CFLAGS) -ffreestanding $$(FW_CPPFLAGS) $$(fw_$(1)_defs) \
		-MMD -MP -c $$< -o $$@

$(FW_OUT)/$(1)/obj/%.o: $(FW_DIR)/%.c $(FW_DIR)/firmware.mk
	$$(call msg,CC,$(1)/$$<)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CROSS)gcc $$(fw_$(1)_cpu) $$(FW_CFLAGS) $$(FW_CPPFLAGS) $$(fw_$(1)_defs) \
		-MMD -MP -c $$< -o $$@

$(FW_OUT)/$(1)/obj/%.o: $(FW_DIR)/%.cc $(FW_DIR)/firmware.mk
	$$(call msg,CXX,$(1)/$$<)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CROSS)g++ $$(fw_$(1)_cpu) $$(FW_CXXFLAGS) $$(FW_CPPFLAGS) $$(fw_$(1)_defs) \
		-MMD -MP -c $$< -o $$@

$(FW_OUT)/$(1)/obj/%.o: $(FW_DIR)/%.S $(FW_DIR)/firmware.mk
	$$(call msg,AS,$(1)/$$<)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CROSS)gcc $$(fw_$(1)_cpu) $$(FW_ASFLAGS) $$(FW_CPPFLAGS) $$(fw_$(1)_defs) \
		-DTS_DEFAULT_MODEL='"$(FW_MODEL)"' -DTS_DEFAULT_INPUT='"$(FW_INPUT)"' \
		-MMD -MP -c $$< -o $$@

# .incbin is invisible to -MMD: the embedded files are explicit prerequisites.
$(FW_OUT)/$(1)/obj/infer_model.o: $(FW_MODEL) $(FW_INPUT)

$(FW_OUT)/$(1)/obj/libcore.a: $$(fw_$(1)_core)
	$$(call msg,AR,$$@)
	$$(Q)rm -f $$@ && $$(CROSS)ar rcs $$@ $$^

$(FW_OUT)/$(1)/%.elf: $(FW_OUT)/$(1)/obj/%.o $$(fw_$(1)_common) $(FW_OUT)/$(1)/obj/libcore.a \
		$(FW_DIR)/boards/$(1)/memory.ld $(FW_DIR)/common/sections.ld
	$$(call msg,LD,$$@)
	$$(Q)$$(CROSS)gcc $$(fw_$(1)_cpu) $$(FW_LDFLAGS) -T $(FW_DIR)/boards/$(1)/memory.ld \
		-Wl,-Map=$$(@:.elf=.map) $$(FW_ELF_LDFLAGS) -o $$@ $$(filter %.o,$$^) \
		$$(filter %.a,$$^) -lm

# The infer sample runs float32 models too: it links the core's float kernels (an
# int8-only firmware, as every other sample here, has none of them: tests/sim/firmware.sh).
$(FW_OUT)/$(1)/infer.elf: FW_ELF_LDFLAGS := -Wl,--undefined=nn_run_layer_f32
$(FW_OUT)/$(1)/infer.elf: $(FW_OUT)/$(1)/obj/infer_model.o
$(FW_OUT)/$(1)/cxx.elf: $(FW_OUT)/$(1)/obj/cxx_ops.o $(FW_OUT)/$(1)/obj/common/cxxrt.o
$(FW_OUT)/$(1)/tflmfake.elf: $(FW_OUT)/$(1)/obj/common/cxxrt.o

firmware: $$(fw_$(1)_elfs)
-include $$(fw_$(1)_core:.o=.d) $$(fw_$(1)_common:.o=.d) \
         $$(patsubst %,$(FW_OUT)/$(1)/obj/%.d,$$(FW_SAMPLES) infer_model cxx_ops common/cxxrt)
endef
fw_field = $(word $(2),$(subst :, ,$(1)))
$(foreach b,$(FW_BOARDS),$(eval $(call fw_board,$(call fw_field,$(b),1),$(call fw_field,$(b),2),$(call fw_field,$(b),3),$(call fw_field,$(b),4),$(call fw_field,$(b),5),$(FW_SAMPLES))))
$(foreach b,$(FW_BIG_BOARDS),$(eval $(call fw_board,$(call fw_field,$(b),1),$(call fw_field,$(b),2),$(call fw_field,$(b),3),$(call fw_field,$(b),4),$(call fw_field,$(b),5),infer)))
