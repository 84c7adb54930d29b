"""An unmodified Debian kernel boots as dom0 on tern (issue 3): one CPU, the
memory dom0_mem asks for, its disk and NIC natively, no view of the
hypervisor's memory, no way to start tern's CPUs, and a dom0 that dies is
reported rather than hung."""

import os
import re
import struct

import pytest

from dom0 import TEST_IMAGE, TOOLS_IMAGE, XL, boot, check, run
from qemu import BUILD

DISK_MAGIC = b"tern-test-disk-0123456789"


def dom0(machine, dom0_mem="256M", **kwargs):
    """tern with Debian's kernel and the test initramfs as dom0, at its shell."""
    return boot(machine, TEST_IMAGE, dom0_mem=dom0_mem, **kwargs)


def e820_ram_bytes(output):
    total = 0
    for start, end in re.findall(r"BIOS-e820: \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] usable", output):
        total += int(end, 16) + 1 - int(start, 16)
    return total


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    path = tmp_path_factory.mktemp("dom0") / "disk.img"
    with open(path, "wb") as f:
        f.write(DISK_MAGIC.ljust(4096, b"\0"))
        f.truncate(16 * 2**20)
    return str(path)


def test_dom0_boots_with_one_cpu_its_memory_disk_and_nic(machine, disk):
    m = dom0(machine, extra_args=["-drive", f"file={disk},if=virtio,format=raw",
                                  "-nic", "user,model=e1000e"])
    m.wait_for(r"dom0: starting on CPU0")
    # One CPU, present and possible: the others are tern's, not hot-pluggable.
    assert check(m, "grep -c ^processor /proc/cpuinfo").split()[-1] == "1"
    assert check(m, "cat /sys/devices/system/cpu/possible").split()[-1] == "0"
    # The memory map shows exactly dom0_mem of RAM.
    assert e820_ram_bytes(m.output) == 256 * 2**20
    memtotal_kib = int(re.search(r"MemTotal:\s+(\d+) kB", check(m, "cat /proc/meminfo")).group(1))
    assert 150 * 1024 <= memtotal_kib <= 256 * 1024
    # Its devices are its own: the virtio disk reads back what the host wrote,
    # the NIC comes up.
    assert DISK_MAGIC.decode() in check(m, "dd if=/dev/vda bs=512 count=1 2>/dev/null | head -c 64")
    check(m, "ip link set eth0 up")
    assert re.search(r"eth0:.*[<,]UP[,>]", check(m, "ip link show eth0"))


def test_dom0_gets_1g(machine):
    m = dom0(machine, dom0_mem="1G")
    assert e820_ram_bytes(m.output) == 2**30
    assert "1024 MiB dom0" in m.output


def test_dom0_boots_on_epyc(machine):
    m = dom0(machine, cpu="EPYC")
    assert check(m, "grep -c ^processor /proc/cpuinfo").split()[-1] == "1"


def refuses_init_ipi(m):
    """tern still decodes dom0's LAPIC writes and refuses an INIT to CPU1:
    its code and data are intact. Needs dom0_args="iomem=relaxed"."""
    start = len(m.output)
    check(m, "devmem 0xfee00310 32 0x01000000")  # destination: APIC ID 1
    check(m, "devmem 0xfee00300 32 0x00004500")  # INIT
    m.wait_for(r"\(tern\) dom0: IPI to another CPU refused \(ICR 01000000:00004500\)", start=start)


def test_hypervisor_memory_shows_nothing_and_takes_no_writes(machine):
    m = dom0(machine, dom0_args="iomem=relaxed")
    hyp = re.search(r"\(tern\)  \[([0-9a-f]{16}), ([0-9a-f]{16})\) hypervisor", m.output)
    start = int(hyp.group(1), 16)
    pages = (int(hyp.group(2), 16) - start) // 4096
    # The image holds this text; dom0 must not be able to find it.
    needle = "tern must be started by a multiboot loader"
    with open(os.path.join(BUILD, "tern.elf"), "rb") as f:
        assert needle.encode() in f.read()
    read = f"dd if=/dev/mem bs=4096 skip={start // 4096} count={pages} 2>/dev/null"
    assert check(m, f"{read} | wc -c") == str(pages * 4096), "the whole read must succeed"
    # grep -c exits 1 when it counts nothing.
    assert run(m, f"{read} | grep -c '{needle}'") == (1, "0")
    # Every page of the write is accepted (dd says so and exits 0), and it
    # lands nowhere that matters: tern, whose image those pages hold, still
    # filters dom0's LAPIC writes, and dom0 goes on.
    refuses_init_ipi(m)
    status, out = run(m, f"dd if=/dev/zero of=/dev/mem bs=4096 seek={start // 4096} "
                         f"count={pages} 2>&1")
    assert status == 0 and f"{pages}+0 records out" in out.splitlines(), out
    refuses_init_ipi(m)
    assert check(m, "echo alive") == "alive"
    check(m, "sleep 1")


def test_dom0_cannot_start_tern_cpus(machine):
    # dom0 writes its LAPIC's interrupt command register itself (iomem=relaxed
    # lets busybox devmem reach the LAPIC page): INIT, STARTUP and NMI to the
    # other CPU are refused, dom0 carries on.
    m = dom0(machine, dom0_args="iomem=relaxed")
    for icr_low in ("0x00004500", "0x00004608", "0x00004400"):  # INIT, STARTUP 0x8000, NMI
        check(m, "devmem 0xfee00310 32 0x01000000")  # destination: APIC ID 1
        check(m, f"devmem 0xfee00300 32 {icr_low}")
        m.wait_for(rf"\(tern\) dom0: IPI to another CPU refused \(ICR 01000000:{icr_low[2:]}\)")
    # Broadcasts to all others are refused as well.
    check(m, "devmem 0xfee00300 32 0x000c4500")
    m.wait_for(r"\(tern\) dom0: IPI to another CPU refused \(ICR [0-9a-f]+:000c4500\)")
    assert check(m, "grep -c ^processor /proc/cpuinfo").split()[-1] == "1"
    assert check(m, "echo still here").strip().endswith("still here")


@pytest.mark.parametrize("noreboot", [True, False], ids=["noreboot", "reboot"])
def test_dom0_panic_is_reported(machine, noreboot):
    """A dom0 kernel panic is handed to tern when dom0's command line has
    xen_legacy_crash (Linux then makes SCHEDOP_shutdown with SHUTDOWN_crash;
    without it Linux resets the machine itself, as dom0 owns the reset
    hardware). tern says so in Xen's words and stops the machine for good
    with noreboot, or resets it (QEMU's -no-reboot turns that into its exit)."""
    m = dom0(machine, noreboot=noreboot, dom0_args="xen_legacy_crash")
    m.send("echo c > /proc/sysrq-trigger\n")
    panic = m.wait_for(r"Kernel panic - not syncing: sysrq triggered crash$")
    if noreboot:
        m.wait_for(r"^\(tern\) Hardware Dom0 crashed: 'noreboot' set - not rebooting\.$",
                   start=panic.end())
        m.wait_stopped()
    else:
        m.wait_for(r"^\(tern\) Hardware Dom0 crashed: rebooting machine in 5 seconds\.$",
                   start=panic.end())
        m.wait_exit()


def write_crashing_bzimage(path):
    """A bzImage (boot protocol 2.15) whose 32-bit entry is `ud2` with no IDT:
    #UD, then a double fault, then a triple fault."""
    setup_sects = 1
    image = bytearray(512 * (1 + setup_sects))
    image[0x1f1] = setup_sects
    payload = b"\x0f\x0b" + b"\xf4" * 510  # ud2, then hlt
    struct.pack_into("<I", image, 0x1f4, len(payload) // 16)          # syssize
    struct.pack_into("<H", image, 0x1fe, 0xAA55)                      # boot_flag
    struct.pack_into("<H", image, 0x200, 0x6aeb)                      # jump
    struct.pack_into("<I", image, 0x202, 0x53726448)                  # "HdrS"
    struct.pack_into("<H", image, 0x206, 0x020f)                      # version
    image[0x211] = 0x01                                               # loadflags: LOADED_HIGH
    struct.pack_into("<I", image, 0x214, 0x100000)                    # code32_start
    struct.pack_into("<I", image, 0x22c, 0x7fffffff)                  # initrd_addr_max
    struct.pack_into("<I", image, 0x230, 0x200000)                    # kernel_alignment
    image[0x234] = 1                                                  # relocatable_kernel
    struct.pack_into("<I", image, 0x238, 2047)                        # cmdline_size
    struct.pack_into("<I", image, 0x248, 0)                           # payload_offset
    struct.pack_into("<I", image, 0x24c, len(payload))                # payload_length
    struct.pack_into("<Q", image, 0x258, 0x1000000)                   # pref_address
    struct.pack_into("<I", image, 0x260, 0x10000)                     # init_size
    with open(path, "wb") as f:
        f.write(image + payload)


def test_dom0_triple_fault_is_reported_and_reboots(machine, tmp_path):
    kernel = tmp_path / "crash.bzImage"
    write_crashing_bzimage(kernel)
    m = machine(append="dom0_mem=64M", modules=[str(kernel)], smp=2)
    m.wait_for(r"d0v0: triple fault")
    m.wait_for(r"d0v0 guest state:")
    m.wait_for(r"Hardware Dom0 crashed: rebooting machine in 5 seconds\.$")
    m.wait_exit()


@pytest.mark.parametrize("head,reason", [
    (b"MZ", r"dom0: the kernel module is not a usable bzImage"),
    (b"\x7fELF", r"dom0: the kernel module is an ELF file tern cannot start"),
])
def test_a_module_that_is_no_kernel_is_refused(machine, tmp_path, head, reason):
    junk = tmp_path / "junk"
    junk.write_bytes(head + os.urandom(8192))
    m = machine(append="noreboot", modules=[str(junk)])
    m.wait_for(reason)
    m.wait_for(r"Could not set up DOM0 guest OS")


@pytest.mark.parametrize("cpu", [0, 1], ids=["boot-stack", "ap-stack"])
def test_stack_overflow_hits_the_guard_page(machine, cpu):
    """Every CPU's stack has an unmapped page below it: debug key 'O' (a test
    aid) recurses until the stack of the CPU it runs on overflows, and tern
    reports a page fault in that guard page, with the registers, instead of
    writing over what lies below (CPU0's boot stack sits above the boot page
    directories). CPU0 has the boot stack, CPU1 (dom0's second vCPU) one
    allocated when it was brought up."""
    m = boot(machine, TOOLS_IMAGE, smp=2, dom0_vcpus=2)
    m.send(f"taskset -c {cpu} {XL} debug-keys O\n")
    key = m.wait_for(rf"\(tern\) 'O' pressed -> overflowing CPU{cpu}'s stack$")
    fault = m.wait_for(r"page fault \(vector 14\), error code 0002$", start=key.end())
    m.wait_for(rf"stack overflow: CPU{cpu}'s stack ran into its guard page at 0x[0-9a-f]+$",
               start=fault.end())
    m.wait_for(rf"^\(tern\) CPU:    {cpu}$", start=fault.end())
    m.wait_for(r"^\(tern\) RIP:    0008:", start=fault.end())
    m.wait_for(r"FATAL TRAP: vector = 14 \(page fault\)", start=fault.end())
    m.wait_stopped()
