# bench/boot: QEMU start to dom0 userspace, on tern vs the same kernel and
# initrd booted bare (bench/boot/run.py; BENCH_BOOT_ARGS="--pairs 9" to change),
# with one CPU for Linux on both sides and again with two (dom0_max_vcpus=2).
# The images come from images/build.mk.

.PHONY: bench-boot
bench-boot: $(BUILD)/tern.elf $(BUILD)/images/vmlinuz $(BUILD)/images/dom0-test.cpio.gz
	/usr/bin/python3 bench/boot/run.py $(BENCH_BOOT_ARGS)
	/usr/bin/python3 bench/boot/run.py --cpus 2 $(BENCH_BOOT_ARGS)

BENCH_TARGETS += bench-boot
