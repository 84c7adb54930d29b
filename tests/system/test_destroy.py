"""Destroying a domU while dom0 still maps its memory (issue: destroy gives
all memory back, mappings held by dom0 released safely).

dom0 boots the dom0 image without the sample guest (dom0-base.cpio.gz:
xencommons starts xenstored and xenconsoled), plus an appended archive with
the grant_map test guest, its config and build/dist's destroymap. xenstored
maps each domU's xenstore ring page and xenconsoled its console ring page
through privcmd (foreign mappings in dom0's nested page table) and keep them
until they notice the domain is gone, which is after the destroy. destroymap
holds two more across `xl destroy`: a page it marked, mapped through privcmd,
and the page the guest granted to dom0, mapped through gntdev.

Checked: the destroy revokes those mappings (tern logs how many: at least
the four); neither the marker nor the granted page is visible through
destroymap's mappings afterwards, which can still be written and unmapped
(the grant unmap of a granter that is gone works, without a kernel warning);
xenstored and xenconsoled keep running and let the domain go; the free
memory is back; and a second create/destroy cycle behaves the same. With the
frames freed while dom0 still mapped them, destroymap reads its marker back
from memory the heap may hand out again, and no revocation is logged."""

import os
import re
import time

import pytest

from dom0 import BASE_IMAGE, CONSOLE_NONE, XL, boot, check, free_memory, run
from qemu import BUILD, TIMEOUT_SCALE

DESTROYMAP = os.path.join(BUILD, "dist", "usr", "lib", "tern", "tests", "destroymap")
# The grant_map test guest leaves grant GREF_DOM0 of a page it filled for dom0.
GUEST = os.path.join(BUILD, "guests", "grant_map.elf")
GREF_DOM0 = 9
DIR = "/root/destroy"
CFG = f"""name = "victim"
type = "pvh"
kernel = "{DIR}/guest.elf"
memory = 64
vcpus = 1
on_poweroff = "preserve"
on_crash = "preserve"
"""
# A page of guest RAM below the test guest's image (at 1 MiB) that nothing uses.
MARK_GFN = 0x10
CONSOLED_LOG = "/var/log/xen/xenconsoled.log"
STORED_LOG = "/var/log/xen/xenstored.log"


def dom0(machine, tmp_path):
    for path in (GUEST, DESTROYMAP):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing: run `make all guests`")
    files = {"root/destroy/victim.cfg": (0o100644, CFG.encode())}
    for name, path in (("guest.elf", GUEST), ("destroymap", DESTROYMAP)):
        with open(path, "rb") as f:
            files[f"root/destroy/{name}"] = (0o100755, f.read())
    return boot(machine, BASE_IMAGE, dom0_mem="512M", console=CONSOLE_NONE, files=files,
                tmp_path=tmp_path)


def daemon_pids(m):
    out = check(m, "/etc/init.d/xencommons status")
    pids = dict(re.findall(r"^(xenstored|xenconsoled) is running \(pid (\d+)\)$", out, re.M))
    assert set(pids) == {"xenstored", "xenconsoled"}, out
    return pids


def log_size(m, path):
    return int(check(m, f"wc -c < {path}").strip())


def wait_for_log(m, path, pattern, what, start=0, timeout=60):
    """Waits for pattern in the daemon's log from byte start on."""
    deadline = time.monotonic() + timeout * TIMEOUT_SCALE
    while True:
        log = check(m, f"tail -c +{start + 1} {path}")
        if re.search(pattern, log, re.M):
            return log
        assert time.monotonic() < deadline, f"{what} never appeared in {path}:\n{log[-2000:]}"
        time.sleep(1)


def create(m):
    """Creates the guest; returns its id once both daemons have mapped its
    rings."""
    check(m, f"{XL} create -e {DIR}/victim.cfg")
    domid = int(check(m, f"{XL} domid victim").strip())
    wait_for_log(m, CONSOLED_LOG, rf"^.*dom{domid} \(victim\): console on ",
                 f"xenconsoled mapping dom{domid}'s console page")
    status, _ = run(m, f"{XL} list victim")
    assert status == 0
    return domid


def wait_for_guest(m, domid, timeout=60):
    """Waits for the test guest's result line (its grant for dom0 is in place)."""
    deadline = time.monotonic() + timeout * TIMEOUT_SCALE
    while True:
        dmesg = check(m, f"{XL} dmesg")
        result = re.search(rf"^\(tern\) \(d{domid}\) Test result: (.*)$", dmesg, re.M)
        if result:
            assert result.group(1) == "SUCCESS", dmesg[-3000:]
            return
        assert time.monotonic() < deadline, f"no result from d{domid}:\n{dmesg[-3000:]}"
        time.sleep(1)


def destroyed(m, domid, command):
    """Runs command, which destroys domid; checks that tern revoked dom0's
    mappings of it and that both daemons let it go (and so unmapped its
    rings). Returns (command output, mappings revoked)."""
    dmesg_lines = len(check(m, f"{XL} dmesg").splitlines())
    consoled, stored = log_size(m, CONSOLED_LOG), log_size(m, STORED_LOG)
    status, out = run(m, command, timeout=300)
    assert status == 0, out
    status, listed = run(m, f"{XL} list victim")
    assert status != 0, listed
    new = "\n".join(check(m, f"{XL} dmesg").splitlines()[dmesg_lines:])
    found = re.findall(rf"^\(tern\) Domain {domid}: (\d+) mapping\(s\) of its memory revoked$",
                       new, re.M)
    assert len(found) == 1, f"no revocation logged for domain {domid}:\n{new}"
    assert f"Domain {domid} destroyed" in new, new
    wait_for_log(m, CONSOLED_LOG, rf"^.*dom{domid} \(victim\): console closed: ",
                 f"xenconsoled closing dom{domid}'s console", consoled)
    wait_for_log(m, STORED_LOG, rf"^.*domain {domid} released ",
                 f"xenstored releasing domain {domid}", stored)
    return out, int(found[0])


def test_destroy_revokes_dom0_mappings(machine, tmp_path):
    m = dom0(machine, tmp_path)
    pids = daemon_pids(m)
    free_before = free_memory(m)

    # Cycle 1: destroyed by destroymap's command while it holds its mapping:
    # the marker is gone from it, and xenstored's, xenconsoled's and
    # destroymap's mappings were revoked.
    domid = create(m)
    assert free_memory(m) <= free_before - 64
    wait_for_guest(m, domid)
    out, n = destroyed(m, domid, f"{DIR}/destroymap -g {GREF_DOM0} {domid} {MARK_GFN:#x} "
                                 f"'{XL} destroy {domid}'")
    assert "destroymap: grant 9 mapped" in out and "destroymap: ok" in out, out
    assert n >= 4, n
    # The grant's unmap after its granter was gone worked (no kernel warning).
    kernel = check(m, "dmesg")
    assert not re.search(r"WARNING|gntdev.*(fail|error)", kernel, re.I), kernel[-3000:]
    # The daemons lived through it.
    assert daemon_pids(m) == pids
    # Within a MiB: dom0's nested page table may keep a split page or two.
    free_after = free_memory(m)
    assert free_before - 1 <= free_after <= free_before, (free_before, free_after)

    # Cycle 2: the same with a plain destroy (the daemons' two mappings).
    domid = create(m)
    _, n = destroyed(m, domid, f"{XL} destroy victim")
    assert n >= 2, n
    assert daemon_pids(m) == pids
    free_final = free_memory(m)
    assert free_before - 1 <= free_final <= free_before, (free_before, free_final)

    dmesg = check(m, f"{XL} dmesg")
    assert "Panic" not in dmesg and "stays out of the heap" not in dmesg, dmesg[-3000:]
    check(m, f"{XL} list")
