# tern: top-level build. Each component adds itself to the lists below from its
# own build.mk, so this file only knows the targets a user types:
#   make          build the hypervisor (build/tern.elf, build/tern.gz) and dom0 tools (build/dist/)
#   make check    install what is missing (Debian packages), then run every test
#   make demo     build and boot tern under QEMU on this terminal
#   make bench    benchmarks (ratios against a baseline measured in the same run)
#   make fuzz     long fuzzing runs
#   make install DESTDIR=dir   tern and the dom0 tools where a Debian dom0 has them
#   make deb      Debian packages (build/deb/*.deb) from `make install`
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
PYTEST_DIRS := tests/system tests/packaging

include tests/guests/build.mk

HOST_CC := gcc
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
HOST_LDFLAGS := -fsanitize=address,undefined

include hypervisor/build.mk
include tests/unit/build.mk
include images/build.mk
-include $(wildcard tools/*/build.mk)
-include $(wildcard tools/backends/*/build.mk)
-include $(wildcard bench/*/build.mk)

.PHONY: all deps check check-unit check-system check-fuzz check-vmx demo bench fuzz clean \
	install install-hypervisor install-tools deb
all: $(ALL_TARGETS)

# tern's version as its boot banner prints it (0.1-dev).
TERN_VERSION := $(shell awk '$$2 == "TERN_VERSION_MAJOR" { a = $$3 } $$2 == "TERN_VERSION_MINOR" \
	{ b = $$3 } $$2 == "TERN_VERSION_EXTRA" { gsub(/"/, "", $$3); c = $$3 } \
	END { print a "." b c }' hypervisor/include/tern/version.h)

# The hypervisor as /boot/tern-<version>.gz and the GRUB generator that offers it.
define install_hypervisor
	install -D -m 644 $(BUILD)/tern.gz $(1)/boot/tern-$(TERN_VERSION).gz
	install -D -m 755 hypervisor/grub/20_linux_tern $(1)/etc/grub.d/20_linux_tern
endef

# Everything under build/dist but the test programs, and the directories
# the tools write to.
define install_tools
	install -d $(1)/etc/xen/auto $(1)/var/log/xen/console
	tar -C $(BUILD)/dist --exclude=./usr/lib/tern/tests -cf - . | tar -C $(1)/ -xf - --no-same-owner
	rmdir $(1)/usr/lib/tern $(1)/usr/lib 2>/dev/null || true
endef

install-hypervisor: $(BUILD)/tern.gz
	$(call install_hypervisor,$(DESTDIR))

install-tools: all
	$(call install_tools,$(DESTDIR))

install: install-hypervisor install-tools

# Two packages, tern-hypervisor and tern-utils, each made from what its
# install target installs (in this make, so the hypervisor is built once),
# so whatever a component puts in build/dist lands in tern-utils.
deb: all
	rm -rf $(BUILD)/deb
	$(call install_hypervisor,$(BUILD)/deb/tern-hypervisor)
	$(call install_tools,$(BUILD)/deb/tern-utils)
	packaging/make-deb.sh $(TERN_VERSION) $(BUILD)/deb

deps:
	@scripts/install-deps.sh

# Every build step and the short fuzz runs use all CPUs (each fuzzer runs for
# a fixed time, side by side). The system tests run in SYSTEM_TEST_WORKERS
# pytest-xdist workers, one test file per worker at a time (a file's tests
# share its dom0): a test mostly keeps one emulated CPU busy, so two side by
# side use a two-core machine. The tests never judge time, only behaviour.
CHECK_JOBS ?= $(shell nproc)
SYSTEM_TEST_WORKERS ?= $(CHECK_JOBS)
check: deps
	$(MAKE) -j$(CHECK_JOBS) all
	$(MAKE) -j$(CHECK_JOBS) check-unit
	$(MAKE) -j$(CHECK_JOBS) --output-sync=target check-fuzz
	$(MAKE) -j$(CHECK_JOBS) check-system

# Debian's kernel first: the bzImage and domain-builder tests parse it, and
# must (TERN_REAL_KERNEL makes its absence a failure, not a skip).
check-unit: $(UNIT_TESTS) $(DOM0_KERNEL)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; TERN_REAL_KERNEL=$(DOM0_KERNEL) $$t; done

check-fuzz: $(CHECK_FUZZ)

check-system: all $(SYSTEM_TEST_DEPS)
	python3=/usr/bin/python3; $$python3 -m pytest -v -rs --durations=30 \
		-n $(SYSTEM_TEST_WORKERS) --dist loadfile $(PYTEST_DIRS) $(PYTEST_ARGS)

# Intel VT-x under Bochs, with the boots that take minutes (Debian's dom0):
# test_vmx.py with TERN_CHECK_VMX=1 (make check runs its short boots).
check-vmx: all $(SYSTEM_TEST_DEPS)
	TERN_CHECK_VMX=1 /usr/bin/python3 -m pytest -v -rs --durations=30 tests/system/test_vmx.py $(PYTEST_ARGS)

demo: deps
	$(MAKE) all $(SYSTEM_TEST_DEPS)
	scripts/demo.sh

bench: deps all $(BENCH_TARGETS)

fuzz: deps $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD)
