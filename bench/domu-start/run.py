#!/usr/bin/python3
"""bench/domu-start: how long a domU takes from `xl create` to its first
userspace line, against the same guest booted bare by QEMU; how long `xl
destroy` takes; and what a domain costs in host memory beyond its own RAM.

tern boots the dom0 image under QEMU once. Then, in pairs whose order
alternates (domU first, then bare first, ...), the same kernel and initramfs
(Debian's kernel, the busybox domU initramfs) are started twice with the same
memory and vCPUs (128 MiB, one vCPU: the sample config's):
  - as a tern domU: `xl create -c /etc/xen/sample.cfg` typed into dom0's
    shell, its console attached to dom0's serial line, without the sample's
    disk (disk=[] root="": the bare side has none);
  - bare: a QEMU of its own (-m 128M -smp 1, the same -cpu), with tern's QEMU
    stopped meanwhile (its monitor's `stop`, `cont` after), so only one
    emulator runs at a time.
Both sides are timed the same way: on the host, from the request (the
command line sent, the emulator started) to the moment the line
"TERN-DOMU: userspace up" arrives on the serial stream the host reads.
Memory overhead is `xl info` free_memory before the create minus after,
minus the guest's memory. The machine may be shared: medians and ranges are
printed, and every run.
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests", "system"))
from dom0 import CONSOLE_NONE, IMAGE, VMLINUZ, boot, check, free_memory  # noqa: E402
from qemu import BUILD, Machine  # noqa: E402
from test_console import DOMU_UP, ESCAPE, wait_domu_console, wait_prompt  # noqa: E402

DOMU_RAMDISK = os.path.join(BUILD, "images", "domu.cpio.gz")
GUEST_MIB = 128  # /etc/xen/sample.cfg: memory = 128, vcpus = 1
TIMEOUT = 900


def domu_start(m):
    """Seconds from `xl create -c` sent to the marker on the serial line;
    leaves the domU running and dom0's shell at its prompt."""
    start = len(m.output)
    t0 = time.monotonic()
    m.send("xl create -c /etc/xen/sample.cfg 'disk=[]' 'root=\"\"'\n")
    if wait_domu_console(m, start, timeout=TIMEOUT):
        print("  (xl gave up waiting for the console: attached again)", flush=True)
    seconds = time.monotonic() - t0
    # ^] alone detaches (test_console.py does the same).
    time.sleep(2)
    start = len(m.output)
    m.send(ESCAPE)
    time.sleep(2)
    wait_prompt(m, start)
    return seconds


def bare_start(run):
    """Seconds from QEMU's start to the marker, for the guest booted bare."""
    m = Machine(f"bench-domu-bare-{run}", kernel=VMLINUZ, append="console=ttyS0 panic=-1",
                smp=1, memory=f"{GUEST_MIB}M", extra_args=["-initrd", DOMU_RAMDISK])
    t0 = time.monotonic()
    m.start()
    try:
        m.wait_for(DOMU_UP, timeout=TIMEOUT)
        return time.monotonic() - t0
    finally:
        m.kill()


def spread(values):
    return f"median {statistics.median(values):.2f} (min {min(values):.2f}, max {max(values):.2f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args()
    if args.pairs < 1:
        parser.error("--pairs must be at least 1")

    machines = []

    def machine(**kwargs):
        m = Machine("bench-domu", **kwargs).start()
        machines.append(m)
        return m

    domu, bare, ratios, destroys, overheads = [], [], [], [], []
    try:
        m = boot(machine, IMAGE, dom0_mem="512M", console=CONSOLE_NONE)
        for run in range(args.pairs):
            order = ("domU", "bare") if run % 2 == 0 else ("bare", "domU")
            for side in order:
                if side == "bare":
                    m.monitor("stop")
                    try:
                        bare.append(bare_start(run))
                    finally:
                        m.monitor("cont")
                    continue
                before = free_memory(m)
                domu.append(domu_start(m))
                overheads.append(before - free_memory(m) - GUEST_MIB)
                t0 = time.monotonic()
                check(m, "xl destroy sample")
                destroys.append(time.monotonic() - t0)
            ratios.append(domu[-1] / bare[-1])
            print(f"pair {run + 1} ({order[0]} first): domU {domu[-1]:.2f} s, bare "
                  f"{bare[-1]:.2f} s, ratio {ratios[-1]:.2f}; destroy {destroys[-1]:.2f} s, "
                  f"overhead {overheads[-1]} MiB", flush=True)
    finally:
        for m in machines:
            m.kill()
    print(f"domU start (xl create -c to userspace), s: {spread(domu)}")
    print(f"the same kernel and initramfs booted bare by QEMU, s: {spread(bare)}")
    print(f"ratio domU start / bare boot, per pair: {spread(ratios)}, {len(ratios)} pairs")
    print(f"xl destroy, s: {spread(destroys)}")
    print(f"host memory per domain beyond its {GUEST_MIB} MiB: median "
          f"{statistics.median(overheads)} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
