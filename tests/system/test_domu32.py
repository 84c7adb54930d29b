"""Debian's 32-bit kernel (linux-image-*-686-pae, i386, unmodified) as a PVH
domU: it boots through the 32-bit guest ABI (docs/compat-abi.md) to an
i386 busybox userspace on its PV console and powers itself off. The kernel
and busybox come from build/images/debian-686 (images/debian-686.sh)."""

import os

import pytest

from dom0 import IMAGE, XL, boot, check, newc_archive
from domu_guests import create
from domu_shell import log_lines, wait_log
from qemu import BUILD

DIR = os.path.join(BUILD, "images", "debian-686")
KERNEL = os.path.join(DIR, "vmlinuz")
BUSYBOX = os.path.join(DIR, "busybox")
UP = "TERN-686: userspace up"

INIT = f"""#!/bin/busybox sh
/bin/busybox mkdir -p /proc
/bin/busybox mount -t proc proc /proc
echo "{UP}: $(/bin/busybox uname -m) $(/bin/busybox uname -r) \\
$(/bin/busybox grep -c . /proc/interrupts) interrupt lines"
/bin/busybox poweroff -f
"""

CFG = """name = "d32"
type = "pvh"
kernel = "/root/d32/vmlinuz"
ramdisk = "/root/d32/initrd.gz"
extra = "console=hvc0"
memory = 128
vcpus = 1
on_poweroff = "destroy"
on_crash = "preserve"
"""


def test_debian_686_pae_domu_reaches_userspace(machine, tmp_path):
    for path in (KERNEL, BUSYBOX):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing: run `make images`")
    with open(BUSYBOX, "rb") as f:
        initrd = newc_archive({"init": (0o100755, INIT.encode()),
                               "bin/busybox": (0o100755, f.read())})
    with open(KERNEL, "rb") as f:
        files = {"root/d32/vmlinuz": (0o100644, f.read()),
                 "root/d32/initrd.gz": (0o100644, initrd),
                 "root/d32/d32.cfg": (0o100644, CFG.encode())}
    m = boot(machine, IMAGE, dom0_mem="512M", files=files, tmp_path=tmp_path)
    create(m, "/root/d32/d32.cfg")
    wait_log(m, "d32", UP, timeout=900)
    line = log_lines(m, "d32", UP)
    assert " i686 6.1.0-" in line and "686-pae" in line, line
    # It powers itself off: the domain goes away.
    check(m, f"i=0; while {XL} domid d32 >/dev/null 2>&1; do i=$((i+1)); "
             f"[ $i -gt 300 ] && exit 1; sleep 1; done", timeout=400)
