# xenconsoled: build/dist/usr/sbin/xenconsoled (static), and the unit test of
# its pure parts (the console ring and the output buffer).
include tools/lib/build.mk

XCS_DIR := tools/xenconsoled
XCS_SRCS := $(addprefix $(XCS_DIR)/,xenconsoled.c cons_dom.c cons_ring.c cons_buf.c)
XCS_HDRS := $(wildcard $(XCS_DIR)/*.h) $(TC_HDRS) hypervisor/include/public/hvm.h \
	tools/include/byte_ring.h
XCS_BIN := $(TC_DIST)/usr/sbin/xenconsoled

ALL_TARGETS += $(XCS_BIN)
$(DOM0_TOOLS_INITRD): $(XCS_BIN)

$(TC_OUT)/obj/$(XCS_DIR)/%.o: $(XCS_DIR)/%.c $(XCS_HDRS)
	@mkdir -p $(@D)
	$(TC_CC) $(TC_CFLAGS) -I$(XCS_DIR) -c -o $@ $<

$(XCS_BIN): $(patsubst %.c,$(TC_OUT)/obj/%.o,$(XCS_SRCS)) $(TC_LIB)
	@mkdir -p $(@D)
	$(TC_CC) -static -o $@ $^

XCS_TEST := $(TC_OUT)/test_xencons_ring
UNIT_TESTS += $(XCS_TEST)

$(XCS_TEST): tests/unit/tools/test_xencons_ring.c $(XCS_DIR)/cons_ring.c $(XCS_DIR)/cons_buf.c \
		$(XCS_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Itools/include -I$(XCS_DIR) -o $@ $(filter %.c,$^) $(HOST_LDFLAGS) -lcmocka
