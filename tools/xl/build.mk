# xl: build/dist/usr/sbin/xl (static), its unit tests, and the dom0 image
# with the tools (build/images/dom0-tools.cpio.gz).
include tools/lib/build.mk

XL_DIR := tools/xl
XL_CORE := $(addprefix $(XL_DIR)/,xl.c xl_cmdtable.c xl_info.c xl_list.c xl_console.c \
	xl_create.c xl_domain.c xl_sched.c xl_device.c xl_block.c xl_nic.c)
XL_HDRS := $(XL_DIR)/xl.h $(XL_DIR)/xl_domain.h $(XL_DIR)/xl_device.h $(TC_HDRS)
XL_BIN := $(TC_DIST)/usr/sbin/xl

ALL_TARGETS += $(XL_BIN)

$(XL_BIN): $(patsubst %.c,$(TC_OUT)/obj/%.o,$(XL_CORE) $(XL_DIR)/xl_backend.c) $(TC_LIB)
	@mkdir -p $(@D)
	$(TC_CC) -static -o $@ $^ $(TC_DOM_LDLIBS)

$(TC_OUT)/obj/$(XL_DIR)/%.o: $(XL_DIR)/%.c $(XL_HDRS)
	@mkdir -p $(@D)
	$(TC_CC) $(TC_CFLAGS) -I$(XL_DIR) -c -o $@ $<

$(TC_OUT)/asan/$(XL_DIR)/%.o: $(XL_DIR)/%.c $(XL_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(TC_INC) -I$(XL_DIR) -c -o $@ $<

# Unit tests: xl's commands on a canned backend (no hypervisor).
XL_ASAN_OBJS := $(patsubst %.c,$(TC_OUT)/asan/%.o,$(XL_CORE))
.SECONDARY: $(XL_ASAN_OBJS)
XL_TESTS := $(TC_OUT)/test_xl $(TC_OUT)/test_xl_sched
UNIT_TESTS += $(XL_TESTS)

$(XL_TESTS): $(TC_OUT)/%: tests/unit/tools/%.c tests/unit/tools/xl_canned.c \
		tests/unit/tools/xl_canned.h $(XL_ASAN_OBJS) $(TC_ASAN_OBJS) $(TC_DOM_ASAN_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(TC_INC) -I$(XL_DIR) -o $@ $(filter %.c %.o,$^) \
		$(HOST_LDFLAGS) -lcmocka $(TC_DOM_LDLIBS)

# The test initramfs with build/dist appended as a second archive (Linux
# unpacks concatenated cpio archives in order; later files win).
$(DOM0_TOOLS_INITRD): $(DOM0_TEST_INITRD) $(XL_BIN)
	@mkdir -p $(@D)
	cd $(TC_DIST) && find . -mindepth 1 | LC_ALL=C sort | \
		cpio --quiet -o -H newc --reproducible -R 0:0 | gzip -9 -n > $(abspath $@).dist
	cat $(DOM0_TEST_INITRD) $@.dist > $@.tmp
	rm -f $@.dist
	mv $@.tmp $@

SYSTEM_TEST_DEPS += $(DOM0_TOOLS_INITRD)
