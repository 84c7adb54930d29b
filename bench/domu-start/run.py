#!/usr/bin/python3
"""bench/domu-start: how long `xl create` takes to bring a domU to its first
userspace line, how long `xl destroy` takes, and what a domain costs in host
memory beyond its own RAM.

In one run: tern boots the dom0 image under QEMU; in dom0, the sample domU
(Debian's kernel and the busybox domU initramfs, 128 MiB, without its disk:
disk=[] root="", so it compares with the bare boot) is created N times,
each time waited for until its console log shows "TERN-DOMU: userspace up",
then destroyed. Times are taken on the host around the dom0 shell commands.
The baseline, measured in the same run, is the same kernel and initramfs
booted bare by QEMU (same emulator, same machine) to the same line: the ratio
says what starting it as a tern domU adds. Memory overhead is `xl info`
free_memory before the create minus after, minus the guest's memory.
"""

import argparse
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests", "system"))
from qemu import BUILD, Machine  # noqa: E402

IMAGES = os.path.join(BUILD, "images")
DOMU_MARKER = "TERN-DOMU: userspace up"
GUEST_LOG = "/var/log/xen/console/guest-sample.log"
GUEST_MIB = 128


def free_mib(m):
    _, out = m.shell("/usr/sbin/xl info free_memory")
    return int(re.findall(r"\d+", out)[-1])


def bare_boot_seconds():
    """The domU's kernel and initramfs booted bare, to the marker on hvc0's
    stand-in, the serial console."""
    start = time.monotonic()
    m = Machine("bench-domu-bare", kernel=os.path.join(IMAGES, "vmlinuz"),
                append="console=ttyS0 panic=-1", smp=2, memory="2G",
                extra_args=["-initrd", os.path.join(IMAGES, "domu.cpio.gz")]).start()
    try:
        m.wait_for(DOMU_MARKER, timeout=600)
        return time.monotonic() - start
    finally:
        m.kill()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    m = Machine("bench-domu", append="dom0_mem=512M console=com1 noreboot",
                modules=[f"{IMAGES}/vmlinuz console=ttyS0", f"{IMAGES}/dom0.cpio.gz"],
                smp=2, memory="2G").start()
    creates, destroys, overheads = [], [], []
    try:
        m.wait_for("TERN-INIT: userspace up", timeout=600)
        m.wait_for("/ # ", whole_lines=False)
        m.shell("stty -echo")
        for run in range(args.runs):
            before = free_mib(m)
            m.shell(f"rm -f {GUEST_LOG}")
            start = time.monotonic()
            status, out = m.shell(
                "/usr/sbin/xl create /etc/xen/sample.cfg 'disk=[]' 'root=\"\"' && "
                f"until grep -q '{DOMU_MARKER}' {GUEST_LOG} 2>/dev/null; do sleep 0.2; done",
                timeout=900)
            if status:
                print(f"xl create failed:\n{out}")
                return 1
            creates.append(time.monotonic() - start)
            overheads.append(before - free_mib(m) - GUEST_MIB)
            start = time.monotonic()
            m.shell("/usr/sbin/xl destroy sample")
            destroys.append(time.monotonic() - start)
            print(f"run {run + 1}: create {creates[-1]:.2f} s, destroy {destroys[-1]:.2f} s, "
                  f"overhead {overheads[-1]} MiB")
    finally:
        m.kill()
    bare = bare_boot_seconds()
    create = statistics.median(creates)
    print(f"domU start (xl create to userspace), median of {args.runs}: {create:.2f} s")
    print(f"xl destroy, median: {statistics.median(destroys):.2f} s")
    print(f"host memory per domain beyond its {GUEST_MIB} MiB: {statistics.median(overheads)} MiB")
    print(f"baseline, the same kernel and initramfs booted bare by QEMU: {bare:.2f} s")
    print(f"ratio domU start / bare boot: {create / bare:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
