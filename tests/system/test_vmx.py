"""tern on Intel VT-x under Bochs (issue 16): the boot log says which vendor
path runs and what the CPU's VMX has or lacks; a CPU without what tern needs
stops cleanly; on one with VMX, EPT and VPID the test guests of
tests/guests run as the initial domain under VMX, as test_guests.py runs
them under SVM. With TERN_CHECK_VMX (make check-vmx): Debian's kernel as
dom0 under VMX with two vCPUs, and dom0 with one running a script of its
own (dom0_script.py) that shows `xl info`, takes NMIs, runs Debian's kernel
and the domU test guests as domUs and drives tlb_shootdown under VMX; and
a Debian domU with two vCPUs."""

import os
import re

import pytest

from bochs import NO_VMX_MODEL, VMX_EPT_MODEL, VMX_NO_EPT_MODEL, BochsMachine
from initial_domain_guest import TERN_DIED, expect_success, guest_module
from qemu import BUILD

CMDLINE = "console=com1 com1=115200,8n1 noreboot"
CR0_PE_NE_PG = 0x80000021
CR4_VMXE = 0x2000
STOP = r"tern cannot run guests on this CPU \(see the HVM lines above\)"
NO_DOM0 = r"No dom0 kernel: the bootloader passed no module"
# Test guests that run under VMX in make check (each boot takes seconds):
# hypercalls and the hypercall page, console output and shutdown, event
# channels and upcalls, timers (interrupt injection), control registers,
# CPUID and MSRs, a 32-bit guest, string I/O to nothing (EPT violations
# emulated), bad arguments, grant maps, INVD/WBINVD. (xsetbv passes too,
# but its isolation loop takes minutes under Bochs.)
# make check's guests under VMX: events and timers (interrupt injection),
# control registers (CR exits), unbacked memory (EPT violations), 32-bit
# paging under EPT. make check-vmx adds more (SLOW_GUESTS): make check stays
# short, every boot here takes 7 to 20 s.
VMX_GUESTS = ["start_info", "event_channels", "timers", "control_regs", "compat32_pae",
              "string_unbacked"]
SLOW_GUESTS = ["hypercall_page", "bad_arguments", "grant_map", "cache_flush"]
# Test guests as domUs of Debian's dom0 under VMX, all in one boot
# (dom0_script.py; make check-vmx): three that also run as the initial
# domain (timer interrupts through the scheduler's slices, CR exits, FIFO
# events), then those that run only as domUs (test_domu_guests.py), but
# tlb_shootdown, which needs test_memory.py's driving.
DOMU_GUESTS = ["timers", "control_regs", "evtchn_fifo", "apic_modes", "balloon", "cpu_regs",
               "fuzz", "physmap_bounds", "ro_grant_write", "sched_poll", "unprivileged"]


# Bochs's error-level lines that are no error of tern's: every EPT violation
# (exits tern handles: MMIO emulation), and a dom0's own RDMSR/WRMSR of an
# MSR the emulated CPU lacks (the guest gets #GP, as on that CPU).
NOT_ERRORS = re.compile(r"VMEXIT: EPT violation|(RD|WR)MSR: Unknown register")
# The boots that take minutes run only in `make check-vmx`.
SLOW = pytest.mark.skipif(not os.environ.get("TERN_CHECK_VMX"),
                          reason="takes minutes under Bochs: make check-vmx runs it")


def cpu_errors(bochs_log):
    """The emulated CPU's own error lines (a VMX instruction it refused, say)."""
    return [l for l in bochs_log.splitlines() if "e[CPU" in l and not NOT_ERRORS.search(l)]


def boot_until_stopped(name, model, stop=STOP):
    """Boots tern on model until it has stopped for good; returns its console
    and Bochs's own log."""
    with BochsMachine(name, model, CMDLINE) as m:
        m.wait_for(r"^\(tern\) tern \d+\.\d+")
        m.wait_for(stop)
        m.wait_for(r"Manual reset required \('noreboot' specified\)")
        m.wait_halted()
        return m.output, m.bochs_log()


def test_vmx_with_ept_is_detected_as_usable():
    # Usable: without a module, tern goes on to look for a dom0 kernel.
    out, bochs_log = boot_until_stopped("vmx-sandy-bridge", VMX_EPT_MODEL, NO_DOM0)
    assert "HVM: Intel VT-x (VMX)" in out
    assert "VMX: IA32_FEATURE_CONTROL 0x5: enabled and locked by the firmware" in out
    # Sandy Bridge's EPT: no 1 GiB pages, no accessed/dirty bits.
    assert re.search(r"VMX: revision 0x2b, 4096-byte regions; EPT: 4-level, write-back, "
                     r"2 MiB pages; INVEPT single-context; INVVPID single-context, "
                     r"individual-address$", out, re.M)
    # The first real step: VMXON with the revision id, CR0 and CR4 as VMX
    # operation wants them (Bochs checks both, and logs why VMXON fails).
    vmxon = re.search(r"^\(tern\) VMX: VMXON and VMXOFF on CPU0 \(CR0 (0x[0-9a-f]+), "
                      r"CR4 (0x[0-9a-f]+) in VMX operation\)$", out, re.M)
    assert vmxon
    assert int(vmxon.group(1), 16) & CR0_PE_NE_PG == CR0_PE_NE_PG  # Sandy Bridge's CR0 FIXED0
    assert int(vmxon.group(2), 16) & CR4_VMXE
    assert "VMXON" not in "\n".join(cpu_errors(bochs_log))
    assert "HVM: running guests under VMX with EPT and VPID" in out
    assert "not implemented" not in out
    assert "missing" not in out
    assert "SVM" not in out


def test_vmx_without_ept_names_what_is_missing():
    out, _ = boot_until_stopped("vmx-penryn", VMX_NO_EPT_MODEL)
    assert "HVM: Intel VT-x (VMX)" in out
    missing = re.findall(r"^\(tern\) VMX: missing: (.*)$", out, re.M)
    for need in ("EPT (secondary control 1)", "VPID (secondary control 5)",
                 "unrestricted guest (secondary control 7)",
                 "EFER saved and loaded on VM exit (exit controls 20, 21)",
                 "2 MiB EPT pages (IA32_VMX_EPT_VPID_CAP bit 16)"):
        assert need in missing
    # What Core 2 has is not reported missing.
    assert not any(m.startswith(("HLT exiting", "MSR bitmaps", "secondary controls",
                                 "VMX enabled")) for m in missing)
    assert "HVM: VMX cannot run tern's guests (see the VMX lines above)" in out
    assert "usable" not in out


def test_cpu_without_vmx_or_svm_is_refused():
    out, _ = boot_until_stopped("vmx-none", NO_VMX_MODEL)
    assert "HVM: this CPU has neither Intel VT-x (VMX) nor AMD-V (SVM)" in out
    assert "VMX:" not in out


@pytest.mark.parametrize("name", VMX_GUESTS + [pytest.param(n, marks=SLOW) for n in SLOW_GUESTS])
def test_guest_under_vmx(name):
    """The guest's own verdict and its clean poweroff, with tern on the VMX
    path all along and Bochs's CPU refusing nothing tern did."""
    with BochsMachine("vmx-guest-" + name, VMX_EPT_MODEL,
                      CMDLINE + " loglvl=all guest_loglvl=all",
                      modules=[guest_module(name)]) as m:
        expect_success(m, name)
        out, bochs_log = m.output, m.bochs_log()
    assert "dom0: starting on CPU0 with Intel VT-x" in out
    assert "SVM" not in out
    assert not cpu_errors(bochs_log), cpu_errors(bochs_log)[:5]


def test_second_cpu_enters_vmx_operation():
    """With two CPUs the second one enables VMX for domUs (hvm_ops.cpu_enable:
    its own IA32_FEATURE_CONTROL, VMXON kept on) or says it cannot; the
    guest on the first runs as with one."""
    with BochsMachine("vmx-smp", VMX_EPT_MODEL, CMDLINE + " loglvl=all guest_loglvl=all",
                      modules=[guest_module("start_info")], cpus=2) as m:
        expect_success(m, "start_info")
        out, bochs_log = m.output, m.bochs_log()
    assert "Brought up 2 CPUs" in out
    assert "domUs on 1 pCPU(s)" in out
    assert "cannot enable" not in out
    assert not cpu_errors(bochs_log), cpu_errors(bochs_log)[:5]


@SLOW
def test_debian_dom0_boots_under_vmx():
    """Debian's unmodified kernel as dom0 under VMX with two vCPUs (its AP
    starts in real mode at its STARTUP vector on the second CPU): it finds
    Xen, brings up both CPUs, takes its events through the HVM callback
    vector, loads the evtchn driver and reaches its initramfs's userspace.
    (One vCPU: the dom0 script run below.)"""
    from dom0 import TEST_IMAGE, USERSPACE, VMLINUZ

    for path in (VMLINUZ, TEST_IMAGE):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing: run `make images`")
    with BochsMachine("vmx-dom0-linux", VMX_EPT_MODEL,
                      "dom0_mem=256M dom0_max_vcpus=2 " + CMDLINE, memory_mb=512, cpus=2,
                      modules=[f"{VMLINUZ} console=ttyS0", TEST_IMAGE]) as m:
        m.wait_for(USERSPACE, timeout=900)
        out, bochs_log = m.output, m.bochs_log()
    assert "dom0: starting on CPU0 with Intel VT-x" in out
    assert re.search(r"^\(tern\) dom0: vCPU 1 started on pCPU 1 at 0x[0-9a-f]+$", out, re.M)
    for line in ("Hypervisor detected: Xen HVM",
                 "smp: Brought up 1 node, 2 CPUs",
                 "xen:events: Xen HVM callback vector for event delivery is enabled",
                 "xen:xen_evtchn: Event-channel device installed"):
        assert line in out
    assert not TERN_DIED.search(out)
    assert not cpu_errors(bochs_log), cpu_errors(bochs_log)[:5]



# dom0 sends itself NMIs through its LAPIC (as test_nmi.py does under SVM;
# tern carries out the ICR write, and the NMI arrives in tern): Linux
# counts each one it sees as of "unknown reason".
NMI_TO_SELF = "devmem 0xfee00310 32 0; devmem 0xfee00300 32 0x4400"
NMI_COMMANDS = f"""\
nmis() {{ dmesg | grep -c 'NMI received for unknown reason'; }}
echo "TERN-SCRIPT: dom0 NMIs before: $(nmis)"
{NMI_TO_SELF}
sleep 1
echo "TERN-SCRIPT: dom0 NMIs after one: $(nmis)"
for i in $(seq 50); do {NMI_TO_SELF}; done
sleep 1
echo "TERN-SCRIPT: dom0 NMIs after a burst: $(nmis)"
"""

# Debian's kernel as a domU under VMX on the second CPU: run_debian in
# dom0_script.py.
DEBIAN_COMMANDS = "run_debian debian 1\n"

# tlb_shootdown driven from dom0, as test_memory.py drives it from dom0's
# shell: memattack maps a grant frame over a page the running domU reads and
# takes it away again, round after round; after each removal returns the
# domU, which never leaves guest mode on its own, must no longer read the
# frame. Under VMX that takes INVEPT (the domain's table lost a
# translation) and a kick out of guest mode.
SHOOTDOWN_ROUNDS = 300
SHOOTDOWN_COMMANDS = f"""\
shootdown() {{
	gfns="" t=0
	while [ -z "$gfns" ] && [ $t -lt 300 ]; do
		sleep 1
		t=$((t + 1))
		gfns=$(xl dmesg | awk -v d="(d$1) " 'index($0, d) && /shootdown: window gfn/ {{ print $(NF - 3), $NF }}')
	done
	echo "TERN-SCRIPT: memattack: $(/root/memattack tlb $1 $gfns {SHOOTDOWN_ROUNDS} 2>&1 | tr '\\n' ' ')"
}}
echo 'cmdline = "shootdown"' >>/root/guests/tlb_shootdown.cfg
run_guest tlb_shootdown 1 shootdown
"""
MEMATTACK = os.path.join(BUILD, "dist", "usr", "lib", "tern", "tests", "memattack")


def run_dom0_script(name, files, tmp_path, cpus=2):
    """Boots Debian's dom0 under VMX on the first of `cpus` CPUs (domUs get
    the others) with the script's files (dom0_script.py: Bochs's serial
    port takes no input) until the script is done; returns tern's console."""
    from dom0 import TOOLS_IMAGE, VMLINUZ, image_with
    from dom0_script import DONE

    image = image_with(TOOLS_IMAGE, files, tmp_path)
    with BochsMachine(name, VMX_EPT_MODEL,
                      f"dom0_mem=256M dom0_max_vcpus=1 {CMDLINE} loglvl=all guest_loglvl=all",
                      memory_mb=512, cpus=cpus,
                      modules=[f"{VMLINUZ} console=ttyS0 iomem=relaxed", image]) as m:
        m.wait_for(DONE, timeout=3600)
        out, bochs_log = m.output, m.bochs_log()
    assert "dom0: starting on CPU0 with Intel VT-x" in out
    assert f"domUs on {cpus - 1} pCPU(s)" in out
    assert not TERN_DIED.search(out)
    assert not cpu_errors(bochs_log), cpu_errors(bochs_log)[:5]
    return out


@pytest.fixture(scope="module")
def dom0_script_run(tmp_path_factory):
    """One boot of Debian's dom0 under VMX with a second CPU for domUs: its
    script prints `xl info`, sends dom0 NMIs, runs a Debian domU, drives
    tlb_shootdown, runs DOMU_GUESTS as domUs and powers off. Returns tern's
    console."""
    from dom0_script import script_files

    files = script_files(DOMU_GUESTS, NMI_COMMANDS + DEBIAN_COMMANDS + SHOOTDOWN_COMMANDS,
                         debian=True, driven=["tlb_shootdown"])
    with open(MEMATTACK, "rb") as f:
        files["root/memattack"] = (0o100755, f.read())
    return run_dom0_script("vmx-dom0-script", files, tmp_path_factory.mktemp("vmx_dom0_script"))


@SLOW
def test_xl_info_under_vmx(dom0_script_run):
    """`xl info` in dom0 under VMX: HVM with EPT ("hap") and device
    passthrough, as Xen reports on Intel."""
    from dom0_script import xl_info

    info = xl_info(dom0_script_run)
    assert re.match(r"hvm hvm_directio hap\b", info.get("virt_caps", "")), info
    assert info.get("nr_cpus") == "2", info


@SLOW
@pytest.mark.parametrize("name", DOMU_GUESTS)
def test_domu_guest_under_vmx(dom0_script_run, name):
    """Each guest's domUs, created by `xl create` in dom0 under VMX, run on
    the second CPU to their own SUCCESS and shut down (not crashed)."""
    from dom0_script import guest_results

    runs = guest_results(dom0_script_run, name)
    assert runs, f"no run of {name} in the script's output"
    for domid, state, lines in runs:
        result = re.search(r"^Test result: (\S+)(.*)$", lines, re.M)
        assert result and result.group(1) == "SUCCESS", f"{name} d{domid} ({state}):\n{lines[-3000:]}"
        assert "s" in state and "c" not in state, f"{name} d{domid} ended {state!r}"


@SLOW
def test_dom0_nmis_under_vmx(dom0_script_run):
    """dom0's NMIs reach it under VMX (virtual NMIs): one, then a burst
    (any that arrive while it is still in its handler merge: at least one
    more gets through); tern drops none of CPU0's."""
    counts = dict(re.findall(r"^TERN-SCRIPT: dom0 NMIs (before|after one|after a burst): (\d+)$",
                             dom0_script_run, re.M))
    assert len(counts) == 3, counts
    assert int(counts["after one"]) > int(counts["before"]), counts
    assert int(counts["after a burst"]) > int(counts["after one"]), counts
    assert "CPU0: NMI received, not for any guest" not in dom0_script_run



def assert_debian_ran(output, name, cpus):
    """`run_debian name` in the script's output: its userspace came up, its
    timer fired (a sleep ended), on `cpus` CPUs, and it powered off."""
    from dom0_script import debian_result

    ran = debian_result(output, name)
    assert ran, f"no run of {name} in the script's output"
    _, state, console = ran
    for line in ("TERN-DOMU: userspace up", "TERN-DOMU: timers work"):
        assert line in console, f"{name} ({state}):\n{console[-3000:]}"
    if cpus > 1:
        assert f"smp: Brought up 1 node, {cpus} CPUs" in console, console[-3000:]
    # The microcode revision, which Linux writes and reads on Intel. (Linux
    # reports one unchecked access of each kind: others may show now.)
    assert not re.search(r"unchecked MSR access error: (RDMSR from|WRMSR to) 0x8b ", console), \
        console[:3000]
    assert "s" in state and "c" not in state, f"{name} ended {state!r}:\n{console[-3000:]}"


@SLOW
def test_debian_domu_under_vmx(dom0_script_run):
    """Debian's unmodified kernel as a PVH domU under VMX, created by `xl
    create` in dom0, reaches its userspace and shuts down when asked."""
    assert_debian_ran(dom0_script_run, "debian", 1)


@SLOW
def test_debian_smp_domu_under_vmx(tmp_path):
    """Debian's kernel as a domU with two vCPUs under VMX, each on a pCPU of
    its own (Bochs with three CPUs): its AP starts in real mode at its
    STARTUP vector, both come up, its userspace runs, it shuts down. (With
    both on one pCPU Bochs cannot run it: docs/vmx.md.)"""
    from dom0_script import script_files

    files = script_files([], "run_debian debian-smp 2\n", debian=True)
    assert_debian_ran(run_dom0_script("vmx-dom0-smp-domu", files, tmp_path, cpus=3),
                      "debian-smp", 2)


@SLOW
def test_tlb_shootdown_under_vmx(dom0_script_run):
    """No stale translation after a remap returns, under VMX: the guest,
    spinning in guest mode, never reads the frame after its removal."""
    from dom0_script import guest_results

    found = re.search(r"^TERN-SCRIPT: memattack: (.*)$", dom0_script_run, re.M)
    assert found, "memattack did not run"
    assert "memattack: tlb: 0 stale read(s)" in found.group(1), found.group(1)
    assert "memattack: ok" in found.group(1), found.group(1)
    runs = guest_results(dom0_script_run, "tlb_shootdown")
    assert len(runs) == 1, runs
    domid, state, lines = runs[0]
    assert re.search(r"^Test result: SUCCESS", lines, re.M), f"d{domid} ({state}):\n{lines[-3000:]}"
    assert f"shootdown: {SHOOTDOWN_ROUNDS} rounds, 0 stale reads" in lines, lines
