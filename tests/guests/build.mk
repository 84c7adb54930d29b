# Test guests: one tiny PVH kernel per directory tests/guests/<name>/main.c,
# linked with tests/guests/lib into build/guests/<name>.elf, which tern boots as
# its initial domain (tests/system/test_guests.py). Freestanding x86_64 code in
# an ELF32 container, like tern.elf.
BUILD ?= build
GUEST_DIR := tests/guests
GUEST_OUT := $(BUILD)/guests
GUEST_NAMES := $(patsubst $(GUEST_DIR)/%/main.c,%,$(wildcard $(GUEST_DIR)/*/main.c))
GUEST_NAMES := $(filter-out lib,$(GUEST_NAMES))
GUEST_ELFS := $(GUEST_NAMES:%=$(GUEST_OUT)/%.elf)

GUEST_CC := gcc
GUEST_CFLAGS := -std=gnu11 -O2 -g -m64 -ffreestanding -nostdlib -fno-pic -fno-pie \
	-mno-red-zone -mgeneral-regs-only -mcmodel=small -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fcf-protection=none -fno-tree-loop-distribute-patterns \
	-Wall -Wextra -Werror -Ihypervisor/include -Itools/include -I$(GUEST_DIR)/lib -MMD -MP
GUEST_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
	-Wl,--no-warn-rwx-segments -Wl,--build-id=none
GUEST_LIB_OBJS := $(patsubst $(GUEST_DIR)/lib/%,$(GUEST_OUT)/lib/%.o,\
	$(basename $(wildcard $(GUEST_DIR)/lib/*.c $(GUEST_DIR)/lib/*.S)))

$(GUEST_OUT)/%.o: $(GUEST_DIR)/%.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OUT)/%.o: $(GUEST_DIR)/%.S
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(GUEST_OUT)/syms/%.elf: $(GUEST_OUT)/%/main.o $(GUEST_LIB_OBJS) $(GUEST_DIR)/lib/guest.lds
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_LDFLAGS) -T $(GUEST_DIR)/lib/guest.lds -o $@ $(filter %.o,$^)

# The 32-bit guests (compat32_*): their main.c, lib32 and the parts of lib
# that do not care about the mode, compiled for i386 into $(GUEST_OUT)/i386
# and linked as ELF32 with the same script.
GUEST32_CFLAGS := $(filter-out -m64 -mcmodel=small,$(GUEST_CFLAGS)) -m32 -I$(GUEST_DIR)/lib32
GUEST32_LIB_SRCS := $(wildcard $(GUEST_DIR)/lib32/*.c $(GUEST_DIR)/lib32/*.S) \
	$(addprefix $(GUEST_DIR)/lib/,console.c string.c result.c xen.c pvh_note.S)
GUEST32_LIB_OBJS := $(patsubst $(GUEST_DIR)/%,$(GUEST_OUT)/i386/%.o,$(basename $(GUEST32_LIB_SRCS)))

$(GUEST_OUT)/i386/%.o: $(GUEST_DIR)/%.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST32_CFLAGS) -c $< -o $@

$(GUEST_OUT)/i386/%.o: $(GUEST_DIR)/%.S
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST32_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(GUEST_OUT)/syms/compat32_%.elf: $(GUEST_OUT)/i386/compat32_%/main.o $(GUEST32_LIB_OBJS) \
		$(GUEST_DIR)/lib/guest.lds
	@mkdir -p $(@D)
	$(GUEST_CC) -m32 $(GUEST_LDFLAGS) -T $(GUEST_DIR)/lib/guest.lds -o $@ $(filter %.o,$^)

# The fuzzing guest links the dom0 fuzzer's structure-aware generator.
HCGEN_DIR := tools/tests/hcfuzz
HCGEN_GUEST_OBJS := $(patsubst $(HCGEN_DIR)/%.c,$(GUEST_OUT)/hcgen/%.o,$(wildcard $(HCGEN_DIR)/hcgen*.c))
$(GUEST_OUT)/hcgen/%.o: $(HCGEN_DIR)/%.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@
$(GUEST_OUT)/fuzz/main.o: GUEST_CFLAGS += -I$(HCGEN_DIR)
$(GUEST_OUT)/syms/fuzz.elf: $(HCGEN_GUEST_OBJS)

$(GUEST_OUT)/%.elf: $(GUEST_OUT)/syms/%.elf
	objcopy -O elf32-i386 $< $@

.PHONY: guests
guests: $(GUEST_ELFS)
.SECONDARY: $(GUEST_NAMES:%=$(GUEST_OUT)/syms/%.elf) $(GUEST_NAMES:%=$(GUEST_OUT)/%/main.o) $(GUEST_LIB_OBJS) \
	$(GUEST32_LIB_OBJS) $(GUEST_NAMES:%=$(GUEST_OUT)/i386/%/main.o)

SYSTEM_TEST_DEPS += $(GUEST_ELFS)

-include $(GUEST_LIB_OBJS:.o=.d) $(GUEST_NAMES:%=$(GUEST_OUT)/%/main.d) $(HCGEN_GUEST_OBJS:.o=.d)
-include $(GUEST32_LIB_OBJS:.o=.d) $(GUEST_NAMES:%=$(GUEST_OUT)/i386/%/main.d)
