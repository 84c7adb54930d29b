#!/usr/bin/python3
"""bench/hypercall: null hypercall round trip from dom0 user space on tern.

Boots tern with Debian's kernel as dom0 and the tools image
(build/images/dom0-tools.cpio.gz), runs hcbench in dom0 and prints its lines:
the median time of xen_version(XENVER_version) through /dev/xen/privcmd, of a
null ioctl on the same file (the user/kernel part alone, measured in the same
run), and their difference (the kernel -> tern -> kernel part). A bare-metal
run has no hypervisor to call, so the null ioctl is the un-virtualized
baseline. The kernel-side figure alone cannot be timed from user space.

Exit status: 0 with the figures, 1 if dom0 does not run in Xen mode or
hcbench fails, 2 on a usage error.
"""

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests", "system"))
from qemu import BUILD, TERN_ELF, ConsoleTimeout, Machine  # noqa: E402

KERNEL = os.path.join(BUILD, "images", "vmlinuz")
INITRD = os.path.join(BUILD, "images", "dom0-tools.cpio.gz")
HCBENCH = "/usr/lib/tern/tests/hcbench"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--samples", type=int, default=201)
    ap.add_argument("-k", "--calls", type=int, default=100,
                    help="calls per sample (default 100)")
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()
    if args.samples < 1 or args.calls < 1:
        ap.error("--samples and --calls must be positive")
    for path in (KERNEL, INITRD, TERN_ELF):
        if not os.path.exists(path):
            print(f"bench-hypercall: {path} is missing (make all images)", file=sys.stderr)
            return 2
    m = Machine("bench-hypercall", kernel=TERN_ELF,
                append="dom0_mem=1G dom0_max_vcpus=1 dom0_vcpus_pin console=com1 com1=115200,8n1",
                modules=(f"{KERNEL} console=ttyS0", INITRD), smp=2, memory="2G")
    m.start()
    try:
        m.wait_for(r"TERN-INIT: userspace up", timeout=args.timeout)
        m.wait_for(r"/ # ", whole_lines=False, timeout=args.timeout)
        m.shell("stty -echo")
        _, hv = m.shell("cat /sys/hypervisor/type")
        if not hv.split() or hv.split()[-1] != "xen":
            print("bench-hypercall: dom0 does not run in Xen mode on this tern "
                  "(/sys/hypervisor/type is not xen): nothing to measure", file=sys.stderr)
            return 1
        status, out = m.shell(f"{HCBENCH} -n {args.samples} -k {args.calls}",
                              timeout=args.timeout)
        lines = [line for line in out.splitlines() if line.startswith("hcbench:")]
        print("\n".join(lines))
        if status != 0 or not any(re.match(r"hcbench: xen_version \d+ ns", x) for x in lines):
            print(f"bench-hypercall: hcbench failed ({status}):\n{out}", file=sys.stderr)
            return 1
        return 0
    except ConsoleTimeout as exc:
        print(f"bench-hypercall: {exc}", file=sys.stderr)
        return 1
    finally:
        m.kill()


if __name__ == "__main__":
    sys.exit(main())
