"""Debian's 32-bit kernel (linux-image-*-686-pae, i386, unmodified) as a PVH
domU: it boots through the 32-bit guest ABI (docs/compat-abi.md) to an
i386 busybox userspace on its PV console, reads and writes its disk through
its own xen-blkfront (the "x86_32-abi" ring, served by tern-blkback) and
powers itself off. The kernel, its xen-blkfront module and busybox come
from build/images/debian-686 (images/debian-686.sh)."""

import os

import pytest

from dom0 import IMAGE, XL, boot, check, newc_archive
from domu_guests import create
from domu_shell import BOOT_TIMEOUT, log_lines, wait_log
from qemu import BUILD

DIR = os.path.join(BUILD, "images", "debian-686")
KERNEL = os.path.join(DIR, "vmlinuz")
BLKFRONT = os.path.join(DIR, "xen-blkfront.ko")
BUSYBOX = os.path.join(DIR, "busybox")
UP = "TERN-686: userspace up"
DISK_MARK = "TERN-686-DISK-MARK"   # at sector 100 of the disk, put there by dom0
GUEST_MARK = "TERN-686-WROTE-THIS"  # written by the guest at sector 200

INIT = f"""#!/bin/busybox sh
/bin/busybox mkdir -p /proc
/bin/busybox mount -t proc proc /proc
echo "{UP}: $(/bin/busybox uname -m) $(/bin/busybox uname -r) \\
$(/bin/busybox grep -c . /proc/interrupts) interrupt lines"
/bin/busybox mkdir -p /dev
/bin/busybox mount -t devtmpfs dev /dev
/bin/busybox insmod /xen-blkfront.ko
i=0
while [ ! -b /dev/xvda ] && [ $i -lt 300 ]; do /bin/busybox sleep 1; i=$((i+1)); done
echo "TERN-686: read $(/bin/busybox dd if=/dev/xvda bs=512 skip=100 count=1 2>/dev/null | \\
/bin/busybox head -c {len(DISK_MARK)})"
echo -n {GUEST_MARK} | /bin/busybox dd of=/dev/xvda bs=512 seek=200 conv=notrunc,fsync 2>/dev/null
echo "TERN-686: wrote $?"
/bin/busybox poweroff -f
"""

CFG = """name = "d32"
type = "pvh"
kernel = "/root/d32/vmlinuz"
ramdisk = "/root/d32/initrd.gz"
disk = [ 'file:/root/d32/disk.img,xvda,w' ]
extra = "console=hvc0"
memory = 128
vcpus = 1
on_poweroff = "destroy"
on_crash = "preserve"
"""


def test_debian_686_pae_domu_reaches_userspace(machine, tmp_path):
    for path in (KERNEL, BLKFRONT, BUSYBOX):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing: run `make images`")
    with open(BUSYBOX, "rb") as f, open(BLKFRONT, "rb") as ko:
        initrd = newc_archive({"init": (0o100755, INIT.encode()),
                               "bin/busybox": (0o100755, f.read()),
                               "xen-blkfront.ko": (0o100644, ko.read())})
    with open(KERNEL, "rb") as f:
        files = {"root/d32/vmlinuz": (0o100644, f.read()),
                 "root/d32/initrd.gz": (0o100644, initrd),
                 "root/d32/d32.cfg": (0o100644, CFG.encode())}
    m = boot(machine, IMAGE, dom0_mem="512M", files=files, tmp_path=tmp_path)
    check(m, "dd if=/dev/zero of=/root/d32/disk.img bs=1M count=4 2>/dev/null && "
             f"printf {DISK_MARK} | dd of=/root/d32/disk.img bs=512 seek=100 conv=notrunc")
    create(m, "/root/d32/d32.cfg")
    wait_log(m, "d32", UP, timeout=BOOT_TIMEOUT)
    line = log_lines(m, "d32", UP)
    assert " i686 6.1.0-" in line and "686-pae" in line, line
    wait_log(m, "d32", "TERN-686: wrote", timeout=600)
    assert f"TERN-686: read {DISK_MARK}" in log_lines(m, "d32", "TERN-686: read"), \
        log_lines(m, "d32", "TERN-686|blkfront|xvda")
    assert "TERN-686: wrote 0" in log_lines(m, "d32", "TERN-686: wrote")
    # It powers itself off: the domain goes away.
    check(m, f"i=0; while {XL} domid d32 >/dev/null 2>&1; do i=$((i+1)); "
             f"[ $i -gt 300 ] && exit 1; sleep 1; done", timeout=400)
    assert check(m, "dd if=/root/d32/disk.img bs=512 skip=200 count=1 2>/dev/null | "
                    f"head -c {len(GUEST_MARK)}") == GUEST_MARK
