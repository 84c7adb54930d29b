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

$(DOM0_TEST_INITRD): images/test-initramfs.sh $(DOM0_KERNEL)
	images/test-initramfs.sh

.PHONY: images
images: $(DOM0_KERNEL) $(DOM0_TEST_INITRD)

SYSTEM_TEST_DEPS += $(DOM0_KERNEL) $(DOM0_TEST_INITRD)
