# bench/fpu-switch: what switching vCPU state costs. pingpong.c is a test
# guest (linked with tests/guests/lib) that two domUs on one pCPU run; run.py
# measures it on this tree's hypervisor and on the one before FPU switching.
FPU_BENCH_OUT := $(BUILD)/bench/fpu-switch
FPU_BENCH_GUEST := $(FPU_BENCH_OUT)/pingpong.elf

$(FPU_BENCH_OUT)/pingpong.o: bench/fpu-switch/pingpong.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

$(FPU_BENCH_OUT)/pingpong-syms.elf: $(FPU_BENCH_OUT)/pingpong.o $(GUEST_LIB_OBJS) $(GUEST_DIR)/lib/guest.lds
	$(GUEST_CC) $(GUEST_LDFLAGS) -T $(GUEST_DIR)/lib/guest.lds -o $@ $< $(GUEST_LIB_OBJS)

$(FPU_BENCH_GUEST): $(FPU_BENCH_OUT)/pingpong-syms.elf
	objcopy -O elf32-i386 $< $@

ALL_TARGETS += $(FPU_BENCH_GUEST)

.PHONY: bench-fpu-switch
bench-fpu-switch: $(BUILD)/tern.elf $(FPU_BENCH_GUEST) $(DOM0_TOOLS_INITRD)
	/usr/bin/python3 bench/fpu-switch/run.py $(BENCH_FPU_ARGS)

BENCH_TARGETS += bench-fpu-switch
-include $(FPU_BENCH_OUT)/pingpong.d
