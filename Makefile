# tern: top-level build. Each component adds itself to the lists below from its
# own build.mk, so this file only knows the targets a user types:
#   make          build the hypervisor (build/tern.elf, build/tern.gz) and dom0 tools (build/dist/)
#   make check    install what is missing (Debian packages), then run every test
#   make demo     build and boot tern under QEMU on this terminal
#   make bench    benchmarks (ratios against a baseline measured in the same run)
#   make fuzz     long fuzzing runs
.DEFAULT_GOAL := all
SHELL := /bin/bash
BUILD := build

ALL_TARGETS :=
# Host unit-test programs; each is run by `make check-unit`.
UNIT_TESTS :=
# Short fuzz runs that `make check` performs, and long ones for `make fuzz`.
CHECK_FUZZ :=
FUZZ_TARGETS :=
BENCH_TARGETS :=
# Extra prerequisites of the system tests (images, guests...).
SYSTEM_TEST_DEPS :=
# Directories of pytest tests that `make check` runs (system tests boot QEMU;
# others drive dom0 tools on the host).
PYTEST_DIRS := tests/system

include tests/guests/build.mk

HOST_CC := gcc
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
HOST_LDFLAGS := -fsanitize=address,undefined

include hypervisor/build.mk
include tests/unit/build.mk
include images/build.mk
-include $(wildcard tools/*/build.mk)
-include $(wildcard bench/*/build.mk)

.PHONY: all deps check check-unit check-system check-fuzz demo bench fuzz clean
all: $(ALL_TARGETS)

deps:
	@scripts/install-deps.sh

check: deps
	$(MAKE) all
	$(MAKE) check-unit
	$(MAKE) check-fuzz
	$(MAKE) check-system

# Debian's kernel first: the bzImage and domain-builder tests parse it, and
# must (TERN_REAL_KERNEL makes its absence a failure, not a skip).
check-unit: $(UNIT_TESTS) $(DOM0_KERNEL)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; TERN_REAL_KERNEL=$(DOM0_KERNEL) $$t; done

check-fuzz: $(CHECK_FUZZ)

check-system: all $(SYSTEM_TEST_DEPS)
	python3=/usr/bin/python3; $$python3 -m pytest -v -rs $(PYTEST_DIRS) $(PYTEST_ARGS)

demo: deps
	$(MAKE) all $(SYSTEM_TEST_DEPS)
	scripts/demo.sh

bench: deps all $(BENCH_TARGETS)

fuzz: deps $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD)
