"""One domU floods and spins in long hypercalls, another on the same pCPU
still answers (issue 10, item 8). tern's console is COM2 at the HOWTO's
9600 baud, drained by this test at 960 bytes a second through a one-page
pipe, as a real line would be; dom0's shell keeps COM1. The flooder
(tests/guests/flood, command line "flood") loops over 64 KiB console_io
writes of full lines, 512-entry grant copy batches, an over-long
populate_physmap and NMI IPIs to itself. The sample Debian guest
shares its pCPU and must answer a ping over its console (`xl console`)
within a generous time, again and again; `xl destroy` of the flooder must
succeed; tern's console ring must not be filled with the flooder's text or
with one line per refused IPI.

Before continuations and byte budgets (run against 4b72fd8's tern.elf),
every flood line went out: at this line rate the old limit of 1000 lines in
10 s never bit, one 64 KiB write held the pCPU for minutes, and each refused
IPI printed its line."""

import fcntl
import os
import threading
import time

import pytest

import domu_guests
from dom0 import IMAGE, boot, check, run
from qemu import BUILD, TIMEOUT_SCALE
from test_console import ESCAPE, wait_prompt
from test_lifecycle import wait_userspace

FLOOD = os.path.join(BUILD, "guests", "flood.elf")
FLOOD_CFG = """name = "flood"
type = "pvh"
kernel = "/root/guests/flood.elf"
cmdline = "flood"
memory = 32
vcpus = 1
"""
LINE_BYTES_PER_SECOND = 960  # 9600 baud, 8n1
F_SETPIPE_SZ = 1031


class SlowLine(threading.Thread):
    """Reads what tern writes to COM2 at a serial line's pace, into a log
    file: QEMU's UART then stays busy while the pipe is full, as a real one
    does while its line is."""

    def __init__(self, path, log_path):
        super().__init__(daemon=True)
        os.mkfifo(f"{path}.in")
        os.mkfifo(f"{path}.out")
        self.path = path
        self.log_path = log_path
        self.stop = threading.Event()

    def run(self):
        fd = os.open(f"{self.path}.out", os.O_RDONLY | os.O_NONBLOCK)
        fcntl.fcntl(fd, F_SETPIPE_SZ, 4096)
        with open(self.log_path, "wb") as log:
            while not self.stop.is_set():
                try:
                    log.write(os.read(fd, LINE_BYTES_PER_SECOND // 10))
                    log.flush()
                except BlockingIOError:
                    pass
                time.sleep(0.1)
        os.close(fd)


def ping(m, n, timeout=120):
    """Attaches to the sample guest's console, has its shell answer, detaches."""
    start = len(m.output)
    m.send("xl console sample\n")
    time.sleep(2)
    m.send(f"\necho PONG-$(({n}*7))\n")
    m.wait_for(rf"^PONG-{n * 7}$", start=start, timeout=timeout)
    start = len(m.output)
    m.send(ESCAPE)
    time.sleep(2)
    wait_prompt(m, start)


def xl_dmesg_count(m, pattern):
    return int(check(m, f"xl dmesg | grep -c '{pattern}' || true").split()[-1])


def test_flooder_cannot_starve_its_neighbour_or_escape_destroy(machine, tmp_path):
    if not os.path.exists(FLOOD):
        pytest.fail(f"{FLOOD} is missing: run `make guests`")
    line = SlowLine(str(tmp_path / "com2"), os.path.join(BUILD, "test-logs", "test_flood-com2.log"))
    with open(FLOOD, "rb") as f:
        files = {"root/guests/flood.elf": (0o100644, f.read()),
                 "root/guests/flood.cfg": (0o100644, FLOOD_CFG.encode())}
    m = boot(machine, IMAGE, dom0_mem="512M", memory="2G",
             console="console=com2 com2=9600,8n1 guest_loglvl=all", files=files,
             tmp_path=tmp_path, extra_args=["-serial", "mon:stdio", "-chardev",
                                            f"pipe,id=com2,path={tmp_path / 'com2'}",
                                            "-serial", "chardev:com2"])
    line.start()
    try:
        check(m, "xl create /etc/xen/sample.cfg")
        wait_userspace(m, "sample")
        ping(m, 0)

        check(m, "xl create /root/guests/flood.cfg")
        deadline = time.monotonic() + 120 * TIMEOUT_SCALE
        while "flooding" not in check(m, "xl dmesg | grep flooding || true"):
            assert time.monotonic() < deadline, check(m, "xl dmesg | tail")
            time.sleep(1)

        # The neighbour answers, again and again, while the flood goes on.
        for n in range(1, 5):
            ping(m, n)
            check(m, "sleep 5")
        assert "flood" in check(m, "xl list"), "the flooder is gone: it was meant to run"

        # The flooder is destroyed at once, whatever call it is in.
        status, out = run(m, "xl destroy flood", timeout=120)
        assert status == 0, f"xl destroy of the flooder failed:\n{out}"
        assert "flood " not in check(m, "xl list")
        ping(m, 5)

        # tern's console ring: the flood was cut short and said so, and the
        # refused IPIs (thousands) gave a handful of lines.
        assert xl_dmesg_count(m, "lines suppressed") >= 1, check(m, "xl dmesg | tail -30")
        refused = xl_dmesg_count(m, "local APIC delivery mode")
        assert refused < 300, f"{refused} lines for refused IPIs"
        domu_guests.assert_host_healthy(m)
    finally:
        line.stop.set()
