"""xl's commands on a running guest's memory and name, and xentop, with the
sample guest (Debian's kernel): `xl mem-max` and `xl mem-set` with Xen's
checks, the guest's balloon driver shrinking and growing it to
memory/target (XENMEM_decrease_reservation and populate_physmap), `xl
rename`, `xentop -b` in xentop's format with CPU(%) between samples, and
`xl top`'s screen."""

import re

from dom0 import PROMPT, check, run
from domu_guests import free_memory, listed_memory
from test_lifecycle import DISKLESS, create, wait_userspace
from test_vcpus import in_guest

XENTOP_HEADER = ("      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) "
                 "VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  "
                 "VBD_WSECT SSID")
XENTOP_FIELDS = ["name", "state", "cpu_s", "cpu_pct", "mem_k", "mem_pct", "maxmem_k",
                 "maxmem_pct", "vcpus", "nets", "nettx", "netrx", "vbds", "vbd_oo", "vbd_rd",
                 "vbd_wr", "vbd_rsect", "vbd_wsect", "ssid"]


def domid(m, name):
    return int(check(m, f"xl domid {name}"))


def balloon_target_kb(m, name):
    return int(in_guest(m, name, "cat /sys/devices/system/xen_memory/xen_memory0/target_kb"))


def test_mem_max_mem_set_and_rename(shared_dom0):
    m = shared_dom0
    create(m, "mem", "memory=128", *DISKLESS)
    wait_userspace(m, "mem")
    d = domid(m, "mem")
    target0 = balloon_target_kb(m, "mem")

    # static-max is the config's 128 MiB: the target may not pass it.
    status, out = run(m, "xl mem-set mem 256")
    assert status == 1, out
    assert "memory_dynamic_max must be less than or equal to memory_static_max" in out, out
    assert out.endswith(f"cannot set domid {d} dynamic max memory to : 256"), out
    # Raised, it may; mem-max may not go below the target.
    check(m, "xl mem-max mem 256m")
    status, out = run(m, "xl mem-max mem 64")
    assert status == 1 and "memory_static_max must be greater than or or equal to " \
        "memory_dynamic_max" in out and \
        out.endswith(f"cannot set domid {d} static max memory to : 64"), out
    # A higher target reaches the guest's balloon driver (memory/target).
    check(m, "xl mem-set mem 192")
    for _ in range(60):
        if balloon_target_kb(m, "mem") == target0 + 64 * 1024:
            break
        check(m, "sleep 1")
    assert balloon_target_kb(m, "mem") == target0 + 64 * 1024
    for bad in ("12x", "1.5g", "-5", "99999999999999999999t"):
        status, out = run(m, f"xl mem-set mem {bad}")
        assert status == 1 and out == f"invalid memory size: {bad}", out
    status, out = run(m, "xl mem-max 0 1g")
    assert status == 1 and "Domain-0's memory is fixed at boot" in out, out

    # rename: the new name finds it, the old one no more; names in use are refused.
    check(m, "xl rename mem big")
    assert domid(m, "big") == d
    status, out = run(m, "xl list mem")
    assert status == 1 and out == "mem is an invalid domain identifier (rc=-6)", out
    assert re.search(r"^big\s+%d\s" % d, check(m, "xl list"), re.M)
    status, out = run(m, "xl rename big Domain-0")
    assert status == 1 and 'Domain with name "Domain-0" already exists.' in out and \
        out.endswith("Can't rename domain 'big'."), out
    # The new name outlives a reboot (on_reboot="restart" builds it again).
    check(m, "xl reboot big")
    wait_userspace(m, "big")
    assert domid(m, "big") != d
    check(m, "xl destroy big")


def balloon_kb(m, name, what):
    """What the guest's balloon driver says it has: current_kb or target_kb."""
    info = "info/" if what == "current_kb" else ""
    return int(in_guest(m, name, f"cat /sys/devices/system/xen_memory/xen_memory0/{info}{what}"))


def mem_total_kb(m, name):
    out = in_guest(m, name, "grep MemTotal /proc/meminfo")
    return int(re.search(r"MemTotal:\s+(\d+) kB", out).group(1))


def wait_listed(m, name, d, want_mib, tries=300):
    """Waits until `xl list` shows the guest with want_mib (its balloon at
    work), watched from dom0 so that a guest that stops is seen at once (the
    sample config destroys one that crashed)."""
    log = f"/var/log/xen/console/guest-{name}.log"
    for _ in range(tries):
        listed = listed_memory(m, d)
        assert listed is not None, f"{name} is gone; its console:\n" + \
            check(m, f"tail -c 4000 {log} | tr -cd '\\n -~'") + \
            "\ntern:\n" + run(m, "xl dmesg | tail -n 20")[1]
        if listed == want_mib:
            return
        check(m, "sleep 2")
    raise AssertionError(f"{name}: {listed} MiB, not {want_mib} MiB; tern:\n" +
                         run(m, "xl dmesg | tail -n 20")[1])


def test_mem_set_shrinks_and_grows_a_running_guest(shared_dom0):
    m = shared_dom0
    create(m, "bal", "memory=128", *DISKLESS)
    wait_userspace(m, "bal")
    d = domid(m, "bal")
    current0, total0 = balloon_kb(m, "bal", "current_kb"), mem_total_kb(m, "bal")
    free0 = free_memory(m)
    assert listed_memory(m, d) == 128

    # 32 MiB less (its initramfs leaves it about 45 MiB free, and a guest
    # whose balloon takes all of it has its init killed for memory): its
    # balloon gives them back, and they are the host's again.
    check(m, "xl mem-set bal 96")
    wait_listed(m, "bal", d, 96)
    assert balloon_kb(m, "bal", "current_kb") == current0 - 32 * 1024
    assert 31 <= free_memory(m) - free0 <= 33, (free0, free_memory(m))
    assert total0 - mem_total_kb(m, "bal") == 32 * 1024
    # The guest lives on, and what it has still works.
    assert in_guest(m, "bal", "echo $((6 * 7))") == "42"

    # Back to 128 MiB: it populates what it gave back.
    check(m, "xl mem-set bal 128")
    wait_listed(m, "bal", d, 128)
    assert balloon_kb(m, "bal", "current_kb") == current0
    assert -1 <= free_memory(m) - free0 <= 1, (free0, free_memory(m))
    assert mem_total_kb(m, "bal") == total0
    check(m, "xl destroy bal")
    assert -1 <= free_memory(m) - (free0 + 128) <= 1


def xentop_rows(out):
    """xentop -b's iterations, each {name: {field: value}}."""
    runs = []
    for line in out.splitlines():
        if line == XENTOP_HEADER:
            runs.append({})
            continue
        values = line.replace("no limit", "no-limit").split()
        assert runs and len(values) == len(XENTOP_FIELDS), f"bad xentop line {line!r}"
        runs[-1][values[0]] = dict(zip(XENTOP_FIELDS, values))
    return runs


def test_xentop_batch_and_xl_top(shared_dom0):
    m = shared_dom0
    create(m, "busy", "vcpus=1")
    wait_userspace(m, "busy")
    in_guest(m, "busy", "(while :; do :; done) &")
    runs = xentop_rows(check(m, "xentop -b -i 2 -d 2"))
    assert len(runs) == 2 and set(runs[0]) == set(runs[1]) == {"Domain-0", "busy"}, runs
    first, second = runs[0]["busy"], runs[1]["busy"]
    # CPU(%) needs two samples: 0.0 first, then the busy guest has its pCPU.
    assert first["cpu_pct"] == "0.0" and 50 < float(second["cpu_pct"]) <= 101, runs
    assert second["state"] in ("-----r", "--b---", "------"), second
    assert int(second["mem_k"]) == 128 * 1024 and second["vcpus"] == "1", second
    # The sample guest's disk is one VBD and its vif one NET; tern-blkback
    # keeps no request counters.
    assert (second["nets"], second["vbds"], second["vbd_rd"]) == ("1", "1", "0"), second
    assert int(second["cpu_s"]) >= int(first["cpu_s"])
    assert runs[1]["Domain-0"]["state"] == "-----r", runs
    status, out = run(m, "xentop -b -i x")
    assert status == 1 and out == "xentop: -i wants a whole number above 0, not `x'", out

    # xl top: xentop's screen on dom0's console, until q.
    start = len(m.output)
    m.send("xl top\n")
    m.wait_for(r"xentop - \d\d:\d\d:\d\d   Xen 4\.17", start=start, whole_lines=False)
    m.wait_for(r"2 domains: \d running, \d blocked, 0 paused, 0 crashed, 0 dying, 0 shutdown",
               start=start, whole_lines=False)
    m.send("q")
    m.wait_for(PROMPT, start=len(m.output) - 200, whole_lines=False)
    check(m, "xl destroy busy")
