# Man pages of the dom0 tools, made from tools/man/*.in and each program's
# own help text (mkman.sh), into build/dist/usr/share/man. A page's
# prerequisites are its source and the program whose help it quotes; a
# component's build.mk adds its own pages (MAN_DIR, ALL_TARGETS).
include tools/lib/build.mk

MAN_DIR := $(TC_DIST)/usr/share/man
ALL_TARGETS += $(MAN_DIR)/man1/xl.1.gz $(MAN_DIR)/man8/xenstored.8.gz \
	$(MAN_DIR)/man8/xenconsoled.8.gz

$(MAN_DIR)/man%.gz: tools/man/mkman.sh
	tools/man/mkman.sh $(filter $(TC_DIST)/usr/%,$^) $(filter %.in,$^) $@

$(MAN_DIR)/man1/xl.1.gz: tools/man/xl.1.in $(TC_DIST)/usr/sbin/xl
$(MAN_DIR)/man8/xenstored.8.gz: tools/man/xenstored.8.in $(TC_DIST)/usr/sbin/xenstored
$(MAN_DIR)/man8/xenconsoled.8.gz: tools/man/xenconsoled.8.in $(TC_DIST)/usr/sbin/xenconsoled
