# bench/domu-start: xl create to the domU's first userspace line, xl destroy,
# and memory per domain, against the same guest booted bare (run.py).
.PHONY: bench-domu-start
bench-domu-start: $(BUILD)/tern.elf images
	/usr/bin/python3 bench/domu-start/run.py $(BENCH_DOMU_ARGS)

BENCH_TARGETS += bench-domu-start
