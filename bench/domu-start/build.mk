# bench/domu-start: xl create to the domU's first userspace line against the
# same guest booted bare, in alternating pairs; xl destroy; memory per domain
# (run.py; BENCH_DOMU_ARGS="--pairs 9" to change).
.PHONY: bench-domu-start
bench-domu-start: $(BUILD)/tern.elf images
	/usr/bin/python3 bench/domu-start/run.py $(BENCH_DOMU_ARGS)

BENCH_TARGETS += bench-domu-start
