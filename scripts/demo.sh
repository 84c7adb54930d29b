#!/bin/sh
# Boots tern under QEMU on this terminal (the serial console). Ctrl-A X quits.
# Options after the script name replace the hypervisor command line.
set -eu
cd "$(dirname "$0")/.."
options="${*:-dom0_mem=256M dom0_max_vcpus=1 dom0_vcpus_pin console=com1 com1=115200,8n1 noreboot}"
echo "tern demo: booting build/tern.elf under QEMU with: $options"
echo "tern demo: press Ctrl-A then X to quit QEMU."
exec qemu-system-x86_64 -machine q35 -cpu max -smp 2 -m 2G -nographic -no-reboot \
	-kernel build/tern.elf -append "$options"
