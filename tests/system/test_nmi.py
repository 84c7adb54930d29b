"""NMIs never stop tern (issue 10, item 6). dom0 sends itself NMI IPIs
through its LAPIC (busybox devmem; tern carries out each ICR write in host
context, where the NMI then arrives) and QEMU injects an external NMI on
every CPU (QMP inject-nmi: LINT1, which dom0 wires to NMI on CPU0 and tern
on the CPUs it keeps) while a domU spins on CPU1. dom0 must see its own
NMIs (Linux's "NMI received for unknown reason": no handler of its claims
them), the domU's pCPU drops its NMI with a log line, and tern, dom0 and the
domU carry on."""

import re
import time

import domu_guests
from dom0 import XL, check
from qemu import TIMEOUT_SCALE
from qmp import qmp_args, qmp_command

UNKNOWN_NMI = "NMI received for unknown reason"
# ICR: destination APIC ID 0 (dom0's CPU), then NMI delivery, level assert.
NMI_TO_SELF = "devmem 0xfee00310 32 0x00000000; devmem 0xfee00300 32 0x00004400"


def wait_xl_dmesg(m, pattern, timeout=120):
    """Waits until tern's console ring (`xl dmesg`) has a line matching pattern."""
    deadline = time.monotonic() + timeout * TIMEOUT_SCALE
    while not re.search(pattern, check(m, f"{XL} dmesg"), re.M):
        assert time.monotonic() < deadline, f"no /{pattern}/ in xl dmesg:\n" + \
            check(m, f"{XL} dmesg | tail -20")
        time.sleep(1)


def dom0_nmis(m):
    return int(check(m, f"dmesg | grep -c '{UNKNOWN_NMI}' || true").split()[-1])


def wait_dom0_nmis(m, more_than, timeout=60):
    """Waits until dom0's log counts more than `more_than` unknown NMIs."""
    deadline = time.monotonic() + timeout * TIMEOUT_SCALE
    while True:
        n = dom0_nmis(m)
        if n > more_than:
            return n
        assert time.monotonic() < deadline, f"dom0 saw no new NMI ({n} in all):\n" + \
            check(m, "dmesg | tail -20")
        time.sleep(1)


def test_nmis_reach_dom0_and_stop_nothing(machine, tmp_path):
    sock = tmp_path / "qmp.sock"
    m = domu_guests.boot_dom0_for(machine, tmp_path, ["spin"], dom0_args="iomem=relaxed",
                                  extra_args=qmp_args(sock))
    domid = domu_guests.create(m, f"{domu_guests.GUEST_DIR}/spin.cfg", 'cmdline="spin"')
    wait_xl_dmesg(m, rf"\(d{domid}\) spinning$")

    # One NMI IPI from dom0 to itself: it arrives while tern is in host
    # context (emulating the ICR write) and must be handed to dom0.
    seen = dom0_nmis(m)
    check(m, NMI_TO_SELF)
    seen = wait_dom0_nmis(m, seen)

    # A burst: NMIs arriving while dom0 is still in its handler wait and
    # merge, as on hardware; dom0 sees at least one more and goes on.
    check(m, f"for i in $(seq 50); do {NMI_TO_SELF}; done")
    seen = wait_dom0_nmis(m, seen)

    # An external NMI on every CPU: dom0's is dom0's, the domU's pCPU drops its own.
    qmp_command(sock, "inject-nmi")
    seen = wait_dom0_nmis(m, seen)
    wait_xl_dmesg(m, r"CPU1: NMI received, not for any guest: dropped \(1 so far\)$")

    # The spinning domU never saw it and still runs; tern and dom0 are fine.
    row = [l.split() for l in check(m, f"{XL} list").splitlines()[1:]
           if l.split()[1] == str(domid)]
    assert row and re.match(r"r-----|-b----", row[0][4]), row
    domu_guests.assert_host_healthy(m)
    check(m, f"{XL} destroy {domid}")
