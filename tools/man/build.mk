# Man pages of the dom0 tools, made from tools/man/*.in and each program's
# own help text (mkman.sh), into build/dist/usr/share/man.
include tools/lib/build.mk

MAN_PAGES := $(TC_DIST)/usr/share/man/man1/xl.1.gz $(TC_DIST)/usr/share/man/man8/xenstored.8.gz \
	$(TC_DIST)/usr/share/man/man8/xenconsoled.8.gz
ALL_TARGETS += $(MAN_PAGES)

$(TC_DIST)/usr/share/man/man%.gz: tools/man/mkman.sh
	tools/man/mkman.sh $(TC_DIST)/usr/sbin/$(basename $(basename $(notdir $@))) \
		tools/man/$(basename $(notdir $@)).in $@

$(TC_DIST)/usr/share/man/man1/xl.1.gz: tools/man/xl.1.in $(TC_DIST)/usr/sbin/xl
$(TC_DIST)/usr/share/man/man8/xenstored.8.gz: tools/man/xenstored.8.in $(TC_DIST)/usr/sbin/xenstored
$(TC_DIST)/usr/share/man/man8/xenconsoled.8.gz: tools/man/xenconsoled.8.in $(TC_DIST)/usr/sbin/xenconsoled
