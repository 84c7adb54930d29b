"""Vector registers stay each domain's own (issue 10, item 1).

Four domUs share pCPU 1 (cpus="1"), each running Debian's kernel
(the dom0 image's sample guest) with a user process, veccheck
(tools/tests/veccheck), that loads YMM0-15 (XMM0-15 without AVX), MXCSR and
the x87 control word with a pattern of its own, spins, reads them back and
compares, in a loop (on a CPU without XSAVE, `-cpu max,-xsave`, two such
guests with XMM0-15 and FXSAVE). The guests are CPU-bound, so tern switches between them
every slice, often in the middle of a check. Once every guest's checker has
started, the test lets them run side by side for CHECK_SECONDS of dom0's
wall-clock time, then requires progress in every guest over that window and
no mismatch anywhere. With AVX on the host the checker must find AVX in the
guest (tern offers it).

Another case runs two guests on pCPUs 1 and 2 whose checkers sleep inside
every check, so their vCPUs keep moving between the pCPUs; it caught a
hypervisor that trusted a pCPU's registers to still hold a vCPU's state after
that vCPU had run elsewhere.

veccheck and a wrapper init that starts it next to the guest's busybox init
travel as a cpio archive appended to the guest's initramfs (Linux unpacks
both). Before tern switched extended state, the first mismatches showed up
within seconds."""

import os
import re
import time

import pytest

from dom0 import CONSOLE_NONE, boot as boot_dom0, check, newc_archive, run
from qemu import BUILD, TIMEOUT_SCALE

IMAGES = os.path.join(BUILD, "images")
DOM0_IMAGE = os.path.join(IMAGES, "dom0.cpio.gz")
DOMU_INITRD = os.path.join(IMAGES, "domu.cpio.gz")
VECCHECK = os.path.join(BUILD, "dist", "usr", "lib", "tern", "tests", "veccheck")
CHECK_SECONDS = 30
RAMDISK = "/root/vec.cpio.gz"
LOG = "/var/log/xen/console/guest-{}.log"

# Linux passes unknown `name=value` boot parameters to init as environment;
# `veccheck=0` runs the checker until the domain is destroyed, `vecmode=sleep`
# makes it sleep inside each check instead of spinning. A background
# job needs /dev/null, so devtmpfs goes up first (the guest's rcS tries again
# quietly).
VECINIT = b"""#!/bin/sh
/bin/busybox mount -t devtmpfs devtmpfs /dev
/veccheck "${veccheck:-0}" ${vecmode} &
exec /init
"""


def guest_ramdisk():
    with open(DOMU_INITRD, "rb") as f:
        base = f.read()
    with open(VECCHECK, "rb") as f:
        veccheck = f.read()
    return base + newc_archive({"veccheck": (0o100755, veccheck),
                                "vecinit": (0o100755, VECINIT)})


def boot(machine, tmp_path, smp=2):
    """dom0 with xencommons (its xenconsoled logs guest consoles) and the
    guests' initramfs; QEMU has memory for dom0 and four 128 MiB guests."""
    for path in (DOM0_IMAGE, DOMU_INITRD, VECCHECK):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing: run `make all images`")
    files = {RAMDISK[1:]: (0o100644, guest_ramdisk())}
    return boot_dom0(machine, image=DOM0_IMAGE, dom0_mem="512M", memory="2G", smp=smp,
                     console=CONSOLE_NONE, files=files, tmp_path=tmp_path)


@pytest.fixture(scope="module")
def dom0(module_machine, tmp_path_factory):
    """One dom0 for the tests that share it (booted after the FXSAVE test's
    machine is gone, so two never run at once), with pCPUs 1 and 2 for
    guests."""
    return boot(module_machine, tmp_path_factory.mktemp("fpu"), smp=3)


def guest_log(m, name):
    """The guest's console log. xenconsoled names it after the domain, or
    dom<id> when it saw the domain before its name was in xenstore."""
    domid = run(m, f"xl domid {name}")[1].strip()
    return f"{LOG.format(name)} {LOG.format('dom' + domid)}"


def guest_lines(m, name, pattern):
    _, out = run(m, f"cat {guest_log(m, name)} 2>/dev/null | grep -a '{pattern}'")
    return [l for l in out.splitlines() if pattern in l]


def wait_all(m, names, pattern, timeout):
    """Waits until every guest's console log has a line with pattern."""
    deadline = time.monotonic() + timeout * TIMEOUT_SCALE
    while True:
        missing = [n for n in names if not guest_lines(m, n, pattern)]
        if not missing:
            return
        assert time.monotonic() < deadline, \
            f"no '{pattern}' from {missing}; last console lines:\n" + "\n".join(
                run(m, f"tail -q -n 15 {guest_log(m, n)} 2>/dev/null")[1] for n in missing)
        time.sleep(2)


def checks_so_far(m, name):
    """The check count of the guest's last progress line (0 if none yet)."""
    lines = guest_lines(m, name, "VECCHECK progress")
    return int(re.search(r"checks (\d+)", lines[-1]).group(1)) if lines else 0


def host_has_avx(m):
    return " avx " in check(m, "grep -m1 flags /proc/cpuinfo") + " "


def run_checkers(m, prefix, count, cpus="1", mode=""):
    """Starts count copies of the sample guest without its disk (one file
    cannot be every guest's writable root), each running veccheck. Each test
    gives its own prefix: tests share a dom0, and xenconsoled appends a
    guest's output to an older log of the same name."""
    names = [f"{prefix}{i}" for i in range(count)]
    try:
        # Inside the try: when one create fails, the guests made before it
        # are still destroyed (the next test on this dom0 reuses nothing).
        for name in names:
            check(m, f"xl create /etc/xen/sample.cfg 'name=\"{name}\"' 'cpus=\"{cpus}\"' "
                     f"'ramdisk=\"{RAMDISK}\"' 'on_crash=\"preserve\"' 'disk=[]' 'root=\"\"' "
                     f"'extra=\"console=hvc0 rdinit=/vecinit veccheck=0 vecmode={mode}\"'")
        wait_all(m, names, "VECCHECK start", timeout=300 * count)
        before = {n: checks_so_far(m, n) for n in names}
        # Side by side for CHECK_SECONDS, all of them checking; where each
        # vCPU runs is sampled meanwhile.
        seen_on = {n: set() for n in names}
        window_end = time.monotonic() + CHECK_SECONDS
        while time.monotonic() < window_end:
            for line in check(m, "xl vcpu-list").splitlines():
                fields = line.split()
                if fields and fields[0] in seen_on and fields[3].isdigit():
                    seen_on[fields[0]].add(int(fields[3]))
            time.sleep(3)
        wait_all(m, names, "VECCHECK progress", timeout=120)
        for name in names:
            mismatches = guest_lines(m, name, "VECCHECK mismatch")
            assert not mismatches, f"{name}: vector registers changed under it:\n" + \
                "\n".join(mismatches)
            progress = guest_lines(m, name, "VECCHECK progress")
            assert progress and progress[-1].endswith("mismatches 0"), (name, progress)
        # Every guest kept checking through the window (its progress line
        # comes every five seconds of its own time).
        deadline = time.monotonic() + 120 * TIMEOUT_SCALE
        while any(checks_so_far(m, n) <= before[n] for n in names):
            assert time.monotonic() < deadline, \
                {n: (before[n], checks_so_far(m, n)) for n in names}
            time.sleep(2)
        listing = check(m, "xl list")
        for name in names:
            assert re.search(rf"^{name}\s", listing, re.M), listing
            assert not guest_lines(m, name, "VECCHECK mismatch")
            # tern offers the host's AVX to guests.
            start = guest_lines(m, name, "VECCHECK start")[0]
            assert "AVX" in start or not host_has_avx(m), f"{name} sees no AVX: {start}"
        return seen_on
    finally:
        for name in names:
            run(m, f"xl destroy {name}")
        log = check(m, "xl dmesg")
        assert not re.search(r"Panic on CPU|FATAL TRAP", log), log[-3000:]


def test_fxsave_two_guests_share_a_pcpu(machine, tmp_path):
    """The same on a CPU without XSAVE: FXSAVE/FXRSTOR, x87 and SSE."""
    m = boot(lambda **kw: machine(cpu="max,-xsave", **kw), tmp_path)
    run_checkers(m, "fx", 2)
    assert "FPU: no XSAVE: FXSAVE/FXRSTOR" in check(m, "xl dmesg")


def test_guests_move_between_two_pcpus(dom0):
    """Two guests on pCPUs 1 and 2 (cpus="1-2") whose checkers sleep inside
    every check: their vCPUs block and wake on whichever pCPU is free, so a
    vCPU often comes back to a pCPU whose registers still hold an older
    state of its own; that state must not be taken for the current one."""
    seen_on = run_checkers(dom0, "move", 2, cpus="1-2", mode="sleep")
    assert any(len(cpus) > 1 for cpus in seen_on.values()), \
        f"no guest was seen on both pCPUs: {seen_on}"


def test_four_guests_share_a_pcpu(dom0):
    run_checkers(dom0, "four", 4)
