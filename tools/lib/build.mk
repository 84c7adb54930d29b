# libternctl: dom0's C API to the hypervisor (privcmd, evtchn, foreign
# mapping, sysctl/domctl, a minimal xenstore reader). Built twice: for the
# static dom0 binaries, and under ASan/UBSan for the host unit tests.
# tools/xl/build.mk and tools/tests/build.mk include this file first.
ifndef TC_LIB_MK
TC_LIB_MK := 1

TC_DIR := tools/lib
TC_OUT := $(BUILD)/tools
TC_SRCS := $(addprefix $(TC_DIR)/,hypercall.c version.c ctl.c foreign.c evtchn.c xs_client.c daemon.c \
	gntdev.c xenbus_be.c supervise.c back_ring.c backend_main.c)
TC_HDRS := $(wildcard $(TC_DIR)/*.h) hypervisor/include/public/sysctl.h hypervisor/include/tern/acpi_tables.h \
	hypervisor/include/public/domctl.h hypervisor/include/public/version.h \
	hypervisor/include/public/xen.h tools/include/xen/io/xs_wire.h \
	hypervisor/include/public/grant_table.h $(wildcard tools/include/xen/io/*.h) \
	hypervisor/include/asm/elf_pvh.h hypervisor/include/asm/bzimage.h hypervisor/include/tern/e820.h
TC_INC := -Ihypervisor/include -Itools/include -I$(TC_DIR)
TC_CC := gcc
TC_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror $(TC_INC)
TC_LIB := $(TC_OUT)/libternctl.a
# Statically linked dom0 tools go under $(BUILD)/dist in their final layout;
# test programs under usr/lib/tern/tests.
TC_DIST := $(BUILD)/dist
TC_TESTBIN := $(TC_DIST)/usr/lib/tern/tests
# The test initramfs plus build/dist (rule in tools/xl/build.mk); each tool's
# build.mk adds its binary to the prerequisites.
DOM0_TOOLS_INITRD := $(BUILD)/images/dom0-tools.cpio.gz

$(TC_OUT)/obj/%.o: %.c $(TC_HDRS)
	@mkdir -p $(@D)
	$(TC_CC) $(TC_CFLAGS) -c -o $@ $<

# The domain builder and xl.cfg parser (xl create): separate lists so tools
# that do not use them need not link the compression libraries. The kernel
# parsers are the hypervisor's own, so domU and dom0 kernels pass one check.
TC_DOM_SRCS := $(addprefix $(TC_DIR)/,xlcfg.c xlcfg_domain.c xlcfg_value.c xlcfg_dev.c decompress.c \
	dombuild_kernel.c dombuild.c dombuild_acpi.c dombuild_tc.c dombuild_xs.c) \
	$(addprefix hypervisor/,arch/x86/dom0/elf_pvh.c arch/x86/dom0/bzimage.c common/e820.c)
TC_DOM_LDLIBS := -llzma -lz -lzstd -llz4 -lbz2

$(TC_LIB): $(patsubst %.c,$(TC_OUT)/obj/%.o,$(TC_SRCS) $(TC_DOM_SRCS))
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

# ASan/UBSan objects for the host unit tests.
$(TC_OUT)/asan/%.o: %.c $(TC_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(TC_INC) -c -o $@ $<

TC_ASAN_OBJS := $(patsubst %.c,$(TC_OUT)/asan/%.o,$(TC_SRCS))
TC_DOM_ASAN_OBJS := $(patsubst %.c,$(TC_OUT)/asan/%.o,$(TC_DOM_SRCS))
.SECONDARY: $(TC_ASAN_OBJS) $(TC_DOM_ASAN_OBJS)

# Unit tests of the xl.cfg parser and the domain builder (no hypervisor).
TC_XLCFG_TEST := $(TC_OUT)/test_xlcfg
TC_DOMBUILD_TEST := $(TC_OUT)/test_dombuild
TC_DOMBUILD_ACPI_TEST := $(TC_OUT)/test_dombuild_acpi
UNIT_TESTS += $(TC_XLCFG_TEST) $(TC_DOMBUILD_TEST) $(TC_DOMBUILD_ACPI_TEST)

$(TC_XLCFG_TEST): tests/unit/tools/test_xlcfg.c
$(TC_DOMBUILD_TEST): tests/unit/tools/test_dombuild.c
$(TC_DOMBUILD_ACPI_TEST): tests/unit/tools/test_dombuild_acpi.c
$(TC_XLCFG_TEST) $(TC_DOMBUILD_TEST) $(TC_DOMBUILD_ACPI_TEST): $(TC_DOM_ASAN_OBJS) $(TC_ASAN_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(TC_INC) -o $@ $^ $(HOST_LDFLAGS) -lcmocka $(TC_DOM_LDLIBS)

# The backend handshake's decisions (xenbus_be.c).
TC_XBE_TEST := $(TC_OUT)/test_xenbus_be
UNIT_TESTS += $(TC_XBE_TEST)
$(TC_XBE_TEST): tests/unit/tools/test_xenbus_be.c $(TC_ASAN_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(TC_INC) -o $@ $^ $(HOST_LDFLAGS) -lcmocka

endif
