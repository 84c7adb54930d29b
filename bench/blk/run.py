#!/usr/bin/python3
"""bench/blk: a domU's virtual disk against dom0 on the same backing file.

In one run: tern boots the dom0 image under QEMU with a virtio disk holding
an ext4 file system; dom0 mounts it and makes a backing file there (O_DIRECT
works on it, as on a real dom0's disk). The sample guest is created with
that file as its second disk (xvdb). Then, alternating dom0 and the guest
(which goes first swaps every round), blkbench measures on each side, with
direct I/O and the same queue depths: sequential read and write in 1 MiB
requests, and 4 KiB random reads. dom0 runs it on the file itself, the guest
on /dev/xvdb, so the guest's figure is dom0's plus everything tern-blkback
and the grant copies add. Ratios are guest / dom0 per round; the median is
reported. tern-blkback's memory: the worker's VmRSS before the guest and
after the runs, the difference per disk.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests", "system"))
from qemu import BUILD, Machine  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import qstats  # noqa: E402

IMAGES = os.path.join(BUILD, "images")
GUEST_LOG = "/var/log/xen/console/guest-sample.log"
FILE_MIB = 256
TESTS = ("seqread", "seqwrite", "randread")


def dom0_sh(m, command, timeout=900):
    status, out = m.shell(command, timeout=timeout)
    if status:
        raise RuntimeError(f"dom0: `{command}` failed ({status}):\n{out}")
    return out


class Guest:
    """The guest's shell through its console pty (as tests/system/test_blk.py)."""

    def __init__(self, m):
        self.m, self.n = m, 0

    def sh(self, command, timeout=900):
        self.n += 1
        tag = f"@@B{self.n}@@"
        tty = dom0_sh(self.m, "xenstore-read /local/domain/$(xl domid sample)/console/tty")
        tty = re.findall(r"/dev/pts/\d+", tty)[-1]
        dom0_sh(self.m, f"printf '%s\\n' 'echo {tag}B; {command}' 'echo {tag}$?' > {tty}")
        dom0_sh(self.m, f"until grep -q '^{tag}[0-9]' {GUEST_LOG}; do sleep 0.5; done",
                timeout=timeout)
        # (the log keeps the guest's CR LF line ends and terminal queries)
        text = dom0_sh(self.m, f"tr -d '\\033\\r' < {GUEST_LOG} | "
                               f"sed -n '/^{tag}B$/,/^{tag}[0-9]/p'")
        if not re.search(rf"^{tag}0$", text, re.M):
            raise RuntimeError(f"guest: `{command}` failed:\n{text}")
        return text


def figure(line):
    """MiB/s for sequential tests, IOPS for random ones, from blkbench's line."""
    m = re.search(r"\b(seqread|seqwrite|randread) ([\d.]+) MiB/s (\d+) IOPS", line)
    if not m:
        raise RuntimeError(f"no blkbench result in:\n{line}")
    return float(m.group(3)) if m.group(1) == "randread" else float(m.group(2))


def worker_rss_kib(m):
    out = dom0_sh(m, "grep VmRSS /proc/$(cat /run/tern-blkback.worker.pid)/status")
    return int(re.findall(r"(\d+) kB", out)[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--profile", action="store_true",
                        help="in round 1, where tern's time goes in the guest's runs (debug key q)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="bench-blk-")
    disk = os.path.join(tmp, "data.img")
    subprocess.run(["truncate", "-s", f"{FILE_MIB + 64}M", disk], check=True)
    subprocess.run(["/usr/sbin/mkfs.ext4", "-q", "-F", disk], check=True)
    m = Machine("bench-blk", append="dom0_mem=1024M dom0_max_vcpus=1 dom0_vcpus_pin console=com1 "
                                    "noreboot",
                modules=[f"{IMAGES}/vmlinuz console=ttyS0 quiet", f"{IMAGES}/dom0.cpio.gz"],
                smp=2, memory="3G",
                extra_args=["-drive", f"file={disk},format=raw,if=virtio,cache=none"]).start()
    results = {t: [] for t in TESTS}
    try:
        m.wait_for("TERN-INIT: userspace up", timeout=900)
        m.wait_for("/ # ", whole_lines=False)
        m.shell("stty -echo")
        dom0_sh(m, "mkdir -p /data && mount -t ext4 /dev/vda /data && "
                   f"dd if=/dev/zero of=/data/bench.img bs=1M count={FILE_MIB} oflag=direct "
                   "2>/dev/null && sync")
        rss0 = worker_rss_kib(m)
        dom0_sh(m, f"rm -f {GUEST_LOG}; xl create /etc/xen/sample.cfg "
                   "'disk=[\"file:/srv/xen/sample-disk.img,xvda,w\", "
                   "\"file:/data/bench.img,xvdb,w\"]' && "
                   f"until grep -q 'TERN-DOMU: userspace up' {GUEST_LOG} 2>/dev/null; "
                   "do sleep 0.5; done")
        g = Guest(m)
        g.sh("until [ -b /dev/xvdb ]; do sleep 0.2; done")
        bench = f"blkbench {{}} {{}} {FILE_MIB} {args.seconds}"

        def guest_run(test):
            if not args.profile or results[test]:
                return g.sh(bench.format(test, "/dev/xvdb"))
            before, start = qstats.snapshot(m), time.monotonic()
            out = g.sh(bench.format(test, "/dev/xvdb"))
            wall = time.monotonic() - start
            qstats.report(before, qstats.snapshot(m), wall, f"the guest's {test}")
            return out
        for rnd in range(args.rounds):
            for test in TESTS:
                sides = [("dom0", lambda t=test: dom0_sh(
                              m, "/usr/lib/tern/tests/" + bench.format(t, "/data/bench.img"))),
                         ("domU", lambda t=test: guest_run(t))]
                if rnd % 2:
                    sides.reverse()
                got = {name: figure(run()) for name, run in sides}
                results[test].append((got["domU"], got["dom0"]))
                unit = "IOPS" if test == "randread" else "MiB/s"
                print(f"round {rnd + 1} {test}: domU {got['domU']:.1f} {unit}, "
                      f"dom0 {got['dom0']:.1f} {unit}, ratio {got['domU'] / got['dom0']:.2f}",
                      flush=True)
        rss1 = worker_rss_kib(m)
        dom0_sh(m, "xl destroy sample")
    finally:
        m.kill()
        os.unlink(disk)
        os.rmdir(tmp)
    for test in TESTS:
        ratios = [u / d for u, d in results[test]]
        unit = "IOPS" if test == "randread" else "MiB/s"
        print(f"{test}: domU median {statistics.median(u for u, _ in results[test]):.1f} {unit}, "
              f"dom0 median {statistics.median(d for _, d in results[test]):.1f} {unit}, "
              f"ratio median {statistics.median(ratios):.2f} (rounds: "
              f"{', '.join(f'{r:.2f}' for r in ratios)})")
    print(f"tern-blkback worker VmRSS: {rss0} KiB before the guest, {rss1} KiB after the runs "
          f"with its two disks: {(rss1 - rss0) / 2:.0f} KiB per disk")
    return 0


if __name__ == "__main__":
    sys.exit(main())
