"""Booting tern with Debian's kernel as dom0 and talking to dom0's shell: the
one home of what every dom0 system test needs.

boot() starts tern under QEMU with build/images/vmlinuz as dom0 and an
initramfs (one of build/images/*.cpio.gz, optionally with an archive of extra
files appended: Linux unpacks concatenated archives in order), waits for the
initramfs's "TERN-INIT: userspace up" and its shell, and turns the
terminal's echo off. run() and check() run shell commands there."""

import gzip
import io
import os
import re

import pytest

from qemu import BUILD, ROOT

IMAGES = os.path.join(BUILD, "images")
VMLINUZ = os.path.join(IMAGES, "vmlinuz")
# busybox and the kernel's disk and NIC modules (images/test-initramfs.sh).
TEST_IMAGE = os.path.join(IMAGES, "dom0-test.cpio.gz")
# The test image with build/dist appended: xl, hcfuzz, destroymap...
TOOLS_IMAGE = os.path.join(IMAGES, "dom0-tools.cpio.gz")
# The dom0 image (images/dom0-image.sh): xencommons at boot and the sample
# guest; BASE_IMAGE is the same without the sample guest's files.
IMAGE = os.path.join(IMAGES, "dom0.cpio.gz")
BASE_IMAGE = os.path.join(IMAGES, "dom0-base.cpio.gz")
USERSPACE = r"TERN-INIT: userspace up"
PROMPT = r"/ # "  # busybox ash; a terminal query (ESC [6n) may follow it
NO_DOM0 = r"Could not set up DOM0"
XL = "/usr/sbin/xl"
# tern's own lines on COM1 (the default); tests that read the shell's
# answers while tern prints (guests' lines, say) pass CONSOLE_NONE and read
# tern's lines with `xl dmesg`.
CONSOLE_COM1 = "console=com1 com1=115200,8n1"
CONSOLE_NONE = "console=none guest_loglvl=all"


def newc_archive(files):
    """A gzip'd newc cpio archive of {path: (mode, bytes)}, directories first."""
    out = io.BytesIO()
    ino = 1000

    def entry(name, mode, data):
        nonlocal ino
        ino += 1
        name_b = name.encode() + b"\0"
        hdr = "070701" + "".join("%08x" % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_b), 0))
        out.write(hdr.encode() + name_b)
        out.write(b"\0" * ((4 - (110 + len(name_b)) % 4) % 4))
        out.write(data)
        out.write(b"\0" * ((4 - len(data) % 4) % 4))

    dirs = set()
    for path in files:
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    for d in sorted(dirs):
        entry(d, 0o040755, b"")
    for path, (mode, data) in sorted(files.items()):
        entry(path, mode, data)
    entry("TRAILER!!!", 0, b"")
    return gzip.compress(out.getvalue())


def image_with(image, files, tmp_path):
    """A copy of the initramfs image under tmp_path with an archive of files
    ({path: (mode, bytes)}) appended; returns its path."""
    initrd = str(tmp_path / "dom0-extra.cpio.gz")
    with open(image, "rb") as f, open(initrd, "wb") as out:
        out.write(f.read() + newc_archive(files))
    return initrd


def boot(machine, image=TOOLS_IMAGE, dom0_mem="256M", memory="2G", smp=2, dom0_vcpus=1,
         console=CONSOLE_COM1, noreboot=True, tern_args="", dom0_args="", files=None,
         tmp_path=None, **kwargs):
    """Boots tern with Debian's kernel as dom0 (dom0_vcpus vCPUs on a machine
    of smp CPUs) and image as its initramfs, plus an archive of files
    ({path: (mode, bytes)}, written under tmp_path) if given; returns the
    machine with dom0's shell at its prompt. With noreboot, a fatal error
    halts tern instead of resetting the machine."""
    for path in (VMLINUZ, image):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing: run `make all images` "
                        f"(or `make {os.path.relpath(path, ROOT)}`)")
    initrd = image_with(image, files, tmp_path) if files else image
    options = f"dom0_mem={dom0_mem} dom0_max_vcpus={dom0_vcpus} dom0_vcpus_pin {console}"
    m = machine(append=" ".join([options] + ["noreboot"] * noreboot + [tern_args]).strip(),
                modules=[f"{VMLINUZ} console=ttyS0 {dom0_args}".strip(), initrd],
                smp=smp, memory=memory, **kwargs)
    m.wait_for(f"{USERSPACE}|{NO_DOM0}")
    if re.search(NO_DOM0, m.output):
        why = re.findall(r"^\(tern\) dom0: .*$", m.output, re.M)
        pytest.fail(f"tern could not start dom0 with {os.path.basename(image)} "
                    f"({os.path.getsize(initrd)} bytes): " + "; ".join(why))
    m.wait_for(PROMPT, whole_lines=False)
    m.shell("stty -echo")
    # From here on only emergencies (a panic) of dom0's kernel reach the
    # console: any other message could land inside a command's output, which
    # tests parse (`dmesg` still has them all).
    m.shell("dmesg -n 1")
    return m


def boot_image(machine, image=IMAGE, kernel_args="", smp=2):
    """tern with a dom0 image (IMAGE: xencommons and the sample guest): two
    pCPUs (or smp), so a domU has one dom0 does not own. kernel_args go on
    dom0's command line."""
    return boot(machine, image, dom0_mem="512M", dom0_args=kernel_args, smp=smp)


def run(m, command, timeout=180):
    """(status, output) of a dom0 shell command, without blank lines around."""
    status, out = m.shell(command, timeout=timeout)
    return status, out.strip("\n")


def check(m, command, timeout=180):
    status, out = run(m, command, timeout)
    assert status == 0, f"`{command}` failed in dom0 ({status}):\n{out}"
    return out


def start_xenstored(m):
    """xenstored in the background without forking, detached from the
    console's session (for images without xencommons)."""
    check(m, "mkdir -p /run/xenstored /var/lib/xenstored /var/log/xen && "
             "(setsid /usr/sbin/xenstored -N </dev/null >/var/log/xen/xenstored.log 2>&1 &)")
    check(m, "sh -c 'for i in $(seq 100); do [ -S /run/xenstored/socket ] && exit 0; "
             "sleep 0.2; done; exit 1'")


def free_memory(m):
    """`xl info free_memory`, in MiB."""
    out = check(m, f"{XL} info free_memory")
    assert re.fullmatch(r"\d+", out), f"xl info free_memory printed {out!r}"
    return int(out)


def cpu_seconds_over(m, seconds):
    """(dom0's uptime passed, {domain: CPU seconds gained}) over `seconds`."""
    out = check(m, f"cat /proc/uptime; {XL} list; sleep {seconds}; cat /proc/uptime; {XL} list",
                timeout=60 + seconds)
    uptimes, tables = [], []
    for line in out.splitlines():
        fields = line.split()
        if re.fullmatch(r"[0-9.]+ [0-9.]+", line.strip()):
            uptimes.append(float(fields[0]))
        elif line.startswith("Name"):
            tables.append({})
        elif tables and len(fields) >= 6:
            tables[-1][fields[0]] = float(fields[-1])
    assert len(uptimes) == 2 and len(tables) == 2, out
    gained = {name: tables[1][name] - tables[0][name] for name in tables[1] if name in tables[0]}
    return uptimes[1] - uptimes[0], gained
