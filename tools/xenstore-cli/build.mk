# xenstore-read, -write, -rm, -exists, -list for dom0 scripts (the hotplug
# scripts): one static program, build/dist/usr/bin/xenstore, and a link per name.
include tools/lib/build.mk

XSCLI_BIN := $(TC_DIST)/usr/bin/xenstore
XSCLI_NAMES := read write rm exists list
XSCLI_LINKS := $(addprefix $(TC_DIST)/usr/bin/xenstore-,$(XSCLI_NAMES))

ALL_TARGETS += $(XSCLI_BIN) $(XSCLI_LINKS)
$(DOM0_TOOLS_INITRD): $(XSCLI_BIN) $(XSCLI_LINKS)

$(XSCLI_BIN): tools/xenstore-cli/xenstore.c $(TC_HDRS) $(TC_LIB)
	@mkdir -p $(@D)
	$(TC_CC) $(TC_CFLAGS) -static -o $@ $< $(TC_LIB)

$(XSCLI_LINKS): $(XSCLI_BIN)
	ln -sf xenstore $@

# One man page, and a link to it per name (MAN_DIR: tools/man/build.mk).
XSCLI_MAN := $(MAN_DIR)/man1/xenstore.1.gz
XSCLI_MAN_LINKS := $(foreach n,$(XSCLI_NAMES),$(MAN_DIR)/man1/xenstore-$(n).1.gz)
ALL_TARGETS += $(XSCLI_MAN) $(XSCLI_MAN_LINKS)
$(XSCLI_MAN): tools/man/xenstore.1.in $(XSCLI_BIN)
$(XSCLI_MAN_LINKS): $(XSCLI_MAN)
	ln -sf xenstore.1.gz $@
