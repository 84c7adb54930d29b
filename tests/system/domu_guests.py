"""Running test guests (tests/guests/<name>) as unprivileged domUs.

A guest that has a `domu.cfg` (an xl.cfg fragment, possibly empty) is a domU
test: dom0 boots once with every such guest under /root/guests, and each is
created with `xl create` from a config made of the defaults below plus its
fragment. A domU's console_io output reaches tern's console with a "(dN) "
prefix, so its result line is read back with `xl dmesg`. Unless its
`domu.cfg` says "# also as the initial domain", such a guest runs only as a
domU (tests/system/test_guests.py skips it). A guest whose `domu.cfg` says
"# instances: N" runs as N domUs at once (all created paused, then unpaused
together; with `cpus = "1"` they share a pCPU), for tests of what one domain
may see of another; each must succeed. A guest whose `domu.cfg` says "# driven
by its own system test" does its part only when that test drives it (as
tlb_shootdown for test_memory.py), so test_domu_guests.py leaves it out.

Used by test_domu_guests.py and by any test that needs a guest in a domU."""

import glob
import os
import re
import time

from dom0 import CONSOLE_NONE, TOOLS_IMAGE, XL, boot, check, run, start_xenstored
from initial_domain_guest import GUEST_DIR as GUEST_BIN, RESULT, TERN_DIED
from qemu import ROOT, TIMEOUT_SCALE

GUEST_SRC = os.path.join(ROOT, "tests", "guests")
GUEST_DIR = "/root/guests"
ALSO_DOM0 = "# also as the initial domain"
# A guest that does its part only when a system test of its own drives it.
OWN_TEST = "# driven by its own system test"
INSTANCES = re.compile(r"^# instances: (\d+)$", re.M)
# What a live domU may hold beyond its RAM: its nested page tables (their
# allowance, docs/design.md), vCPU and permission-map pages, the frame and
# grant tables, shared_info, with room for the MiB granularity of `xl info`.
DOMAIN_OVERHEAD_MIB = 2


def domu_fragment(name):
    """The guest's domu.cfg, or None if it is not a domU test."""
    path = os.path.join(GUEST_SRC, name, "domu.cfg")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return f.read()


def domu_guest_names():
    """The guests test_domu_guests.py runs: a domu.cfg without OWN_TEST."""
    names = (os.path.basename(os.path.dirname(p))
             for p in glob.glob(os.path.join(GUEST_SRC, "*", "domu.cfg")))
    return sorted(n for n in names if OWN_TEST not in domu_fragment(n).splitlines())


def runs_as_initial_domain(name):
    fragment = domu_fragment(name)
    return fragment is None or ALSO_DOM0 in fragment.splitlines()


def instances(name):
    """How many domUs of the guest run at once (its domu.cfg's "# instances: N")."""
    found = INSTANCES.search(domu_fragment(name) or "")
    return int(found.group(1)) if found else 1


def guest_config(name, cfg_name=None, cmdline="", extra=()):
    """An xl.cfg for guest `name` as a domU: 32 MiB, one vCPU, kept after it
    powers off (so its id still names it when the test looks it up; the
    test destroys it) and after a crash (which stays visible), then the
    guest's own fragment, then `extra` lines (later keys win)."""
    lines = [f'name = "{cfg_name or name}"', 'type = "pvh"',
             f'kernel = "{GUEST_DIR}/{name}.elf"', "memory = 32", "vcpus = 1",
             'on_poweroff = "preserve"', 'on_crash = "preserve"']
    if cmdline:
        lines.append(f'cmdline = "{cmdline}"')
    lines += (domu_fragment(name) or "").splitlines()
    lines += list(extra)
    return "\n".join(lines) + "\n"


def guest_files(names):
    """The guests' ELFs and configs as files for dom0's initramfs
    (/root/guests/<name>.elf and .cfg; dom0.image_with, dom0.boot)."""
    files = {}
    for name in names:
        elf = os.path.join(GUEST_BIN, name + ".elf")
        assert os.path.exists(elf), f"{elf} is missing: run `make guests`"
        with open(elf, "rb") as f:
            files[f"root/guests/{name}.elf"] = (0o100644, f.read())
        files[f"root/guests/{name}.cfg"] = (0o100644, guest_config(name).encode())
    return files


def boot_dom0_for(machine, tmp_path, names, files=None, smp=2, memory="1G",
                  dom0_mem="256M", console=CONSOLE_NONE, **boot_args):
    """Boots tern and dom0 with the guests' ELFs (and their configs, as
    /root/guests/<name>.cfg) plus any other `files`, and starts xenstored.
    `console` and `boot_args` go to dom0.boot (dom0_args, extra_args...)."""
    files = {**(files or {}), **guest_files(names)}
    m = boot(machine, TOOLS_IMAGE, dom0_mem=dom0_mem, memory=memory, smp=smp,
             console=console, files=files, tmp_path=tmp_path, **boot_args)
    start_xenstored(m)
    return m


def create(m, cfg_path, *overrides):
    """`xl create` a config (with key=value overrides); returns the domid."""
    args = " ".join(f"'{o}'" for o in overrides)
    status, out = run(m, f"{XL} create {cfg_path} {args}")
    assert status == 0, f"xl create {cfg_path} failed:\n{out}"
    name = re.search(r'^name = "([^"]+)"', check(m, f"cat {cfg_path}"), re.M).group(1)
    for o in overrides:
        if o.startswith("name="):
            name = o.split("=", 1)[1].strip('"')
    return int(check(m, f"{XL} domid {name}").strip())


def wait_line(m, domid, pattern, timeout=300):
    """Waits for a line of domain `domid`'s in `xl dmesg` that matches
    pattern; returns (the match, the domain's lines). A domain that tern
    stopped (crashed) first fails at once, with tern's lines about it."""
    prefix = f"(d{domid}) "
    deadline = time.monotonic() + timeout * TIMEOUT_SCALE
    while True:
        log = check(m, f"{XL} dmesg")
        lines = [l[l.index(prefix) + len(prefix):] for l in log.splitlines() if prefix in l]
        for line in lines:
            found = re.match(pattern, line)
            if found:
                return found, "\n".join(lines)
        crashed = re.findall(rf"^.*(?:d{domid}v\d+|Domain {domid} ).*$", log, re.M)
        assert not any("crashed" in l for l in crashed), \
            f"d{domid} was stopped by tern:\n" + "\n".join(crashed[-20:] + lines[-20:])
        assert time.monotonic() < deadline, \
            f"d{domid} printed no /{pattern}/; its lines:\n" + "\n".join(lines[-40:])
        time.sleep(1)


def wait_result(m, domid, timeout=300):
    """Waits for domain `domid`'s "Test result:" line in `xl dmesg`; returns
    (outcome, reason, the domain's lines)."""
    result, lines = wait_line(m, domid, RESULT, timeout)
    return result.group(1), result.group(2).strip(), lines


def unpause_and_wait_result(m, domid, timeout=300):
    """Unpauses domain `domid` (created paused) and waits for its result on
    tern's console, for a guest that prints while dom0's shell shares the
    serial line with tern: tern prints a domU's lines from the domU's pCPU,
    character against character with dom0's, so the shell stays quiet from
    the unpause (a second after its prompt) until the guest has stopped.
    Returns (outcome, reason, the console since)."""
    start = len(m.output)
    check(m, f"(sleep 1; {XL} unpause {domid}) >/dev/null 2>&1 & sleep 0")
    result = m.wait_for(rf"^\(tern\) \(d{domid}\) {RESULT}", start=start, timeout=timeout)
    m.wait_for(rf"^\(tern\) Domain {domid} shut down", start=start)
    return result.group(1), result.group(2).strip(), m.output[start:]


def assert_host_healthy(m):
    """tern and dom0 are still fine: dom0's shell answers, `xl info` works
    and tern printed no fatal error."""
    check(m, f"{XL} info >/dev/null && echo alive")
    log = check(m, f"{XL} dmesg")
    assert not TERN_DIED.search(log), log[-3000:]


def free_memory(m):
    """`xl info free_memory` in MiB: the last number that ends a line (under
    load a piece of the shell's prompt may come before it, or a line of
    other output after it)."""
    out = check(m, f"{XL} info free_memory")
    found = re.findall(r"(\d+)\s*$", out, re.M)
    assert found, f"no number in `xl info free_memory`:\n{out}"
    return int(found[-1])


def listed_memory(m, domid):
    """The domain's RAM in MiB as `xl list` shows it, or None once it is gone."""
    status, out = run(m, f"{XL} list {domid}")
    if status != 0:
        return None
    return int(re.search(rf"^\S+\s+{domid}\s+(\d+)\s", out, re.M).group(1))


def release(m, domids, free_before):
    """While the domains are still there (preserved after they stopped) the
    host has lent each its RAM and at most DOMAIN_OVERHEAD_MIB more; once
    destroyed, every page is back (within the MiB that dom0's own page
    tables may keep for a moment)."""
    live = [(d, ram) for d in domids if (ram := listed_memory(m, d)) is not None]
    if live:
        used = free_before - free_memory(m)
        allowed = sum(ram + DOMAIN_OVERHEAD_MIB for _, ram in live)
        assert used <= allowed, \
            f"{', '.join(f'd{d}' for d, _ in live)} hold {used} MiB of host memory, " \
            f"more than their RAM and overhead ({allowed} MiB)"
        for domid, _ in live:
            run(m, f"{XL} destroy {domid}")
    deadline = time.monotonic() + 120 * TIMEOUT_SCALE
    for domid in domids:
        while listed_memory(m, domid) is not None:
            assert time.monotonic() < deadline, f"d{domid} is still listed"
            time.sleep(1)
    free_after = free_memory(m)
    assert free_before - 1 <= free_after <= free_before, \
        f"free memory {free_before} MiB before {domids}, {free_after} MiB after their destroy"


SEVERITY = ["SUCCESS", "SKIP", "ERROR", "FAILURE"]


def run_guest(m, name, *overrides, timeout=300):
    """Creates guest `name` from its config (as many domUs as its
    instances), waits for their results, checks the host is fine and, once
    the domains are gone, has all their memory back; returns (the most
    severe outcome, its reason, every instance's console lines)."""
    free_before = free_memory(m)
    count = instances(name)
    names = [[]] if count == 1 else [[f'name="{name}-{i}"'] for i in range(count)]
    # Paused until all exist, so instances that share a pCPU run side by side.
    domids = [create(m, f"{GUEST_DIR}/{name}.cfg", "-p", *n, *overrides) for n in names]
    for domid in domids:
        check(m, f"{XL} unpause {domid}")
    results = [wait_result(m, domid, timeout) for domid in domids]
    assert_host_healthy(m)
    release(m, domids, free_before)
    outcome, reason, _ = max(results, key=lambda r: SEVERITY.index(r[0]))
    return outcome, reason, "\n".join(f"d{d}: {r[2]}" for d, r in zip(domids, results))
