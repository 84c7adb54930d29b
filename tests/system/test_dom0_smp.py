"""dom0 with several vCPUs (issue 15): dom0_max_vcpus=N on a machine of four
CPUs gives dom0 N vCPUs on pCPUs 0..N-1, which Linux starts with INIT and
STARTUP as on bare hardware and uses (nproc, a parallel job, IPIs between
them under load); the LAPIC guard still keeps every other pCPU out of its
reach; `xl vcpu-list Domain-0` lists them; domUs run on the pCPUs left.
One boot with two vCPUs and a domU, one with three."""

import os

import pytest

from dom0 import CONSOLE_NONE, TOOLS_IMAGE, XL, boot, check, start_xenstored
from test_domu import SPIN

DIR = "/root/domu"
# The spin guest with no `cpus`: it may run on any pCPU domUs may use.
SPIN_ANYWHERE_CFG = f"""name = "spin"
type = "pvh"
kernel = "{DIR}/spin.elf"
cmdline = "spin"
memory = 32
vcpus = 2
"""


def boot_smp(machine, tmp_path, dom0_vcpus):
    if not os.path.exists(SPIN):
        pytest.fail(f"{SPIN} is missing: run `make guests`")
    with open(SPIN, "rb") as f:
        files = {"root/domu/spin.elf": (0o100644, f.read()),
                 "root/domu/spin.cfg": (0o100644, SPIN_ANYWHERE_CFG.encode())}
    # tern's lines through `xl dmesg`: on COM1 they would race dom0's shell
    # there, now that a domU prints from another pCPU while dom0 runs.
    return boot(machine, TOOLS_IMAGE, memory="1G", smp=4, dom0_vcpus=dom0_vcpus,
                console=CONSOLE_NONE, dom0_args="iomem=relaxed", files=files,
                tmp_path=tmp_path)


def tern_log_count(m, text):
    """How many of tern's console lines (xl dmesg) contain text."""
    return int(check(m, f"{XL} dmesg | grep -cF '{text}' || true"))


def interrupts(m, name):
    """The per-CPU counts of /proc/interrupts line `name` (e.g. CAL, RES)."""
    for line in check(m, "cat /proc/interrupts").splitlines():
        fields = line.split()
        if fields and fields[0] == name + ":":
            return [int(x) for x in fields[1:] if x.isdigit()]
    raise AssertionError(f"no {name} line in /proc/interrupts")


def dom0_vcpu_list(m):
    """{vcpu: (cpu, affinity)} from `xl vcpu-list Domain-0`."""
    rows = {}
    for line in check(m, f"{XL} vcpu-list Domain-0").splitlines()[1:]:
        f = line.split()
        rows[int(f[2])] = (int(f[3]), f[6])
    return rows


def uses_its_cpus(m, n):
    """Linux started every vCPU tern gave it and runs work on all of them."""
    assert tern_log_count(m, f"dom0: {n} vCPUs on pCPUs 0-{n - 1} (dom0_max_vcpus)") == 1
    assert check(m, "nproc") == str(n)
    assert check(m, "cat /sys/devices/system/cpu/possible") == f"0-{n - 1}"
    assert check(m, "cat /sys/devices/system/cpu/online") == f"0-{n - 1}"
    # A parallel job: two busy loops per CPU, each saying it finished. In a
    # shell of its own: the console's interactive shell keeps no job table.
    before = interrupts(m, "CAL")
    out = check(m, f"sh -c 'for i in $(seq {2 * n}); do (i=0; while [ $i -lt 20000 ]; do "
                   "i=$((i+1)); done; echo done) & done; wait'", timeout=600)
    assert out.split() == ["done"] * (2 * n), out
    # IPIs under load: with a busy loop on every CPU, processes started on
    # each CPU in turn (each one a migration and wakeups across CPUs).
    check(m, f"sh -c 'pids=; for i in $(seq {n}); do (while :; do :; done) & pids=\"$pids $!\"; "
             f"done; for i in $(seq 60); do taskset -c $((i % {n})) true; done; kill $pids; "
             "wait; true'", timeout=600)
    after = interrupts(m, "CAL")
    assert len(after) == n, after
    assert all(a > b for a, b in zip(after, before)), (before, after)
    # Every vCPU on its own pCPU, pinned there.
    start_xenstored(m)
    rows = dom0_vcpu_list(m)
    assert rows == {i: (i, str(i)) for i in range(n)}, rows
    assert check(m, f"{XL} list Domain-0").splitlines()[1].split()[3] == str(n)
    # The machine still has its four pCPUs, whoever owns them.
    assert check(m, f"{XL} info nr_cpus") == "4"


def nmi_between_dom0_cpus_passes(m):
    """An NMI IPI from dom0's CPU 0 to its CPU 1 (APIC ID 1) passes the LAPIC
    guard and reaches Linux on CPU 1, through tern's NMI path there."""
    check(m, "taskset -c 0 sh -c 'devmem 0xfee00310 32 0x01000000; devmem 0xfee00300 32 0x00004400'")
    check(m, "sh -c 'for i in $(seq 50); do dmesg | grep -q \"NMI received for unknown reason "
             ".* on CPU 1\" && exit 0; sleep 0.2; done; exit 1'")


def tern_cpus_refused(m, n):
    """From each of dom0's CPUs, INIT and an NMI to a pCPU that is not
    dom0's are refused, and dom0 carries on."""
    for cpu in range(n):
        for icr_low in ("00004500", "00004400"):
            line = f"dom0: IPI to another CPU refused (ICR {n:02x}000000:{icr_low})"
            before = tern_log_count(m, line)
            check(m, f"taskset -c {cpu} sh -c 'devmem 0xfee00310 32 0x{n:02x}000000; "
                     f"devmem 0xfee00300 32 0x{icr_low}'")
            assert tern_log_count(m, line) == before + 1, (cpu, icr_low)
    assert check(m, "nproc") == str(n)


def test_dom0_with_two_vcpus_and_a_domu(machine, tmp_path):
    m = boot_smp(machine, tmp_path, 2)
    uses_its_cpus(m, 2)
    tern_cpus_refused(m, 2)
    nmi_between_dom0_cpus_passes(m)
    # A domU's two vCPUs run on pCPUs 2 and 3, never on dom0's.
    check(m, f"{XL} create {DIR}/spin.cfg")
    out = check(m, f"sleep 2; {XL} vcpu-list spin")
    rows = [line.split() for line in out.splitlines()[1:]]
    assert len(rows) == 2, out
    # An offline vCPU shows no CPU ("-"); the one that spins is on one.
    assert any(r[3] in ("2", "3") for r in rows), out
    for r in rows:
        assert r[3] in ("2", "3", "-") and r[6] == "2-3", out
    check(m, f"{XL} destroy spin")


def test_dom0_with_three_vcpus(machine, tmp_path):
    m = boot_smp(machine, tmp_path, 3)
    uses_its_cpus(m, 3)


def dom0_vcpu_states(m):
    """{vcpu: state column} from `xl vcpu-list Domain-0` ("--p" = offline)."""
    rows = {}
    for line in check(m, f"{XL} vcpu-list Domain-0").splitlines()[1:]:
        f = line.split()
        rows[int(f[2])] = f[4]
    return rows


# Linux's upcall vector (HYPERVISOR_CALLBACK_VECTOR), which it gives each
# CPU just before it starts it.
LINUX_UPCALL_VECTOR = 0xf3


def test_event_for_a_dom0_vcpu_not_started(machine, tmp_path):
    """dom0 with two vCPUs whose Linux starts only one (maxcpus=1): the other
    is offline until dom0 starts it. An event for it, once its upcall vector
    is known (as between Linux's preparing the CPU and starting it), raises
    no interrupt until the vCPU has enabled its LAPIC, as in Xen; then it
    does. Before, the vector reached tern's halted pCPU ("unexpected
    interrupt"), the event was lost and, its vcpu_info still saying an
    upcall was pending, no later event reached that vCPU; and the vCPU
    showed as online. With the 2-level event ABI: with FIFO, an event is
    queued only on a vCPU that has a control block, which Linux gives a CPU
    only when it prepares to start it."""
    m = boot(machine, TOOLS_IMAGE, memory="1G", smp=3, dom0_vcpus=2, console=CONSOLE_NONE,
             dom0_args="maxcpus=1 xen.fifo_events=0")
    assert check(m, "cat /sys/devices/system/cpu/online") == "0"
    start_xenstored(m)
    states = dom0_vcpu_states(m)
    assert states[1] == "--p" and states[0] != "--p", states
    assert check(m, f"{XL} list Domain-0").splitlines()[1].split()[3] == "1"
    out = check(m, f"/usr/lib/tern/tests/vcpuevent 1 {LINUX_UPCALL_VECTOR:#x}")
    assert out.startswith("vcpuevent: port "), out
    check(m, "sleep 1")
    assert tern_log_count(m, "unexpected interrupt") == 0
    check(m, "echo 1 > /sys/devices/system/cpu/cpu1/online")
    assert check(m, "cat /sys/devices/system/cpu/online") == "0-1"
    assert dom0_vcpu_states(m)[1] != "--p"
    # Its event-channel IPIs arrive: function calls from CPU 0 land on CPU 1.
    before = interrupts(m, "CAL")
    check(m, "sh -c 'for i in $(seq 30); do taskset -c $((i % 2)) true; done'", timeout=300)
    after = interrupts(m, "CAL")
    assert after[1] > before[1], (before, after)
    assert check(m, "/usr/lib/tern/tests/vcpuevent 1").startswith("vcpuevent: port ")
    assert tern_log_count(m, "unexpected interrupt") == 0
