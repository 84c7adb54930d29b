"""dom0's side of memory isolation (issue 10): what a dom0 process can do
through privcmd with bad pointers and frame numbers, and dom0's LAPIC guard.

`memattack` (tools/tests/memattack) makes the attempts and says which, if
any, worked; these tests run it and then check that tern and dom0 carry on:
 - bad domctl max_mem values and populate_physmap/foreign-map frame numbers
   that overflow are refused, and the host's free memory is back after;
 - hypercall buffers inside an mmap of /dev/mem at MMIO (above the
   hypervisor's direct map, and the LAPIC page) get -EFAULT;
 - no p2m operation (remove_from_physmap, foreign map, grant map + unmap,
   add_to_physmap) can replace dom0's read-only LAPIC page, and after all of
   them, and after dom0 rewrote its own APIC ID register, INIT, STARTUP and
   NMI IPIs to another CPU are still refused and that CPU still runs domUs;
 - a remap of a running domU's page by dom0 has taken effect in that domU's
   TLB when the hypercall returns (the tlb_shootdown guest counts stale
   reads while it spins in guest mode).
dom0 boots with iomem=relaxed so that /dev/mem and busybox devmem reach
MMIO, as in tests/system/test_dom0.py."""

import os
import re
import time

import pytest

import domu_guests
from dom0 import XL, check, run
from qemu import BUILD

MEMATTACK = os.path.join(BUILD, "dist", "usr", "lib", "tern", "tests", "memattack")
TOOL = "/root/memattack"
# The grant_map guest leaves grant 9 of a page of its RAM granted to dom0.
GRANT_GUEST = "grant_map"
SHOOTDOWN_GUEST = "tlb_shootdown"
ROUNDS = 300
GREF_DOM0 = 9
LAPIC = 0xfee00000
# Far above the RAM of the test machine (and so above tern's direct map),
# below the 40 physical address bits QEMU's CPU has: nothing is there.
HIGH_MMIO = 0x1000000000


@pytest.fixture(scope="module")
def m(module_machine, tmp_path_factory):
    """One dom0 for the module's attacks: each leaves it as it found it (the
    tests check that), so the next starts from a clean host."""
    with open(MEMATTACK, "rb") as f:
        files = {TOOL[1:]: (0o100755, f.read())}
    return domu_guests.boot_dom0_for(module_machine, tmp_path_factory.mktemp("memory"),
                                     [GRANT_GUEST, SHOOTDOWN_GUEST], files,
                                     dom0_args="iomem=relaxed")


def memattack(m, args):
    status, out = run(m, f"{TOOL} {args}", timeout=300)
    assert status == 0 and "memattack: ok" in out, out
    return out


def test_bad_domctl_arguments_are_refused(m):
    free_before = domu_guests.free_memory(m)
    out = memattack(m, "domctl")
    assert "max_mem of 2^61 + 1 pages: refused" in out, out
    domu_guests.assert_host_healthy(m)
    assert domu_guests.free_memory(m) == free_before


def test_hypercall_buffers_in_mmio_are_efault(m):
    for addr in (HIGH_MMIO, LAPIC):
        out = memattack(m, f"mmio {addr:#x}")
        assert out.count("-EFAULT") == 4, out
    domu_guests.assert_host_healthy(m)


def wait_dmesg(m, pattern, start, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        new = "\n".join(check(m, f"{XL} dmesg").splitlines()[start:])
        if re.search(pattern, new):
            return
        assert time.monotonic() < deadline, f"{pattern} never appeared:\n{new[-2000:]}"
        time.sleep(1)


def ipis_refused(m, dest_id):
    """INIT, STARTUP and NMI to APIC ID dest_id are refused by the guard."""
    for icr_low in ("0x00004500", "0x00004608", "0x00004400"):
        start = len(check(m, f"{XL} dmesg").splitlines())
        check(m, f"devmem {LAPIC + 0x310:#x} 32 {dest_id << 24:#010x}")
        check(m, f"devmem {LAPIC + 0x300:#x} 32 {icr_low}")
        wait_dmesg(m, rf"dom0: IPI to another CPU refused \(ICR {dest_id << 24:08x}:"
                      rf"{icr_low[2:]}\)", start)


def test_lapic_frame_cannot_be_remapped(m):
    domid = domu_guests.create(m, f"{domu_guests.GUEST_DIR}/{GRANT_GUEST}.cfg",
                               'on_poweroff="preserve"')
    outcome, reason, lines = domu_guests.wait_result(m, domid)
    assert outcome == "SUCCESS", f"{outcome} {reason}\n{lines}"

    out = memattack(m, f"lapic {LAPIC >> 12:#x} {domid} {GREF_DOM0}")
    assert out.count("refused") == 4, out
    # The page is still read-only: dom0's writes to the ICR still come to tern.
    ipis_refused(m, 1)
    # dom0 rewrites its APIC ID to the other CPU's: the write is dropped
    # and the guard still knows which CPU is dom0's.
    check(m, f"devmem {LAPIC + 0x20:#x} 32 0x01000000")
    assert int(check(m, f"devmem {LAPIC + 0x20:#x} 32").strip(), 16) >> 24 == 0
    ipis_refused(m, 1)

    # CPU1 was never reset: it still runs a domU.
    run(m, f"{XL} destroy {domid}")
    outcome, reason, lines = domu_guests.run_guest(m, GRANT_GUEST)
    assert outcome == "SUCCESS", f"{outcome} {reason}\n{lines}"
    assert check(m, "echo still here").strip().endswith("still here")


def test_remap_of_a_running_domu_leaves_no_stale_translation(m):
    domid = domu_guests.create(m, f"{domu_guests.GUEST_DIR}/{SHOOTDOWN_GUEST}.cfg",
                               'cmdline="shootdown"')
    deadline = time.monotonic() + 120
    while True:
        found = re.search(rf"\(d{domid}\) shootdown: window gfn (0x[0-9a-f]+) mailbox gfn "
                          r"(0x[0-9a-f]+)", check(m, f"{XL} dmesg"))
        if found:
            break
        assert time.monotonic() < deadline, "the guest never printed its gfns"
        time.sleep(1)
    out = memattack(m, f"tlb {domid} {found.group(1)} {found.group(2)} {ROUNDS}")
    assert "0 stale read(s)" in out, out
    outcome, reason, lines = domu_guests.wait_result(m, domid)
    assert outcome == "SUCCESS", f"{outcome} {reason}\n{lines}"
    assert f"shootdown: {ROUNDS} rounds, 0 stale reads" in lines, lines
    domu_guests.assert_host_healthy(m)
