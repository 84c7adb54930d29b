"""The hypervisor boots under QEMU: memory map, CPUs, options, console, and a
clear stop when there is no dom0 kernel (issue 2)."""

import os
import re

import pytest

import qemu


NO_DOM0 = r"No dom0 kernel: the bootloader passed no module"
HOWTO_OPTIONS = "dom0_mem=256M dom0_max_vcpus=1 dom0_vcpus_pin console=com1 com1=115200,8n1"


def ram_ranges(output, title):
    """The RAM entries of the memory map printed under title, as (start, end)."""
    section = output.split(title, 1)[1]
    ranges = []
    for line in section.splitlines()[1:]:
        m = re.match(r"\(tern\)  \[([0-9a-f]{16}), ([0-9a-f]{16})\) (.*)$", line)
        if not m:
            break
        if m.group(3) == "RAM":
            ranges.append((int(m.group(1), 16), int(m.group(2), 16)))
    return ranges


@pytest.mark.parametrize("smp", [1, 2, 4])
def test_all_cpus_come_online(machine, smp):
    m = machine(smp=smp, append="noreboot")
    m.wait_for(rf"Brought up {smp} CPUs")
    # The default gives dom0 one pCPU and leaves the rest to domUs.
    m.wait_for(rf"^\(tern\) dom0: 1 vCPU on pCPU 0 \(the default\), domUs on {smp - 1} pCPU\(s\)$")
    m.wait_for(NO_DOM0)


def test_dom0_max_vcpus_is_capped_at_the_pcpus(machine):
    """<min>-<max> as Xen takes it: the maximum, at most every pCPU (then no
    domU can run: xl create says so, test_domu.py)."""
    m = machine(smp=4, append="dom0_max_vcpus=2-8 noreboot")
    m.wait_for(r"dom0_max_vcpus=8, but only 4 pCPUs are up: dom0 gets 4 vCPUs")
    m.wait_for(r"^\(tern\) dom0: 4 vCPUs on pCPUs 0-3 \(dom0_max_vcpus\), domUs on 0 pCPU\(s\)$")
    m.wait_for(NO_DOM0)


def test_cpus_come_online_on_epyc(machine):
    m = machine(smp=2, cpu="EPYC", append="noreboot")
    m.wait_for(r"Brought up 2 CPUs")


@pytest.mark.parametrize("memory,mib", [("512M", 512), ("4G", 4096)])
def test_memory_map_and_totals(machine, memory, mib):
    m = machine(memory=memory, append="noreboot")
    m.wait_for(r"Physical memory map in use:")
    total = m.wait_for(r"Memory: (\d+) MiB RAM free, 0 MiB dom0, (\d+) MiB hypervisor")
    loader_ram = ram_ranges(m.output, "Physical memory map from the bootloader:")
    loader_bytes = sum(end - start for start, end in loader_ram)
    # QEMU's firmware keeps a little below 1 MiB and a few pages at the top.
    assert mib * 2**20 - 2**20 <= loader_bytes <= mib * 2**20
    if mib > 3072:
        assert any(start >= 2**32 for start, _ in loader_ram), "RAM above 4 GiB missing"
    free_mib, hyp_mib = int(total.group(1)), int(total.group(2))
    # Free RAM is what the loader reported minus the image and the allocator's metadata.
    assert loader_bytes // 2**20 - 16 <= free_mib + hyp_mib <= loader_bytes // 2**20
    # The page allocator's metadata stays small: well under 1% of RAM plus the image.
    assert hyp_mib <= 2 + mib // 100


def test_howto_options_are_parsed_and_echoed(machine):
    m = machine(append=HOWTO_OPTIONS + " noreboot")
    line = m.wait_for(r"Options: (.*)$").group(1)
    for expected in ["dom0_mem=256M", "dom0_max_vcpus=1", "dom0_vcpus_pin", "console=com1",
                     "com1=115200,8n1"]:
        assert expected in line
    assert "Command line:" in m.output and "unknown option" not in m.output


def test_howto_9600_baud_console(machine):
    # The HOWTO's serial line: com1=9600,8n1. QEMU's UART ignores the rate,
    # so the console must still show the boot log.
    m = machine(append="console=com1 com1=9600,8n1 noreboot")
    line = m.wait_for(r"Options: (.*)$").group(1)
    assert "com1=9600,8n1" in line
    m.wait_for(NO_DOM0)


def test_unknown_and_malformed_options_are_reported(machine):
    m = machine(append="frobnicate=1 dom0_mem=lots dom0_max_vcpus=three noreboot")
    m.wait_for(r"'frobnicate[^']*': unknown option; ignored")
    m.wait_for(r"'dom0_mem[^']*': .*; using the default")
    m.wait_for(r"'dom0_max_vcpus[^']*': .*; using the default")
    m.wait_for(NO_DOM0)


def test_hostile_command_line_does_not_stop_boot(machine):
    junk = " ".join(["=", "==x", 'quote="unterminated', "dom0_mem=99999999999999999999T",
                     "com1=115200,9z7,0xzz", "loglvl=", "x" * 1500])
    m = machine(append=junk + " noreboot")
    m.wait_for(r"Command line: longer than \d+ bytes")
    m.wait_for(r"Brought up 1 CPUs")
    m.wait_for(NO_DOM0)


def test_missing_dom0_stops_clearly_then_reboots(machine):
    m = machine()
    m.wait_for(NO_DOM0)
    m.wait_for(r"Reboot in five seconds")
    # -no-reboot turns the reset into QEMU exiting: the hypervisor did reboot.
    m.wait_exit()


def test_qemu_debug_log_and_exit_status_are_kept(machine, monkeypatch):
    """TERN_QEMU_DEBUG_LOG (qemu.py) adds QEMU's -d/-D log beside the
    console log, and the console log ends with how QEMU ended: what tells a
    machine that reset itself (status 0 under -no-reboot, a triple fault
    too) from one killed from outside, when it vanished without a word."""
    monkeypatch.setattr(qemu, "QEMU_DEBUG_LOG", "1")
    m = machine()
    m.wait_for(NO_DOM0)
    m.wait_exit()
    m._reader.join(30)
    with open(os.path.join(qemu.LOG_DIR, m.name + ".log"), encoding="utf-8") as f:
        assert f.read().endswith("\n# QEMU exited with status 0\n")
    with open(os.path.join(qemu.LOG_DIR, m.name + ".qemu.log"), encoding="utf-8") as f:
        assert "CPU Reset (CPU 0)" in f.read()


@pytest.mark.parametrize("smp", [1, 2])
def test_noreboot_halts_instead(machine, smp):
    """Halted for good, not just not yet rebooted: every CPU (the other one
    too, idle until then) sits in HLT with interrupts off, and tern prints
    nothing more."""
    m = machine(append="noreboot", smp=smp)
    m.wait_for(NO_DOM0)
    halt = m.wait_for(r"Manual reset required \('noreboot' specified\)$")
    m.wait_stopped()
    assert m.running()
    assert m.output[halt.end():].strip() == "", m.output[halt.end():]


def test_loglvl_error_hides_info_but_not_the_panic(machine):
    m = machine(append="loglvl=error noreboot")
    m.wait_for(NO_DOM0)
    assert "Brought up" not in m.output
    assert "Memory:" not in m.output


def test_console_none_prints_nothing(machine):
    m = machine(append="console=none")
    m.wait_exit()
    assert "(tern)" not in m.output


def test_modules_are_listed_and_carved_out(machine, tmp_path):
    kernel = tmp_path / "vmlinuz"
    kernel.write_bytes(os.urandom(300 * 1024))
    initrd = tmp_path / "initrd"
    initrd.write_bytes(os.urandom(100 * 1024))
    m = machine(append="noreboot", modules=[f"{kernel} root=/dev/sda1 console=ttyS0", str(initrd)])
    m.wait_for(r"Module 0: \[[0-9a-f]+, [0-9a-f]+\) 300 KiB '.*root=/dev/sda1 console=ttyS0'")
    m.wait_for(r"Module 1: \[[0-9a-f]+, [0-9a-f]+\) 100 KiB")
    in_use = m.output.split("Physical memory map in use:", 1)[1]
    assert "boot module" in in_use
