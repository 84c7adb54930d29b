# xentop: build/dist/usr/sbin/xentop (static), which `xl top` runs, and the
# unit test of its table (top_print.c).
include tools/lib/build.mk

TOP_DIR := tools/xentop
TOP_HDRS := $(TOP_DIR)/top.h $(TC_HDRS)
TOP_BIN := $(TC_DIST)/usr/sbin/xentop

ALL_TARGETS += $(TOP_BIN)
$(DOM0_TOOLS_INITRD): $(TOP_BIN)
DOM0_IMAGE_TOOLS += $(TOP_BIN)

$(TC_OUT)/obj/$(TOP_DIR)/%.o: $(TOP_DIR)/%.c $(TOP_HDRS)
	@mkdir -p $(@D)
	$(TC_CC) $(TC_CFLAGS) -I$(TOP_DIR) -c -o $@ $<

$(TOP_BIN): $(patsubst %.c,$(TC_OUT)/obj/%.o,$(addprefix $(TOP_DIR)/,xentop.c top_collect.c \
		top_print.c)) $(TC_LIB)
	@mkdir -p $(@D)
	$(TC_CC) -static -o $@ $^

TOP_TEST := $(TC_OUT)/test_xentop
UNIT_TESTS += $(TOP_TEST)

$(TOP_TEST): tests/unit/tools/test_xentop.c $(TOP_DIR)/top_print.c $(TOP_DIR)/top_collect.c \
		$(TOP_HDRS) $(TC_ASAN_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(TC_INC) -I$(TOP_DIR) -o $@ $(filter %.c %.o,$^) \
		$(HOST_LDFLAGS) -lcmocka
