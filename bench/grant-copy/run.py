#!/usr/bin/python3
"""bench/grant-copy: 1 MiB by grant copy against the domain's own copy of it.

Boots tern under QEMU with gcbench (bench/grant-copy/gcbench.c) as its
initial domain and prints its lines: the median time per MiB of
GNTTABOP_copy in Linux gntdev's batches of 16 pages, in one call of 256
pages, of the 16 null hypercalls alone, and of the domain copying the bytes
itself (`rep movsq`, and 8-byte loads and stores: the baseline), each with
its ratio to the baseline, all measured in the same run, alternating.
"""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests", "system"))
from qemu import BUILD, ConsoleTimeout, Machine  # noqa: E402

GCBENCH = os.path.join(BUILD, "bench", "grant-copy", "gcbench.elf")


def main():
    m = Machine("bench-grant-copy", append="console=com1 noreboot",
                modules=[f"{GCBENCH} gcbench"], memory="512M").start()
    try:
        result = m.wait_for(r"Test result: (\w+)(.*)$|Panic on CPU", timeout=900)
    except ConsoleTimeout as exc:
        print(f"bench-grant-copy: {exc}", file=sys.stderr)
        return 1
    finally:
        m.kill()
    print("\n".join(re.findall(r"^.*gcbench: .*$", m.output, re.M)))
    if result.group(1) != "SUCCESS":
        print(f"bench-grant-copy: {result.group(1)}{result.group(2)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
