#!/usr/bin/python3
"""bench/fpu-switch: what saving and restoring vCPU state (extended state,
XCR0, TSC_AUX, DR0-DR3) costs at a switch between two domains.

Two pingpong guests (bench/fpu-switch/pingpong.c) run as domUs pinned to
pCPU 1 and hand it to each other with SCHEDOP_yield, each with all of
YMM0-15 and MXCSR dirtied before every yield: each yield is one switch
between two domains, the case the state switch is for. Yield phases
alternate with spin phases (a loop that never leaves the guest) on the same
TSC boundaries in both guests; the figure is both guests' yields per
thousand spin iterations, a switch rate in units of how fast the emulated
CPU ran at the time, so a busy host moves it little.

The baseline is the same benchmark on the hypervisor built from main as it
was just before this state switching was merged into it (--baseline, default
970c94f: the same domctl interface as this tree's tools), measured in
the same run: the two hypervisors boot alternately (baseline first in odd
rounds, this tree's first in even ones), under identical QEMU settings; the
ratio of the medians and the median of each round's ratio are printed. Everything else (dom0 image, tools,
guests) is this tree's. A ratio below 1 is the cost of the switch; under
QEMU's emulation it mostly measures the emulated XSAVE/XRSTOR, not a CPU's.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))
from qemu import BUILD, Machine  # noqa: E402
from dom0 import CONSOLE_NONE, TOOLS_IMAGE, boot, check, start_xenstored  # noqa: E402

GUEST = os.path.join(BUILD, "bench", "fpu-switch", "pingpong.elf")
CFG = """name = "{name}"
type = "pvh"
kernel = "/root/pingpong.elf"
memory = 32
vcpus = 1
cpus = "1"
"""
RESULT = re.compile(r"\(d(\d+)\) pingpong: yields (\d+) spins (\d+) cycles (\d+) (\w+)")


def build_baseline(rev):
    """The hypervisor of commit rev, built from `git archive` in a directory
    of its own (reused while it exists)."""
    sha = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short=12", rev], check=True,
                         capture_output=True, text=True).stdout.strip()
    tree = Path(BUILD) / "bench" / "fpu-switch" / f"baseline-{sha}"
    elf = tree / "build" / "tern.elf"
    if not elf.exists():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", ROOT, "archive", sha], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        subprocess.run(["make", "-C", str(tree), "-j2", "build/tern.elf"], check=True,
                       stdout=subprocess.DEVNULL)
    return sha, str(elf)


def measure(hypervisor, label, tmp):
    """Boots dom0 on this hypervisor, runs the two guests once; returns both
    guests' yields per thousand spin iterations, and which registers they
    dirtied."""
    with open(GUEST, "rb") as f:
        files = {"root/pingpong.elf": (0o100644, f.read())}
    for name in ("ping", "pong"):
        files[f"root/{name}.cfg"] = (0o100644, CFG.format(name=name).encode())
    started = []

    def machine(**kwargs):
        m = Machine(f"bench-fpu-switch-{label}", kernel=hypervisor, **kwargs).start()
        started.append(m)
        return m

    Path(tmp).mkdir(parents=True, exist_ok=True)
    try:
        m = boot(machine, image=TOOLS_IMAGE, console=CONSOLE_NONE, files=files,
                 tmp_path=Path(tmp))
        start_xenstored(m)
        for name in ("ping", "pong"):
            check(m, f"/usr/sbin/xl create -p /root/{name}.cfg")
        check(m, "/usr/sbin/xl unpause ping; /usr/sbin/xl unpause pong")
        deadline = time.monotonic() + 600
        while True:
            found = RESULT.findall(check(m, "/usr/sbin/xl dmesg"))
            if len(found) == 2:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{label}: no pingpong results; xl dmesg:\n"
                                   + check(m, "/usr/sbin/xl dmesg")[-3000:])
            time.sleep(2)
        yields = sum(int(f[1]) for f in found)
        spins = sum(int(f[2]) for f in found)
        return yields / spins * 1000, found[0][4]
    finally:
        for machine_ in started:
            machine_.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="rounds of both hypervisors")
    ap.add_argument("--baseline", default="970c94f",
                    help="commit whose hypervisor is the baseline (default: main just "
                         "before state switching was merged; its domctl interface must "
                         "be this tree's)")
    args = ap.parse_args()
    for path in (GUEST, TOOLS_IMAGE, os.path.join(BUILD, "tern.elf")):
        if not os.path.exists(path):
            print(f"bench-fpu-switch: {path} is missing (make all images)", file=sys.stderr)
            return 2
    sha, baseline = build_baseline(args.baseline)
    current = os.path.join(BUILD, "tern.elf")
    rates = {"baseline": [], "current": []}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            order = ["baseline", "current"] if run % 2 == 0 else ["current", "baseline"]
            for label in order:
                elf = baseline if label == "baseline" else current
                rate, regs = measure(elf, label, os.path.join(tmp, f"{label}{run}"))
                rates[label].append(rate)
                print(f"run {run + 1} {label}: {rate:.2f} yields per 1000 spins ({regs} dirtied)",
                      flush=True)
    base, cur = statistics.median(rates["baseline"]), statistics.median(rates["current"])
    paired = [c / b for b, c in zip(rates["baseline"], rates["current"])]
    print(f"baseline (hypervisor of {sha}, no state switching), median: {base:.2f}")
    print(f"this tree (state switched at every domain switch), median: {cur:.2f}")
    print("ratio this tree / baseline in each round: " + " ".join(f"{r:.3f}" for r in paired))
    print(f"ratio this tree / baseline: {cur / base:.3f} (of the medians), "
          f"{statistics.median(paired):.3f} (median of the rounds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
