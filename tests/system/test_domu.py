"""Guest domains (issue 6): `xl create` from dom0 builds a PVH domU, `xl list`
shows it, `xl destroy` gives its memory back; bad config files give their
error lines; `xl create` without xenstored says so instead of hanging.
The credit scheduler: CPU-bound guests share a pCPU by weight and a cap
holds one back; with one pCPU no domU can be created.

dom0 boots the tools image with one more cpio archive appended (dom0.boot)
that holds the guest kernels and configs under /root/domu. The guest here is
a PVH test guest (build/guests/*.elf), whose console_io output tern prints
on its console with a "(d1)" prefix; Debian's kernel as a domU is
tests/system/test_console.py's."""

import os
import re
import time

import pytest

from dom0 import (CONSOLE_NONE, TOOLS_IMAGE, XL, boot, check, cpu_seconds_over, free_memory,
                  run, start_xenstored)
from qemu import BUILD
from test_xl import LIST_HEADER

# Any test guest prints through console_io; this one needs nothing of a domU
# that only an initial domain has to get its result line out.
GUEST = os.path.join(BUILD, "guests", "hypercall_page.elf")
# A guest that spins forever when its command line is "spin".
SPIN = os.path.join(BUILD, "guests", "spin.elf")
DIR = "/root/domu"

GOOD_CFG = f"""# a PVH test guest
name = "guest1"
type = "pvh"
kernel = "{DIR}/guest.elf"
memory = 64
vcpus = 1
on_crash = "preserve"
"""

SPIN_CFG = f"""name = "spin"
type = "pvh"
kernel = "{DIR}/spin.elf"
cmdline = "spin"
memory = 32
cpus = "1"
"""

BAD_CFG = """name = "bad"
kernel = "/root/domu/guest.elf"
memmory = 64
type = "hvm"
on_crash = "coredump-destroy"
autorestart = True
"""

BAD_CFG_ERRORS = [
    "bad.cfg:6: config parsing error near `True': lexical error",
    "Failed to parse config: Invalid argument",
]

BAD_KEYS_CFG = """name = "bad"
kernel = "/root/domu/guest.elf"
memmory = 64
type = "hvm"
on_crash = "coredump-destroy"
bootloader = "pygrub"
"""

BAD_KEYS_ERRORS = [
    "bad2.cfg:3: unknown key 'memmory'",
    "bad2.cfg:4: type \"hvm\" is not supported by tern",
    "bad2.cfg:5: on_crash action \"coredump-destroy\" is not supported by tern",
    "bad2.cfg:6: key 'bootloader' is not supported",
    "Failed to parse config: Invalid argument",
]


def dom0_with_guests(machine, tmp_path, smp=2):
    for path in (GUEST, SPIN):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing: run `make guests`")
    with open(GUEST, "rb") as f:
        guest = f.read()
    with open(SPIN, "rb") as f:
        spin = f.read()
    files = {
        "root/domu/guest.elf": (0o100644, guest),
        "root/domu/spin.elf": (0o100644, spin),
        "root/domu/spin.cfg": (0o100644, SPIN_CFG.encode()),
        "root/domu/guest1.cfg": (0o100644, GOOD_CFG.encode()),
        "root/domu/bad.cfg": (0o100644, BAD_CFG.encode()),
        "root/domu/bad2.cfg": (0o100644, BAD_KEYS_CFG.encode()),
    }
    m = boot(machine, TOOLS_IMAGE, memory="1G", smp=smp, console=CONSOLE_NONE,
             files=files, tmp_path=tmp_path)
    check(m, f"test -x {XL} && test -f {DIR}/guest1.cfg")
    return m


def test_create_errors_without_hypervisor_support(machine, tmp_path):
    """Config errors and a missing xenstored are reported by xl alone."""
    m = dom0_with_guests(machine, tmp_path)

    # No xenstored yet: a message and a failure, not a hang.
    status, out = run(m, f"{XL} create {DIR}/guest1.cfg", timeout=60)
    assert status != 0, out
    assert "xenstored is not running: start xencommons" in out, out

    # A lexical error stops parsing: its line, then xl's summary.
    status, out = run(m, f"cd {DIR} && {XL} create bad.cfg")
    assert status == 1, out
    lines = out.splitlines()
    assert lines[0] == "Parsing config from bad.cfg", out
    for want in BAD_CFG_ERRORS:
        assert want in lines, f"missing {want!r} in:\n{out}"

    # Every refused key, with its line.
    status, out = run(m, f"cd {DIR} && {XL} create bad2.cfg")
    assert status == 1, out
    for want in BAD_KEYS_ERRORS:
        assert any(line.startswith(want) for line in out.splitlines()), \
            f"missing {want!r} in:\n{out}"

    # A bad override from the command line.
    status, out = run(m, f"{XL} create {DIR}/guest1.cfg vcpus=lots")
    assert status == 1 and "command line:1: config parsing error near `lots'" in out, out

    # Dry run parses without touching anything.
    out = check(m, f"{XL} create -n {DIR}/guest1.cfg memory=32")
    assert "memory: 32 MiB" in out and "name: guest1" in out, out


def test_domu_create_list_destroy(machine, tmp_path):
    m = dom0_with_guests(machine, tmp_path)
    start_xenstored(m)
    free_before = free_memory(m)

    status, out = run(m, f"{XL} create -e {DIR}/guest1.cfg cpu_weight=512 cap=50 'cpus=\"1\"'")
    assert status == 0, ("xl create failed; the hypervisor side (domctl createdomain, "
                         f"max_mem, populate_physmap, vcpu_start, set_param) is needed:\n{out}")

    lines = check(m, f"{XL} list").splitlines()
    assert lines[0] == LIST_HEADER
    rows = [l for l in lines[1:] if l.split()[0] == "guest1"]
    assert len(rows) == 1, lines
    fields = rows[0].split()
    domid = int(fields[1])
    assert domid > 0 and 63 <= int(fields[2]) <= 64, rows[0]
    assert check(m, f"{XL} domid guest1").strip() == str(domid)
    assert check(m, f"{XL} domname {domid}").strip() == "guest1"
    assert free_memory(m) <= free_before - 64

    # cpu_weight, cap and cpus from the config reach the hypervisor; sched-credit
    # changes them; vcpu-list shows the hard affinity (CPU0 is dom0's).
    out = check(m, f"{XL} sched-credit -d guest1").splitlines()
    assert out[1].split() == ["guest1", str(domid), "512", "50"], out
    check(m, f"{XL} sched-credit -d guest1 -w 128 -c 0")
    out = check(m, f"{XL} sched-credit").splitlines()
    assert out[0].startswith("Cpupool Pool-0: tslice=30ms"), out
    assert ["guest1", str(domid), "128", "0"] in [l.split() for l in out], out
    out = check(m, f"{XL} vcpu-list").splitlines()
    rows = {l.split()[0]: l.split() for l in out[1:]}
    assert rows["Domain-0"][-3:] == ["0", "/", "all"], out
    assert rows["guest1"][1:3] == [str(domid), "0"] and rows["guest1"][-3:] == ["1", "/", "all"], out

    # A second one with the same name is refused.
    status, out = run(m, f"{XL} create -e {DIR}/guest1.cfg")
    assert status != 0 and 'Domain with name "guest1" already exists' in out, out

    # Destroy: gone from the list and from xenstore, memory back.
    check(m, f"{XL} destroy guest1")
    out = check(m, f"{XL} list")
    assert not any(l.split()[0] == "guest1" for l in out.splitlines()[1:]), out
    status, _ = run(m, f"{XL} domid guest1")
    assert status != 0
    assert free_memory(m) == free_before

    # The guest ran from its PVH entry on a CPU of its own: the test guest
    # reports through console_io, which tern logs with the domain's prefix.
    # As a domU it gets Xen's answers for an unprivileged domain (the
    # command line masked, the build id refused) and says SUCCESS.
    dmesg = check(m, f"{XL} dmesg")
    results = re.findall(rf"^\(tern\) \(d{domid}\) Test result: (.*)$", dmesg, re.M)
    assert results == ["SUCCESS"], dmesg[-4000:]
    assert f"(d{domid}) XENVER_version: 4.17" in dmesg, dmesg
    assert f"(d{domid}) commandline: rc 0 '<denied>'" in dmesg, dmesg


def test_one_pcpu_refuses_domus(machine, tmp_path):
    """With one pCPU, dom0's, xl create fails at once and says why."""
    m = dom0_with_guests(machine, tmp_path, smp=1)
    start_xenstored(m)
    status, out = run(m, f"{XL} create -e {DIR}/guest1.cfg")
    assert status != 0, out
    assert "dom0 owns every pCPU of this machine" in out, out
    assert "guest1" not in check(m, f"{XL} list"), "a half-built domain was left behind"


def test_weight_and_cap_shares(machine, tmp_path):
    """Two CPU-bound guests pinned to pCPU 1 share it 2:1 by weight 512:256;
    alone with cap 25 one runs a quarter of the time and the pCPU idles."""
    m = dom0_with_guests(machine, tmp_path)
    start_xenstored(m)
    check(m, f"{XL} create -e {DIR}/spin.cfg 'name=\"heavy\"' cpu_weight=512")
    check(m, f"{XL} create -e {DIR}/spin.cfg 'name=\"light\"'")
    time.sleep(1)
    elapsed, gained = cpu_seconds_over(m, 6)
    heavy, light = gained["heavy"], gained["light"]
    assert heavy + light >= 0.8 * elapsed, (elapsed, gained)
    assert 1.6 <= heavy / light <= 2.5, (elapsed, gained)

    check(m, f"{XL} destroy light")
    check(m, f"{XL} sched-credit -d heavy -c 25")
    time.sleep(1)
    elapsed, gained = cpu_seconds_over(m, 6)
    assert 0.17 <= gained["heavy"] / elapsed <= 0.33, (elapsed, gained)
    # Uncapped again, it has the pCPU to itself.
    check(m, f"{XL} sched-credit -d heavy -c 0")
    time.sleep(1)
    elapsed, gained = cpu_seconds_over(m, 4)
    assert gained["heavy"] >= 0.8 * elapsed, (elapsed, gained)
    check(m, f"{XL} destroy heavy")


def test_triple_fault_crashes_only_that_domain(machine, tmp_path):
    """A guest whose CPU shuts down (triple fault) is stopped alone and kept
    per on_crash="preserve", shown crashed; dom0 and tern go on."""
    m = dom0_with_guests(machine, tmp_path)
    start_xenstored(m)
    check(m, f"{XL} create {DIR}/spin.cfg 'name=\"faulty\"' 'cmdline=\"triple-fault\"' "
             "'on_crash=\"preserve\"'")
    state = ""
    for _ in range(120):
        line = [l for l in check(m, f"{XL} list").splitlines() if l.startswith("faulty ")]
        state = line[0].split()[4] if line else ""
        if "c" in state:
            break
        time.sleep(1)
    assert state == "---sc-", check(m, f"{XL} list")
    log = check(m, f"{XL} dmesg")
    assert "(d1) faulting" in log, log[-2000:]
    assert re.search(r"d1v0: triple fault", log), log[-2000:]
    check(m, f"{XL} destroy faulty")
    assert "faulty" not in check(m, f"{XL} list")


def test_failed_vmrun_stops_only_that_domain(machine, tmp_path):
    """A guest that loads CR0 with NW set and CD clear: a CPU gives it #GP
    (the guest then reports an unexpected exception); QEMU takes the value
    and the next VMRUN fails. tern must name the broken rule and stop that
    domain alone; dom0 and tern go on."""
    m = dom0_with_guests(machine, tmp_path)
    start_xenstored(m)
    check(m, f"{XL} create {DIR}/spin.cfg 'name=\"badcr0\"' 'cmdline=\"bad-cr0\"' "
             "'on_crash=\"preserve\"'")
    log = ""
    for _ in range(120):
        log = check(m, f"{XL} dmesg")
        if "Domain 1 (domU) crashed" in log or "(d1) Test result" in log:
            break
        time.sleep(1)
    assert "(d1) loading CR0" in log, log[-2000:]
    if "(d1) Test result" not in log:
        assert "d1v0: VMRUN refused the guest state: CR0.NW set with CR0.CD clear" in log, \
            log[-2000:]
        state = [l for l in check(m, f"{XL} list").splitlines() if l.startswith("badcr0 ")]
        assert state and state[0].split()[4] == "---sc-", check(m, f"{XL} list")
    else:
        assert "(d1) ERROR: unexpected exception #GP" in log, log[-2000:]
    check(m, f"{XL} destroy badcr0")
    check(m, f"{XL} info >/dev/null")
    assert not re.search(r"Panic on CPU|FATAL TRAP", check(m, f"{XL} dmesg"))
