# Images built from Debian packages (images/*.sh cache their downloads under
# build/images/): Debian's current kernel, unmodified, and the small busybox
# initramfs that dom0 tests and benches boot with it.

IMAGES_DIR := $(BUILD)/images
DOM0_KERNEL := $(IMAGES_DIR)/vmlinuz
DOM0_TEST_INITRD := $(IMAGES_DIR)/dom0-test.cpio.gz

# The script does nothing when the kernel is already cached; the touch keeps
# make from rerunning it after the script itself changed.
$(DOM0_KERNEL): images/debian-kernel.sh
	images/debian-kernel.sh
	@touch $@

$(DOM0_TEST_INITRD): images/test-initramfs.sh images/modules.sh images/load-modules.sh $(DOM0_KERNEL)
	images/test-initramfs.sh

# The dom0 image (images/dom0-image.sh): modules, build/dist, xencommons,
# and a sample guest (/etc/xen/sample.cfg) ready for `xl create -c`.
DOM0_IMAGE := $(IMAGES_DIR)/dom0.cpio.gz
DOM0_IMAGE_TOOLS := $(addprefix $(BUILD)/dist/usr/sbin/,xl xenstored xenconsoled tern-blkback tern-netback) \
	$(addprefix $(BUILD)/dist/usr/libexec/tern/,xencommons xendomains xen-bridge) \
	$(addprefix $(BUILD)/dist/etc/xen/scripts/,block vif-bridge) \
	$(BUILD)/dist/usr/bin/xenstore $(BUILD)/dist/usr/lib/tern/tests/blkbench

$(DOM0_IMAGE): images/dom0-image.sh images/modules.sh images/load-modules.sh images/disk-image.sh \
		images/udhcpc.script \
		$(DOM0_KERNEL) $(DOM0_TEST_INITRD) $(DOM0_IMAGE_TOOLS)
	images/dom0-image.sh

# Debian's 32-bit kernel (686-pae) and an i386 busybox for the 32-bit PVH
# domU test (tests/system/test_domu32.py).
DOMU32_KERNEL := $(IMAGES_DIR)/debian-686/vmlinuz
$(DOMU32_KERNEL): images/debian-686.sh $(DOM0_KERNEL)
	images/debian-686.sh
	@touch $@

.PHONY: images
images: $(DOM0_KERNEL) $(DOM0_TEST_INITRD) $(DOM0_IMAGE) $(DOMU32_KERNEL)

SYSTEM_TEST_DEPS += $(DOM0_KERNEL) $(DOM0_TEST_INITRD) $(DOM0_IMAGE) $(DOMU32_KERNEL)

# The Debian 12 disk of the end-to-end test (images/debian-disk.sh): a
# Debian system from mmdebstrap (cached under build/images, keyed on
# images/debian-rootfs.list) with tern's packages installed by apt and GRUB
# on it. Rebuilt each time (seconds once the root file system is cached).
# Needs root: a loop device and chroot. Only `make check` and
# `make debian-image` build it (not `make demo`).
.PHONY: debian-image
debian-image: deb $(DOM0_IMAGE)
	images/debian-disk.sh

check-system: debian-image
