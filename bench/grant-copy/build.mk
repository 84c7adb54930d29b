# bench/grant-copy: 1 MiB by grant copy against the domain's own copy of it
# (gcbench.c, a test-guest image tern boots as its initial domain; run.py).
GCBENCH_OUT := $(BUILD)/bench/grant-copy
GCBENCH_ELF := $(GCBENCH_OUT)/gcbench.elf

$(GCBENCH_OUT)/gcbench.o: bench/grant-copy/gcbench.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

$(GCBENCH_OUT)/gcbench-syms.elf: $(GCBENCH_OUT)/gcbench.o $(GUEST_LIB_OBJS) $(GUEST_DIR)/lib/guest.lds
	$(GUEST_CC) $(GUEST_LDFLAGS) -T $(GUEST_DIR)/lib/guest.lds -o $@ $(filter %.o,$^)

$(GCBENCH_ELF): $(GCBENCH_OUT)/gcbench-syms.elf
	objcopy -O elf32-i386 $< $@

ALL_TARGETS += $(GCBENCH_ELF)
-include $(GCBENCH_OUT)/gcbench.d

.PHONY: bench-grant-copy
bench-grant-copy: $(BUILD)/tern.elf $(GCBENCH_ELF)
	/usr/bin/python3 bench/grant-copy/run.py $(BENCH_GRANT_COPY_ARGS)

BENCH_TARGETS += bench-grant-copy
