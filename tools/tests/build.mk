# Test programs that run in dom0: hcfuzz, the hypercall fuzzer (installed
# under build/dist/usr/lib/tern/tests), and its policy's unit test.
include tools/lib/build.mk

HCFUZZ_DIR := tools/tests/hcfuzz
HCFUZZ_BIN := $(TC_TESTBIN)/hcfuzz
HCFUZZ_HDRS := $(HCFUZZ_DIR)/policy.h $(HCFUZZ_DIR)/hcgen.h $(HCFUZZ_DIR)/hcgen_gen.h $(TC_HDRS)
# The structure-aware generator, also built into the domU fuzzing guest.
HCGEN_SRCS := $(HCFUZZ_DIR)/hcgen.c $(HCFUZZ_DIR)/hcgen_ops.c $(HCFUZZ_DIR)/hcgen_ctl.c

ALL_TARGETS += $(HCFUZZ_BIN)
$(DOM0_TOOLS_INITRD): $(HCFUZZ_BIN)

$(TC_OUT)/obj/$(HCFUZZ_DIR)/%.o: $(HCFUZZ_DIR)/%.c $(HCFUZZ_HDRS)
	@mkdir -p $(@D)
	$(TC_CC) $(TC_CFLAGS) -I$(HCFUZZ_DIR) -c -o $@ $<

$(HCFUZZ_BIN): $(TC_OUT)/obj/$(HCFUZZ_DIR)/hcfuzz.o $(TC_OUT)/obj/$(HCFUZZ_DIR)/policy.o \
		$(HCGEN_SRCS:%.c=$(TC_OUT)/obj/%.o) $(TC_LIB)
	@mkdir -p $(@D)
	$(TC_CC) -static -o $@ $^

HCFUZZ_TEST := $(TC_OUT)/test_hcfuzz_policy
UNIT_TESTS += $(HCFUZZ_TEST)

$(HCFUZZ_TEST): tests/unit/tools/test_hcfuzz_policy.c $(HCFUZZ_DIR)/policy.c $(HCFUZZ_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(TC_INC) -I$(HCFUZZ_DIR) -o $@ $(filter %.c,$^) \
		$(HOST_LDFLAGS) -lcmocka

HCGEN_TEST := $(TC_OUT)/test_hcgen
UNIT_TESTS += $(HCGEN_TEST)

$(HCGEN_TEST): tests/unit/tools/test_hcgen.c $(HCGEN_SRCS) $(HCFUZZ_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(TC_INC) -I$(HCFUZZ_DIR) -o $@ $(filter %.c,$^) \
		$(HOST_LDFLAGS) -lcmocka

# The short fuzz runs are part of the system tests: tests/system/test_xl.py
# (hcfuzz alone, 2000 calls, seed 1) and tests/system/test_fuzz.py (hcfuzz
# from dom0 against a victim domU, then the fuzz guest as a domU, 20000 calls
# each, seed 1, beside a running Debian guest). `make fuzz` runs the latter
# with a million calls each and a random seed, which it prints.
.PHONY: fuzz-long
fuzz-long: all $(SYSTEM_TEST_DEPS)
	TERN_FUZZ_CALLS=1000000 TERN_FUZZ_SEED=random /usr/bin/python3 -m pytest -v -s -rs \
		tests/system/test_fuzz.py

FUZZ_TARGETS += fuzz-long

# destroymap: a foreign mapping held across the mapped domain's destruction
# (tests/system/test_destroy.py).
DESTROYMAP_DIR := tools/tests/destroymap
DESTROYMAP_BIN := $(TC_TESTBIN)/destroymap

ALL_TARGETS += $(DESTROYMAP_BIN)
$(DOM0_TOOLS_INITRD): $(DESTROYMAP_BIN)

$(DESTROYMAP_BIN): $(DESTROYMAP_DIR)/destroymap.c $(TC_HDRS) $(TC_LIB)
	@mkdir -p $(@D)
	$(TC_CC) $(TC_CFLAGS) -static -o $@ $< $(TC_LIB)

# memattack: dom0-side attacks on memory isolation (tests/system/test_memory.py).
MEMATTACK_DIR := tools/tests/memattack
MEMATTACK_BIN := $(TC_TESTBIN)/memattack

ALL_TARGETS += $(MEMATTACK_BIN)
$(DOM0_TOOLS_INITRD): $(MEMATTACK_BIN)

$(MEMATTACK_BIN): $(MEMATTACK_DIR)/memattack.c $(TC_HDRS) $(TC_LIB)
	@mkdir -p $(@D)
	$(TC_CC) $(TC_CFLAGS) -static -o $@ $< $(TC_LIB)

# veccheck: a domU program that keeps its vector registers live and checks
# they stay its own (tests/system/test_fpu_isolation.py adds it to the sample
# guest's initramfs).
VECCHECK_BIN := $(TC_TESTBIN)/veccheck

ALL_TARGETS += $(VECCHECK_BIN)
SYSTEM_TEST_DEPS += $(VECCHECK_BIN)

$(VECCHECK_BIN): tools/tests/veccheck/veccheck.c
	@mkdir -p $(@D)
	$(TC_CC) $(TC_CFLAGS) -static -o $@ $<

# vcpuevent: an event for one of dom0's own vCPUs (tests/system/test_dom0_smp.py).
VCPUEVENT_BIN := $(TC_TESTBIN)/vcpuevent

ALL_TARGETS += $(VCPUEVENT_BIN)
$(DOM0_TOOLS_INITRD): $(VCPUEVENT_BIN)

$(VCPUEVENT_BIN): tools/tests/vcpuevent/vcpuevent.c $(TC_HDRS) $(TC_LIB)
	@mkdir -p $(@D)
	$(TC_CC) $(TC_CFLAGS) -static -o $@ $< $(TC_LIB)
