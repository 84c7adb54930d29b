# bench/blk: a domU's disk against dom0 on the same backing file (run.py),
# measured with blkbench in both (installed in dom0 under
# usr/lib/tern/tests and copied into the sample guest by dom0-image.sh).
include tools/lib/build.mk

BLKBENCH_BIN := $(TC_TESTBIN)/blkbench
ALL_TARGETS += $(BLKBENCH_BIN)
$(DOM0_TOOLS_INITRD): $(BLKBENCH_BIN)

$(BLKBENCH_BIN): bench/blk/blkbench.c
	@mkdir -p $(@D)
	$(TC_CC) $(TC_CFLAGS) -static -o $@ $< -luring

.PHONY: bench-blk
bench-blk: $(BUILD)/tern.elf images
	/usr/bin/python3 bench/blk/run.py $(BENCH_BLK_ARGS)

BENCH_TARGETS += bench-blk
