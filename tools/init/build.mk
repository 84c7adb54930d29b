# The dom0 files that are not compiled: the xendomains and xencommons
# scripts, systemd units, module options, /etc/default settings, and every
# hotplug script in tools/hotplug/ (as /etc/xen/scripts/<name>). They go
# under build/dist like the programs, so the dom0 images and `make install`
# (hence the Debian packages) take everything from one tree: a file that a
# rule puts in build/dist is installed, with nothing else to list.
include tools/lib/build.mk

# $(call dist_file,SOURCE,PATH under build/dist,MODE)
define dist_file
ALL_TARGETS += $(TC_DIST)/$(2)
$(TC_DIST)/$(2): $(1)
	install -D -m $(3) $$< $$@
endef

$(eval $(call dist_file,tools/init/xendomains,usr/libexec/tern/xendomains,755))
$(eval $(call dist_file,tools/init/xencommons,usr/libexec/tern/xencommons,755))
$(eval $(call dist_file,tools/init/tern-dom0,usr/libexec/tern/tern-dom0,755))
$(eval $(call dist_file,tools/init/xen-bridge,usr/libexec/tern/xen-bridge,755))
$(eval $(call dist_file,tools/init/tern.conf,lib/modprobe.d/tern.conf,644))
$(eval $(call dist_file,tools/init/default/xencommons,etc/default/xencommons,644))
$(eval $(call dist_file,tools/init/default/xendomains,etc/default/xendomains,644))
$(foreach u,$(notdir $(wildcard tools/init/systemd/*)),\
	$(eval $(call dist_file,tools/init/systemd/$(u),lib/systemd/system/$(u),644)))
$(foreach s,$(notdir $(wildcard tools/hotplug/*)),\
	$(eval $(call dist_file,tools/hotplug/$(s),etc/xen/scripts/$(s),755)))
