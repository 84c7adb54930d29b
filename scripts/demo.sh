#!/bin/sh
# Boots tern under QEMU on this terminal, with Debian's kernel as dom0 and
# the dom0 image (xencommons started, tools installed), which ends at a dom0
# shell on the serial console; `xl create -c /etc/xen/sample.cfg` starts the
# sample domU there. Ctrl-A X quits QEMU. Arguments replace the hypervisor's
# command line.
set -eu
cd "$(dirname "$0")/.."
options="${*:-dom0_mem=512M dom0_max_vcpus=1 dom0_vcpus_pin console=com1 com1=115200,8n1}"
echo "tern demo: booting build/tern.elf under QEMU with: $options"
echo "tern demo: dom0 is Debian's kernel with build/images/dom0.cpio.gz; in dom0 try"
echo "tern demo:   xl info; xl list; xl create -c /etc/xen/sample.cfg  (Ctrl-] leaves the guest's console)"
echo "tern demo: press Ctrl-A then X to quit QEMU."
exec qemu-system-x86_64 -machine q35 -cpu max -smp 2 -m 2G -nographic -no-reboot \
	-kernel build/tern.elf -append "$options" \
	-initrd "build/images/vmlinuz console=ttyS0,build/images/dom0.cpio.gz" \
	-nic user,model=e1000e
