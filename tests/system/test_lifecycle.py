"""A domU's life on tern (issue 6), with the dom0 image's sample guest
(Debian's kernel as a PVH domU, build/images/dom0.cpio.gz): it runs with two
vCPUs, its timers tick; `xl shutdown` is a request the guest honours by
powering itself off; two domUs run at
once; one that crashes is handled per its on_crash while the other keeps
running; free memory comes back each time.

The guests' consoles are logged by xenconsoled (--log=guest in the image's
/etc/default/xencommons) under /var/log/xen/console/guest-<name>.log."""

import re
import time

from dom0 import check, cpu_seconds_over, free_memory, run
from domu_shell import BOOT_TIMEOUT, hang_report, wait_log
from test_console import ESCAPE, dom0, wait_prompt

DOMU_UP = "TERN-DOMU: userspace up"


def memory_back(m, free0):
    """Free memory is where it was, give or take the page-table pages dom0's
    nested page table kept from mapping the guest's rings (under 1 MiB)."""
    free = free_memory(m)
    assert free0 - 1 <= free <= free0, (free0, free)


# The sample guest boots from its disk, which only one guest may use at a
# time: guests that run side by side keep to their initramfs.
DISKLESS = ('disk=[]', 'root=""')


def create(m, name, *overrides):
    args = " ".join([f"'name=\"{name}\"'"] + [f"'{o}'" for o in overrides])
    check(m, f"xl create /etc/xen/sample.cfg {args}")


def wait_userspace(m, name, line=DOMU_UP, count=1):
    """Waits (inside dom0) for the count-th line in the guest's console log,
    and checks there is no more (a guest that booted again is a failure)."""
    got = wait_log(m, name, line, count, timeout=BOOT_TIMEOUT)
    assert got == count, f"{name}: '{line}' {got} times, not {count}:\n" + hang_report(m, name)


def console_command(m, name, command):
    """Types command into the guest's shell through `xl console`, waits for
    the shell to run it, and detaches (^] alone, as test_console.py does)."""
    start = len(m.output)
    m.send(f"xl console {name}\n")
    time.sleep(2)
    m.send(f"\n{command}\necho CONSOLE-$((6*7))\n")
    m.wait_for(r"^CONSOLE-42", start=start, timeout=120)
    start = len(m.output)
    m.send(ESCAPE)
    time.sleep(2)
    wait_prompt(m, start)


def listed(m, name):
    """The `xl list` line of a domain, or None."""
    status, out = run(m, f"xl list {name}")
    lines = [l for l in out.splitlines() if l.startswith(name + " ")]
    return lines[0] if status == 0 and lines else None


def wait_gone(m, name):
    """Waits for xl's watcher to carry out on_poweroff="destroy"."""
    for _ in range(120):
        if listed(m, name) is None:
            return
        check(m, "sleep 1")
    assert listed(m, name) is None, check(m, "xl list")


def test_xl_shutdown_makes_the_guest_power_itself_off(shared_dom0):
    m = shared_dom0
    free0 = free_memory(m)
    # Two vCPUs on dom0's one spare pCPU: the AP starts with INIT/STARTUP
    # through its local APIC, and Linux's PV spinlocks use SCHEDOP_poll.
    create(m, "sample", "vcpus=2")
    wait_userspace(m, "sample")
    assert free_memory(m) <= free0 - 128
    log = check(m, "cat /var/log/xen/console/guest-sample.log")
    assert "smp: Brought up 1 node, 2 CPUs" in log, log[-3000:]
    vcpus = [l for l in check(m, "xl vcpu-list sample").splitlines() if l.startswith("sample ")]
    assert len(vcpus) == 2, vcpus
    # Its timers run: a sleep in its init returns.
    wait_userspace(m, "sample", "TERN-DOMU: timers work")
    # xenstored restarts under it (unlike Xen's): the guest's ring is
    # re-attached, so the shutdown request below still reaches it.
    check(m, "/etc/init.d/xencommons restart")
    out = check(m, "xl shutdown -w sample", timeout=600)
    assert "Waiting for 1 domains" in out, out
    assert re.search(r"Domain \d+ has been (shut down, reason code 0|destroyed)", out), out
    wait_gone(m, "sample")
    log = check(m, "cat /var/log/xen/console/guest-sample.log")
    assert re.search(r"reboot: (Power down|System halted)", log), log[-3000:]
    memory_back(m, free0)


def test_two_domus_one_crashes_the_other_keeps_running(shared_dom0):
    m = shared_dom0
    free0 = free_memory(m)
    create(m, "keeper", 'on_crash="preserve"', *DISKLESS)
    create(m, "other", *DISKLESS)
    wait_userspace(m, "keeper")
    wait_userspace(m, "other")
    assert listed(m, "keeper") and listed(m, "other")
    uptime = check(m, "xl uptime")
    assert re.search(r"^keeper\s+\d+\s+\d+:\d\d:\d\d$", uptime, re.M), uptime
    # Paused, a guest is shown so and gets no CPU: with a busy loop in it, its
    # CPU time grows while it runs, stands still while paused (pausing waits
    # for its vCPU to stop), and grows again once unpaused.
    console_command(m, "other", "(while :; do :; done) &")
    elapsed, gained = cpu_seconds_over(m, 3)
    assert gained["other"] >= 0.5 * elapsed, (elapsed, gained)
    check(m, "xl pause other")
    assert listed(m, "other").split()[4][2] == "p", check(m, "xl list")
    elapsed, gained = cpu_seconds_over(m, 3)
    assert gained["other"] == 0, (elapsed, gained)
    check(m, "xl unpause other")
    assert listed(m, "other").split()[4][2] == "-", check(m, "xl list")
    elapsed, gained = cpu_seconds_over(m, 3)
    assert gained["other"] >= 0.5 * elapsed, (elapsed, gained)

    # SysRq c makes the guest kernel panic: Linux reports a crash to Xen.
    check(m, "xl sysrq keeper c")
    state = None
    for _ in range(300):
        line = listed(m, "keeper")
        state = line.split()[4] if line else None
        if state and "c" in state:
            break
        check(m, "sleep 1")
    assert state and "c" in state, f"keeper not shown as crashed: {check(m, 'xl list')}"
    log = check(m, "cat /var/log/xen/console/guest-keeper.log")
    assert "Kernel panic" in log or "sysrq: Trigger a crash" in log, log[-3000:]

    # The other guest did not notice: it still honours a shutdown request
    # (-a asks every guest that is not already shut down).
    out = check(m, "xl shutdown -a -w", timeout=600)
    assert "Waiting for 1 domains" in out, out
    assert re.search(r"Domain \d+ has been (shut down|destroyed)", out), out
    wait_gone(m, "other")
    # on_crash="preserve" keeps the crashed one until it is destroyed.
    assert listed(m, "keeper")
    check(m, "xl destroy keeper")
    assert listed(m, "keeper") is None
    memory_back(m, free0)


def test_xl_reboot_restarts_the_guest(shared_dom0):
    """`xl reboot`: the guest reboots itself (SCHEDOP_shutdown reboot) and
    xl's watcher builds it again per on_reboot="restart", with a new id."""
    m = shared_dom0
    # -p: built paused; it runs once unpaused.
    check(m, "xl create -p /etc/xen/sample.cfg")
    assert listed(m, "sample").split()[4][2] == "p", check(m, "xl list")
    check(m, "xl unpause sample")
    wait_userspace(m, "sample")
    first = check(m, "xl domid sample")
    check(m, "xl reboot sample")
    wait_userspace(m, "sample", count=2)
    second = check(m, "xl domid sample")
    assert second != first, (first, second)
    assert len([l for l in check(m, "xl list").splitlines() if l.startswith("sample ")]) == 1
    check(m, "xl destroy sample")



def test_both_event_channel_abis(machine):
    """Linux uses Xen's FIFO event-channel ABI when it is offered (every other
    test runs that way); with xen.fifo_events=0 it keeps the 2-level one. A
    dom0 on 2-level runs a guest on each ABI: both reach userspace and obey
    `xl shutdown` (xenstore, console and VIRQs: events both ways)."""
    m = dom0(machine, kernel_args="xen.fifo_events=0")
    assert "xen:events: Using 2-level ABI" in m.output, "dom0 did not take the 2-level ABI"
    free0 = free_memory(m)
    create(m, "twolevel", *DISKLESS, 'extra="console=hvc0 xen.fifo_events=0"')
    create(m, "fifo", *DISKLESS)
    wait_userspace(m, "twolevel")
    wait_userspace(m, "fifo")
    wait_userspace(m, "twolevel", "xen:events: Using 2-level ABI")
    wait_userspace(m, "fifo", "xen:events: Using FIFO-based ABI")
    out = check(m, "xl shutdown -a -w", timeout=600)
    assert "Waiting for 2 domains" in out, out
    wait_gone(m, "twolevel")
    wait_gone(m, "fifo")
    memory_back(m, free0)
