# Test programs that run in dom0: hcfuzz, the hypercall fuzzer (installed
# under build/dist/usr/lib/tern/tests), and its policy's unit test.
include tools/lib/build.mk

HCFUZZ_DIR := tools/tests/hcfuzz
HCFUZZ_BIN := $(TC_TESTBIN)/hcfuzz
HCFUZZ_HDRS := $(HCFUZZ_DIR)/policy.h $(TC_HDRS)

ALL_TARGETS += $(HCFUZZ_BIN)
$(DOM0_TOOLS_INITRD): $(HCFUZZ_BIN)

$(TC_OUT)/obj/$(HCFUZZ_DIR)/%.o: $(HCFUZZ_DIR)/%.c $(HCFUZZ_HDRS)
	@mkdir -p $(@D)
	$(TC_CC) $(TC_CFLAGS) -I$(HCFUZZ_DIR) -c -o $@ $<

$(HCFUZZ_BIN): $(TC_OUT)/obj/$(HCFUZZ_DIR)/hcfuzz.o $(TC_OUT)/obj/$(HCFUZZ_DIR)/policy.o $(TC_LIB)
	@mkdir -p $(@D)
	$(TC_CC) -static -o $@ $^

HCFUZZ_TEST := $(TC_OUT)/test_hcfuzz_policy
UNIT_TESTS += $(HCFUZZ_TEST)

$(HCFUZZ_TEST): tests/unit/tools/test_hcfuzz_policy.c $(HCFUZZ_DIR)/policy.c $(HCFUZZ_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(TC_INC) -I$(HCFUZZ_DIR) -o $@ $(filter %.c,$^) \
		$(HOST_LDFLAGS) -lcmocka

# The short fuzz run is part of the system tests (tests/system/test_xl.py,
# 2000 calls, fixed seed); `make fuzz` runs a long one with a random seed.
.PHONY: hcfuzz-long
hcfuzz-long: $(BUILD)/tern.elf $(DOM0_TOOLS_INITRD)
	HCFUZZ_COUNT=100000 HCFUZZ_SEED=random /usr/bin/python3 -m pytest -v -rs \
		tests/system/test_xl.py -k hcfuzz

FUZZ_TARGETS += hcfuzz-long

# destroymap: a foreign mapping held across the mapped domain's destruction
# (tests/system/test_destroy.py).
DESTROYMAP_DIR := tools/tests/destroymap
DESTROYMAP_BIN := $(TC_TESTBIN)/destroymap

ALL_TARGETS += $(DESTROYMAP_BIN)
$(DOM0_TOOLS_INITRD): $(DESTROYMAP_BIN)

$(DESTROYMAP_BIN): $(DESTROYMAP_DIR)/destroymap.c $(TC_HDRS) $(TC_LIB)
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
