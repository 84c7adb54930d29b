# bench/hypercall: null hypercall round trip from dom0 user space (hcbench,
# installed in build/dist/usr/lib/tern/tests), run in dom0 on tern by run.py.
include tools/lib/build.mk

HCBENCH_BIN := $(TC_TESTBIN)/hcbench
ALL_TARGETS += $(HCBENCH_BIN)
$(DOM0_TOOLS_INITRD): $(HCBENCH_BIN)

$(TC_OUT)/obj/bench/hypercall/%.o: bench/hypercall/%.c $(TC_HDRS)
	@mkdir -p $(@D)
	$(TC_CC) $(TC_CFLAGS) -c -o $@ $<

$(HCBENCH_BIN): $(TC_OUT)/obj/bench/hypercall/hcbench.o $(TC_LIB)
	@mkdir -p $(@D)
	$(TC_CC) -static -o $@ $^

.PHONY: bench-hypercall
bench-hypercall: $(BUILD)/tern.elf $(DOM0_TOOLS_INITRD)
	/usr/bin/python3 bench/hypercall/run.py $(BENCH_HYPERCALL_ARGS)

BENCH_TARGETS += bench-hypercall
