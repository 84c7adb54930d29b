"""tern installed on Debian 12 as Debian installs Xen (issue 13), end to end.

build/images/debian-disk.img (images/debian-disk.sh, `make debian-image`)
is a Debian 12 system from mmdebstrap with tern's two packages installed by
apt: update-grub ran inside it, so its GRUB menu is what the package's
generator (/etc/grub.d/20_linux_tern) made. Each test boots it with SeaBIOS
from a virtio disk (a throw-away snapshot: the image stays as built), picks
an entry in GRUB's menu on the serial line, and drives the systemd system
that comes up (autologin on ttyS0).

The guest is /etc/xen/auto/sample.cfg: Debian's kernel with a busybox
initramfs, without disk or vif: this test is about the services."""

import os
import re

import pytest

from qemu import BUILD, ConsoleTimeout

IMAGES = os.path.join(BUILD, "images")
DISK = os.path.join(IMAGES, "debian-disk.img")
GRUB_CFG = os.path.join(IMAGES, "debian-disk.grub.cfg")
PROMPT = r"root@tern-dom0:~# $"
DOWN = "\x1b[B"

pytestmark = pytest.mark.skipif(not os.path.exists(DISK), reason=f"{DISK} is not built (make debian-image)")


def top_level_entries():
    """Titles of the top-level menu entries and submenus, in menu order."""
    titles = []
    for line in open(GRUB_CFG):
        m = re.match(r"^(?:menuentry|submenu) '([^']*)'", line)
        if m:
            titles.append(m.group(1))
    return titles


def boot_entry(machine, pick):
    """Boots the disk and chooses, in GRUB's menu, the first top-level entry
    for which pick(title) is true; returns the machine at a root shell."""
    titles = top_level_entries()
    index = next(i for i, t in enumerate(titles) if pick(t))
    m = machine(kernel=None, smp=2, memory="2G",
                extra_args=["-drive", f"file={DISK},format=raw,if=virtio,snapshot=on"])
    # The menu waits for a key (GRUB_TIMEOUT=-1 in the image).
    m.wait_for(re.escape(titles[index]), timeout=300, whole_lines=False)
    for _ in range(index):
        m.send(DOWN)
    m.send("\r")
    m.wait_for(PROMPT, timeout=900, whole_lines=False)
    # Kernel messages on the console would interleave with the answers.
    check(m, "dmesg -n 1")
    return m


def run(m, command, timeout=300):
    status, out = m.shell(command, timeout=timeout)
    # bash's bracketed-paste switches and colours are not output.
    return status, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out).strip()


def check(m, command, timeout=300):
    status, out = run(m, command, timeout)
    assert status == 0, f"`{command}` failed ({status}):\n{out}"
    return out


def test_grub_boots_tern_dom0_with_services_and_autostarted_guest(machine):
    m = boot_entry(machine, lambda t: t.endswith(", with tern hypervisor"))
    out = m.output
    # GRUB's multiboot loaded the gzip'ed hypervisor and its two modules.
    assert re.search(r"\(tern\) Bootloader: GRUB 2", out), out[-3000:]
    assert re.search(r"\(tern\) Command line: .*dom0_mem=1G", out), out[-3000:]
    # dom0 got the module's arguments whole (nothing taken for a file name).
    cmdline = check(m, "cat /proc/cmdline")
    assert re.match(r"^root=UUID=\S+ ro console=ttyS0,115200$", cmdline), cmdline

    # Boot finished with no failed unit; the services are up, in order.
    state = check(m, "systemctl is-system-running --wait; true")
    assert state.endswith("running"), check(m, "systemctl --failed --no-pager")
    for unit in ("xen-dom0-modules", "xenstored", "xenconsoled", "tern-blkback", "tern-netback", "xendomains"):
        assert check(m, f"systemctl is-active {unit}").splitlines()[-1] == "active", unit
    check(m, "findmnt -n -t tmpfs /var/lib/xenstored")
    check(m, "test -c /dev/xen/privcmd && test -S /run/xenstored/socket")
    assert "dom0_mem=1G" in check(m, "xl info | grep xen_commandline")

    # xendomains created the guest from /etc/xen/auto; its console is logged.
    listing = check(m, "xl list")
    assert re.search(r"^sample\s+\d+\s+128\s+1\s", listing, re.M), listing
    check(m, "for i in $(seq 600); do grep -q 'TERN-DOMU: userspace up' "
             "/var/log/xen/console/guest-sample.log && break; sleep 1; done; "
             "grep 'TERN-DOMU: userspace up' /var/log/xen/console/guest-sample.log", timeout=700)
    check(m, "test -s /var/log/xen/xl-sample.log")
    domid = re.search(r"^sample\s+(\d+)", listing, re.M).group(1)

    # Host shutdown: xendomains shuts the guest down (it powers itself
    # off: reason 0) before dom0 powers the machine off.
    start = len(m.output)
    m.send("systemctl poweroff\n")
    m.wait_exit(timeout=900)
    tail = m.output[start:]
    guest_off = re.search(rf"\(tern\) Domain {domid} shut down \(reason 0\)", tail)
    assert guest_off, tail[-3000:]
    assert "destroying it" not in tail, tail[-3000:]
    # ... while xenstored, which carries the request, was still up.
    xenstored_off = re.search(r"Stopped .*xenstored\.service", tail)
    assert xenstored_off and guest_off.start() < xenstored_off.start(), tail[-3000:]
    assert re.search(r"reboot: Power down", tail), tail[-3000:]


def test_same_system_without_tern_boots_and_services_stay_off(machine):
    """The plain Debian entry on the same disk: the units say they are not on
    tern and stay off, nothing fails; then the packages purge cleanly."""
    m = boot_entry(machine, lambda t: "tern" not in t and not t.startswith("Advanced"))
    assert "(tern)" not in m.output
    state = check(m, "systemctl is-system-running --wait; true")
    assert state.endswith("running"), check(m, "systemctl --failed --no-pager")
    for unit in ("xen-dom0-modules", "xenstored", "xenconsoled", "tern-blkback", "tern-netback", "xendomains"):
        assert check(m, f"systemctl is-active {unit}; true").splitlines()[-1] == "inactive", unit
        said = check(m, f"journalctl -b -u {unit} --no-pager")
        assert "not running on tern" in said, said

    # Removal: every file the packages installed goes, GRUB forgets tern.
    files = check(m, "dpkg -L tern-utils tern-hypervisor | sort -u | "
                     "while read f; do [ -f \"$f\" ] && echo \"$f\"; done; true")
    assert "/usr/sbin/xl" in files and "/etc/grub.d/20_linux_tern" in files, files
    check(m, "apt-get purge -y -q tern-utils tern-hypervisor", timeout=600)
    left = [f for f in files.split() if run(m, f"test -e {f}")[0] == 0]
    assert not left, left
    assert run(m, "grep -c tern /boot/grub/grub.cfg")[1] == "0"
    assert check(m, "find -L /etc/systemd/system -type l; true") == ""

    start = len(m.output)
    m.send("systemctl poweroff\n")
    m.wait_exit(timeout=600)
    assert re.search(r"reboot: Power down", m.output[start:]), m.output[-3000:]
