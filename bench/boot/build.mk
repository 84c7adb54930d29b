# bench/boot: QEMU start to dom0 userspace, on tern vs the same kernel and
# initrd booted bare (bench/boot/run.py; BENCH_BOOT_ARGS="--pairs 9" to change).
# The images come from images/build.mk.

.PHONY: bench-boot
bench-boot: $(BUILD)/tern.elf $(BUILD)/images/vmlinuz $(BUILD)/images/dom0-test.cpio.gz
	/usr/bin/python3 bench/boot/run.py $(BENCH_BOOT_ARGS)

BENCH_TARGETS += bench-boot
