# The hypervisor: freestanding x86_64 C, linked as a 64-bit ELF (build/tern-syms.elf,
# for gdb and addr2line) and converted to the ELF32 container that multiboot
# loaders accept (build/tern.elf), plus its gzip (build/tern.gz, like xen.gz).

HV_BUILD := $(BUILD)/hypervisor

HV_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-tree-loop-distribute-patterns \
	-nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -fcf-protection=none \
	-m64 -mcmodel=small -mno-red-zone -mgeneral-regs-only --param=min-pagesize=0 \
	-Ihypervisor/include -MMD -MP
HV_ASFLAGS := -D__ASSEMBLY__ -m64 -Ihypervisor/include -I$(HV_BUILD)/include -MMD -MP
HV_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack -Wl,--no-warn-rwx-segments

# Per-directory object lists (one line per source file).
HV_SRCS :=
include hypervisor/arch/x86/objects.mk
include hypervisor/common/objects.mk

HV_OBJS := $(patsubst %,$(HV_BUILD)/%.o,$(basename $(HV_SRCS)))

$(HV_BUILD)/%.o: %.c | $(HV_BUILD)/include/asm-offsets.h
	@mkdir -p $(@D)
	$(CC) $(HV_CFLAGS) -c $< -o $@

$(HV_BUILD)/%.o: %.S | $(HV_BUILD)/include/asm-offsets.h
	@mkdir -p $(@D)
	$(CC) $(HV_ASFLAGS) -c $< -o $@

# Structure offsets the assembly needs, generated from the C definitions so
# that no offset is written down twice.
$(HV_BUILD)/include/asm-offsets.h: hypervisor/arch/x86/asm-offsets.c $(wildcard hypervisor/include/*/*.h)
	@mkdir -p $(@D)
	$(CC) $(filter-out -MMD -MP,$(HV_CFLAGS)) -S $< -o $(HV_BUILD)/asm-offsets.s
	sed -n 's/^.*@@OFFSET \([A-Z0-9_]*\) [$$]\{0,1\}\([0-9]*\).*$$/#define \1 \2/p' \
		$(HV_BUILD)/asm-offsets.s > $@.tmp
	mv $@.tmp $@

$(BUILD)/tern-syms.elf: $(HV_OBJS) hypervisor/arch/x86/tern.lds
	$(CC) $(HV_LDFLAGS) -T hypervisor/arch/x86/tern.lds -o $@ $(HV_OBJS)

# Written under another name and renamed, so a QEMU starting meanwhile never
# reads half a file.
$(BUILD)/tern.elf: $(BUILD)/tern-syms.elf
	objcopy -O elf32-i386 $< $@.tmp
	mv $@.tmp $@

$(BUILD)/tern.gz: $(BUILD)/tern.elf
	gzip -9 -n -c $< > $@.tmp
	mv $@.tmp $@

ALL_TARGETS += $(BUILD)/tern.elf $(BUILD)/tern.gz

-include $(HV_OBJS:.o=.d)

TERN_COMPILER := $(shell $(CC) --version | head -n 1)
TERN_CHANGESET := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
# Identifies the sources this build came from (the tree's content, uncommitted changes included).
TERN_BUILD_ID := $(shell cat $(filter-out hypervisor/common/version.c,$(HV_SRCS)) hypervisor/include/*/*.h | sha1sum | cut -c1-40)
$(HV_BUILD)/hypervisor/common/version.o: HV_CFLAGS += \
	-DTERN_COMPILER='"$(TERN_COMPILER)"' -DTERN_COMPILE_DATE='"$(shell date -u "+%Y-%m-%d %H:%M:%S UTC")"' \
	-DTERN_CHANGESET='"$(TERN_CHANGESET)"' -DTERN_BUILD_ID='"$(TERN_BUILD_ID)"'
# Rebuilt every time so the date, changeset and build id describe this build.
$(HV_BUILD)/hypervisor/common/version.o: FORCE
.PHONY: FORCE
FORCE:
