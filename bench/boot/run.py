#!/usr/bin/python3
"""bench/boot: boot overhead of tern.

Wall time from QEMU start to the line `TERN-INIT: userspace up` that the test
initramfs's /init prints, for Debian's kernel and the test initramfs booted
bare and booted as dom0 on tern, with identical QEMU flags (the same machine,
devices and disk). Both Linuxes get the same share of it, --cpus CPUs (1 by
default) and 1 GiB, on a machine of one CPU more: dom0 through tern's
dom0_max_vcpus=N dom0_mem=1G, the bare kernel through its own nr_cpus=N
mem=1G; each run's boot log says what Linux got, and the run stops if the
two sides differ. Runs are paired and the order inside a pair
alternates (bare first, then tern first, ...), so a machine that gets slower
or faster during the run affects both sides alike. Prints every time, the
medians and the median of the per-pair ratios tern/bare with their range.

Exit status: 0 when every run reached userspace, 1 when tern did not (or the
bare kernel did not, which means the images are broken), 2 on a usage error.
"""

import argparse
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests", "system"))
from qemu import BUILD, TERN_ELF, ConsoleTimeout, Machine  # noqa: E402

MARKER = r"^TERN-INIT: userspace up$"
KERNEL = os.path.join(BUILD, "images", "vmlinuz")
INITRD = os.path.join(BUILD, "images", "dom0-test.cpio.gz")
DISK = os.path.join(BUILD, "bench", "boot-disk.raw")
LINUX_CMDLINE = "console=ttyS0 panic=-1"
# N CPUs and 1 GiB for Linux on both sides.
BARE_CMDLINE = LINUX_CMDLINE + " nr_cpus={cpus} mem=1G"
TERN_CMDLINE = ("dom0_mem=1G dom0_max_vcpus={cpus} dom0_vcpus_pin "
                "console=com1 com1=115200,8n1")
# Identical on both sides: the machine (smp: N + 1), and the disk and NIC
# that /init's drivers find.
QEMU = dict(memory="2G", cpu="max")
# What Linux says it got.
CPUS = re.compile(r"smp: Brought up \d+ nodes?, (\d+) CPUs?$", re.M)
MEMORY = re.compile(r"Memory: \d+K/(\d+)K available", re.M)
DEVICES = ["-drive", f"file={DISK},if=virtio,format=raw",
           "-nic", "user,model=e1000e"]


def machine(side, run, cpus):
    name = f"bench-boot-{side}-{run}"
    if side == "bare":
        return Machine(name, kernel=KERNEL, append=BARE_CMDLINE.format(cpus=cpus),
                       modules=(INITRD,), extra_args=DEVICES, smp=cpus + 1, **QEMU)
    return Machine(name, kernel=TERN_ELF, append=TERN_CMDLINE.format(cpus=cpus),
                   modules=(f"{KERNEL} {LINUX_CMDLINE}", INITRD),
                   extra_args=DEVICES, smp=cpus + 1, **QEMU)


def linux_share(m):
    """(CPUs, MiB of RAM) that the booted Linux reports."""
    cpus, memory = CPUS.search(m.output), MEMORY.search(m.output)
    return (int(cpus.group(1)) if cpus else None,
            int(memory.group(1)) // 1024 if memory else None)


def boot_time(side, run, timeout, cpus):
    """(seconds from QEMU start to the marker, what Linux got), or None with
    the reason printed."""
    m = machine(side, run, cpus)
    start = time.monotonic()
    m.start()
    try:
        m.wait_for(MARKER, timeout=timeout)
        return time.monotonic() - start, linux_share(m)
    except ConsoleTimeout as exc:
        why = "QEMU exited" if not m.running() else f"no marker within {timeout:.0f} s"
        tail = "\n".join(m.output.rstrip().splitlines()[-15:])
        print(f"  {side}: {why}; console tail (build/test-logs/{m.name}.log):",
              file=sys.stderr)
        print("    " + tail.replace("\n", "\n    "), file=sys.stderr)
        del exc
        return None
    finally:
        m.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--pairs", type=int, default=5,
                    help="number of paired runs (default 5)")
    ap.add_argument("--cpus", type=int, default=1,
                    help="CPUs for Linux on both sides (default 1)")
    ap.add_argument("--timeout", type=float, default=300,
                    help="seconds to wait for the marker in one run (default 300)")
    args = ap.parse_args()
    if args.pairs < 1:
        ap.error("--pairs must be at least 1")
    if not 1 <= args.cpus <= 63:
        ap.error("--cpus must be 1 to 63")
    for path in (KERNEL, INITRD, TERN_ELF):
        if not os.path.exists(path):
            print(f"bench/boot: {path} is missing (make images all)", file=sys.stderr)
            return 2
    os.makedirs(os.path.dirname(DISK), exist_ok=True)
    with open(DISK, "wb") as f:
        f.truncate(16 << 20)

    print(f"bench/boot: QEMU start to '{MARKER[1:-1]}', {args.pairs} pairs, "
          f"-machine q35 -cpu {QEMU['cpu']} -smp {args.cpus + 1} -m {QEMU['memory']}, "
          f"{args.cpus} CPU(s) for Linux")
    times = {"bare": [], "tern": []}
    ratios = []
    for run in range(args.pairs):
        order = ("bare", "tern") if run % 2 == 0 else ("tern", "bare")
        pair, shares = {}, {}
        for side in order:
            result = boot_time(side, run, args.timeout, args.cpus)
            pair[side] = result and result[0]
            if result is None:
                print(f"pair {run + 1}: {side:4} -", flush=True)
                break
            shares[side] = result[1]
            print(f"pair {run + 1}: {side:4} {pair[side]:.2f} s "
                  f"(Linux: {shares[side][0]} CPU, {shares[side][1]} MiB)", flush=True)
        if pair.get("bare") is None and "bare" in pair:
            print("bench/boot: the bare kernel did not reach userspace: "
                  "the images are broken", file=sys.stderr)
            return 1
        if pair.get("tern") is None:
            print("bench/boot: tern did not reach userspace (dom0 did not print "
                  "the marker); no ratio measured", file=sys.stderr)
            return 1
        (bare_cpus, bare_mib), (tern_cpus, tern_mib) = shares["bare"], shares["tern"]
        if None in (bare_cpus, bare_mib, tern_cpus, tern_mib) or bare_cpus != tern_cpus \
                or abs(bare_mib - tern_mib) > 0.02 * tern_mib:
            print(f"bench/boot: the two Linuxes did not get the same share (bare "
                  f"{shares['bare']}, tern {shares['tern']} CPUs, MiB): no ratio",
                  file=sys.stderr)
            return 1
        for side in pair:
            times[side].append(pair[side])
        ratios.append(pair["tern"] / pair["bare"])
        print(f"pair {run + 1}: ratio tern/bare {ratios[-1]:.3f}", flush=True)

    print(f"bench/boot: median bare {statistics.median(times['bare']):.2f} s, "
          f"median tern {statistics.median(times['tern']):.2f} s")
    print(f"bench/boot: median ratio tern/bare {statistics.median(ratios):.3f} "
          f"(min {min(ratios):.3f}, max {max(ratios):.3f}, {len(ratios)} pairs; goal <= 1.15)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
