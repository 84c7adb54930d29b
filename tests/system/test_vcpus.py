"""A domU's vCPUs on tern, judged by Debian's kernel in the sample guest:
`xl vcpu-set` takes a vCPU away and gives it back through xenstore's
cpu/N/availability and the guest's own xenbus handler (Linux offlines the
vCPU, which halts with interrupts off; it brings it back with INIT and
STARTUP through its local APIC, which it moved from xAPIC to x2APIC mode
at boot); `xl vcpu-pin` sets hard and soft affinity
and the scheduler follows them; the guest's steal time (/proc/stat) counts
the time it waits for its pCPU, from the runstate area tern keeps.

Commands run in the guest are typed at its console's shell through `xl
console`, and their output read back from the console log xenconsoled
keeps (in_guest)."""

import itertools
import re
import shlex

from dom0 import check, run
from domu_shell import tern_dump
from test_console import dom0
from test_lifecycle import DISKLESS, DOMU_UP, create, wait_userspace

VCPU_HEADER = ("Name                                ID  VCPU   CPU State   Time(s) "
               "Affinity (Hard / Soft)")
# Xen's row: "%-32s %5u %5u" then "%5u %3c%c- " (online) or "    -   --p ",
# then "%9.1f  " and the hard and soft maps.
VCPU_ROW = re.compile(r"^(?P<name>.{32}) (?P<id>[ \d]{5}) (?P<vcpu>[ \d]{5}) "
                      r"(?P<cpu>[ \d]{4}\d|    -) (?P<state>  [r-][b-]-|  --p) "
                      r"(?P<time>[ \d]{7}\.\d)  (?P<hard>\S+) / (?P<soft>\S+)$")

GUEST_PROMPT = "/ # "
TIMERS_UP = "TERN-DOMU: timers work"
_tags = itertools.count(1000)


def in_guest(m, name, command, timeout=600):
    """Runs a shell command in the guest, typed at its console's shell through
    `xl console` (detached by Ctrl-], sent a second later so it arrives as a
    read of its own, as xl wants the escape), and returns what it
    printed, read back from the guest's console log. The markers around it
    are typed on lines of their own and computed by the guest's shell, so
    the echo of the typed lines never matches them. Only the lines between them come back to dom0's serial
    console: the rest of the log holds the guest shell's terminal queries,
    which must not reach dom0's."""
    tag = next(_tags)
    begin, end = f"@@{tag * 2}@@", f"@@{tag * 2 + 1}@@"
    line = f"echo @@$(({tag}*2))@@\n{command}\necho @@$(({tag}*2+1))@@"
    log = f"/var/log/xen/console/guest-{name}.log"
    # The guest's init prints its timer line two seconds after userspace is
    # up (once per boot): printed while a typed line is echoed, it would
    # split the echo into lines that look like output. Let it come first.
    run(m, f"i=0; until [ $(grep -c '{TIMERS_UP}' {log}) -ge $(grep -c '{DOMU_UP}' {log}) ]; "
           f"do i=$((i+1)); [ $i -gt 300 ] && break; sleep 0.2; done")
    check(m, f"{{ printf '%s\\n' {shlex.quote(line)}; sleep 1; printf '\\035'; }} | "
             f"xl console {name} >/dev/null")
    # (break, not exit: the loop runs in dom0's interactive shell.)
    status, _ = run(m, f"i=0; until grep -q '^{end}' {log}; do i=$((i+1)); "
                       f"[ $i -gt {timeout * 5} ] && break; sleep 0.2; done; "
                       f"grep -q '^{end}' {log}", timeout=2 * timeout)
    assert status == 0, f"{command!r}: no answer in the guest's console:\n" + \
        check(m, f"tail -c 3000 {log} | tr -cd '\\n -~'")
    lines = check(m, f"sed -n '/^{begin}/,/^{end}/p' {log} | tr -cd '\\n -~'").splitlines()
    # The shell's prompt and echo of the next typed line come in between, and
    # so may the guest init's own status lines, printed whenever their event
    # comes (a vif's DHCP lease: "TERN-NET: eth0 ...").
    return "\n".join(l for l in lines[1:-1]
                     if not l.startswith(GUEST_PROMPT) and not l.startswith("TERN-"))


def wait_online(m, name, want, tries=60):
    """Waits until the guest's /sys/devices/system/cpu/online reads want
    (the guest's hotplug handler works in the background)."""
    got = None
    for _ in range(tries):
        got = in_guest(m, name, "cat /sys/devices/system/cpu/online").strip()
        if got == want:
            return
        check(m, "sleep 1")
    assert got == want, f"{name}: CPUs online {got!r}, want {want!r}:\n" + \
        in_guest(m, name, "dmesg | grep -iE 'cpu|smp|segfault|xen' | tail -40")


def vcpus(m, name):
    """`xl vcpu-list <name>` in Xen's format, as a list of its rows' fields."""
    lines = check(m, f"xl vcpu-list {name}").splitlines()
    assert lines[0] == VCPU_HEADER, lines
    rows = []
    for line in lines[1:]:
        r = VCPU_ROW.match(line)
        assert r and r["name"].rstrip() == name, f"bad vcpu-list row {line!r}"
        rows.append({k: v.strip() for k, v in r.groupdict().items()})
    return rows


def xl_list_vcpus(m, name):
    line = [l for l in check(m, f"xl list {name}").splitlines() if l.startswith(name + " ")]
    return int(line[0].split()[3])


def test_vcpu_set_adds_a_vcpu_and_takes_it_away_again(shared_dom0):
    m = shared_dom0
    create(m, "hp", "vcpus=1", "maxvcpus=2", *DISKLESS)
    wait_userspace(m, "hp")
    # Linux started both (the MADT lists both), then its xenbus handler read
    # cpu/1/availability = offline and took vCPU 1 offline again.
    wait_online(m, "hp", "0")
    rows = vcpus(m, "hp")
    assert [(r["vcpu"], r["state"]) for r in rows][1] == ("1", "--p"), rows
    assert rows[0]["state"] in ("r--", "-b-") and rows[1]["cpu"] == "-", rows
    assert xl_list_vcpus(m, "hp") == 1

    check(m, "xl vcpu-set hp 2")
    wait_online(m, "hp", "0-1")
    rows = vcpus(m, "hp")
    assert all(r["state"] in ("r--", "-b-") and r["cpu"] == "1" for r in rows), rows
    assert xl_list_vcpus(m, "hp") == 2
    # Away again, and back once more: an offlined vCPU can come back.
    check(m, "xl vcpu-set hp 1")
    wait_online(m, "hp", "0")
    assert vcpus(m, "hp")[1]["state"] == "--p"
    check(m, "xl vcpu-set hp 2")
    wait_online(m, "hp", "0-1")
    # CPU 1, back a second time, has a timer: a sleep there returns. Its
    # timer port came back under the number of the one that went away and
    # was linked behind itself in the FIFO queue, so CPU 1 never had a timer
    # interrupt again (docs/design.md, "Event channels").
    out = in_guest(m, "hp", "taskset -c 1 sleep 1 && echo SLEPT-ON-CPU-$((0+1))", timeout=120)
    assert "SLEPT-ON-CPU-1" in out, out
    # The guest's own words for it: two hot adds and a removal.
    # (On a line of their own: the echo of a long typed line wraps.)
    out = in_guest(m, "hp", "echo UP=$(dmesg | grep -c 'Booting Node 0 Processor 1') "
                            "DOWN=$(dmesg | grep -c 'CPU 1 is now offline')")
    counts = re.search(r"^UP=(\d+) DOWN=(\d+)$", out, re.M)
    assert counts and int(counts[1]) >= 2 and int(counts[2]) >= 1, out

    # Xen's checks: more vCPUs than the host's two pCPUs, or than the domain has.
    status, out = run(m, "xl vcpu-set hp 3")
    assert status == 1 and out == "You are overcommmitting! You have 2 physical CPUs and " \
        "want 3 vCPUs! Aborting, use --ignore-host to continue", out
    status, out = run(m, "xl vcpu-set -i hp 3")
    assert status == 1 and "Requested 3 VCPUs, however maxcpus is 2!" in out and \
        "libxl_set_vcpuonline failed domid=" in out, out
    status, out = run(m, "xl vcpu-set hp 0")
    assert status == 1 and "Requested 0 VCPUs!" in out, out
    status, out = run(m, "xl vcpu-set hp two")
    assert status == 1 and out == "Error: Invalid argument.", out
    status, out = run(m, "xl vcpu-set -i nosuch 1")
    assert status == 1 and out == "nosuch is an invalid domain identifier (rc=-6)", out
    wait_online(m, "hp", "0-1")
    check(m, "xl destroy hp")


def test_vcpu_set_takes_a_boot_vcpu_away(shared_dom0):
    m = shared_dom0
    create(m, "hp", "vcpus=2", *DISKLESS)
    wait_userspace(m, "hp")
    wait_online(m, "hp", "0-1")
    assert xl_list_vcpus(m, "hp") == 2
    # What a guest that waits forever is looked at with (the failure report
    # of every guest wait, domu_shell.hang_report): the domU pCPU's loop and,
    # under the FIFO ABI, each of the guest's ports with its binding, last
    # queue and event word; port 2 is its xenstore channel.
    dump = tern_dump(m)
    assert re.search(r"^\(tern\) CPU1: (d\d+v[01] in a slice|no vCPU)", dump, re.M), dump
    assert re.search(r"^\(tern\)     port 2: interdomain v[01] \(last v[01]/7\) prio 7, "
                     r"word [P-][M-][L-][B-] link \d+$", dump, re.M), dump
    # Its local APICs started in xAPIC mode, as Xen starts PVH vCPUs, and
    # Linux moved them to x2APIC mode itself (not "enabled by BIOS").
    out = in_guest(m, "hp", "dmesg | grep -i x2apic")
    assert "x2apic enabled" in out and "enabled by BIOS" not in out, out
    check(m, "xl vcpu-set hp 1")
    wait_online(m, "hp", "0")
    rows = vcpus(m, "hp")
    assert rows[1]["state"] == "--p" and rows[1]["cpu"] == "-", rows
    assert xl_list_vcpus(m, "hp") == 1
    check(m, "xl vcpu-set hp 2")
    wait_online(m, "hp", "0-1")
    assert xl_list_vcpus(m, "hp") == 2
    check(m, "xl destroy hp")


def placement(m, name):
    """(pCPU of vCPU 0, pCPU of vCPU 1) as `xl vcpu-list` shows them."""
    rows = vcpus(m, name)
    return rows[0]["cpu"], rows[1]["cpu"]


def test_vcpu_pin_hard_and_soft_affinity(machine):
    """Three pCPUs: dom0's and two for a guest whose two vCPUs are busy.
    Each runs where its soft affinity says; swapped preferences swap them;
    a hard pin puts both on one pCPU, where their soft maps no longer
    count (libxl's warning says so)."""
    m = dom0(machine, smp=3)
    create(m, "pin", "vcpus=2", "cpus_soft=['1','2']", *DISKLESS)
    wait_userspace(m, "pin")
    rows = vcpus(m, "pin")
    assert [(r["hard"], r["soft"]) for r in rows] == [("1-2", "1"), ("1-2", "2")], rows
    in_guest(m, "pin", "for i in 1 2; do (while :; do :; done) & done")
    for _ in range(5):
        assert placement(m, "pin") == ("1", "2"), check(m, "xl vcpu-list pin")
        check(m, "sleep 1")
    check(m, "xl vcpu-pin pin 0 - 2 && xl vcpu-pin pin 1 - 1")
    rows = vcpus(m, "pin")
    assert [(r["hard"], r["soft"]) for r in rows] == [("1-2", "2"), ("1-2", "1")], rows
    check(m, "sleep 1")
    for _ in range(5):
        assert placement(m, "pin") == ("2", "1"), check(m, "xl vcpu-list pin")
        check(m, "sleep 1")
    # Both pinned to pCPU 1 and preferring 2: the preference has nothing left.
    status, out = run(m, "xl vcpu-pin pin all 1 2")
    assert status == 0, out
    for v in (0, 1):
        assert f"All cpus in soft affinity of vcpu {v} are unreachable. Only hard affinity " \
            "will be considered for scheduling" in out, out
    check(m, "sleep 1")
    rows = vcpus(m, "pin")
    assert [(r["cpu"], r["hard"], r["soft"]) for r in rows] == \
        [("1", "1", "2"), ("1", "1", "2")], rows
    # The hypervisor's refusals, in libxl's words.
    status, out = run(m, "xl vcpu-pin pin 2 1")
    assert status == 1 and "Setting vcpu affinity: Invalid argument" in out and \
        out.endswith("Could not set affinity for vcpu `2'."), out
    status, out = run(m, "xl vcpu-pin pin 0 0")
    assert status == 1 and out.endswith("Could not set affinity for vcpu `0'."), out
    status, out = run(m, "xl -N vcpu-pin pin 1 0-2 2")
    assert status == 0 and out == "cpumap: all 2", out
    check(m, "xl destroy pin")


def steal_share(m, name):
    """The share of the guest's CPU time over a few seconds that /proc/stat
    counts as stolen (Linux's steal clock: runnable and offline time in
    the runstate area tern keeps)."""
    out = in_guest(m, name, "head -1 /proc/stat; sleep 5; head -1 /proc/stat")
    lines = [l.split() for l in out.splitlines() if l.startswith("cpu ")]
    assert len(lines) == 2, out
    before, after = ([int(v) for v in l[1:9]] for l in lines)
    delta = [a - b for a, b in zip(after, before)]
    return delta[7] / sum(delta)  # steal is the eighth column


def test_steal_time_follows_a_shared_pcpu(shared_dom0):
    """Two CPU-bound guests on dom0's one spare pCPU: each waits for the
    other half the time, and its steal time says so; alone, a CPU-bound
    guest has nothing stolen."""
    m = shared_dom0
    create(m, "a", "vcpus=1", *DISKLESS)
    wait_userspace(m, "a")
    in_guest(m, "a", "(while :; do :; done) &")
    alone = steal_share(m, "a")
    assert alone < 0.05, f"a alone: {alone:.0%} stolen"
    create(m, "b", "vcpus=1", *DISKLESS)
    wait_userspace(m, "b")
    in_guest(m, "b", "(while :; do :; done) &")
    shared_a, shared_b = steal_share(m, "a"), steal_share(m, "b")
    assert shared_a > 0.25 and shared_b > 0.25, (shared_a, shared_b)
    check(m, "xl destroy b")
    check(m, "xl destroy a")
