"""Boot tern under Bochs, watch its serial console, always clean up.

QEMU's software emulation has no VMX; Bochs emulates VT-x with EPT and VPID,
so the Intel path is tested here. Its AMD models emulate SVM too, a second
judge of tern's SVM path beside QEMU's. BochsMachine builds a GRUB CD that
multiboots build/tern.gz with the given command line, writes a bochsrc for
the given CPU model, starts Bochs with the serial port going to a file, and
follows that file as qemu.Machine follows QEMU's console (both are
qemu.Emulator: the same wait_for, the same build/test-logs/<name>.log). Bochs is killed by PID when
the test ends, whatever happened. docs/vmx.md says why the bochsrc looks the
way it does.
"""

import os
import shutil
import subprocess
import tempfile
import threading
import time

from qemu import BUILD, DEFAULT_TIMEOUT, LOG_DIR, TIMEOUT_SCALE, ConsoleTimeout, Emulator

TERN_GZ = os.environ.get("TERN_GZ", os.path.join(BUILD, "tern.gz"))
BIOS = "/usr/share/bochs/BIOS-bochs-latest"
VGA_BIOS = "/usr/share/bochs/VGABIOS-lgpl-latest"

# CPU models of Bochs 2.7: one with all tern needs (EPT, VPID, unrestricted
# guest), one with VT-x but none of those, one without VT-x; and an AMD one
# with SVM and nested paging (docs/svm-bochs.md).
VMX_EPT_MODEL = "corei7_sandy_bridge_2600k"
VMX_NO_EPT_MODEL = "core2_penryn_t9600"
NO_VMX_MODEL = "p4_prescott_celeron_336"
SVM_MODEL = "ryzen"

GRUB_CFG = """\
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
menuentry "tern" {{
    multiboot /boot/tern.gz {cmdline}
{modules}}}
"""

# Emulated instructions per second. With clock sync=none, emulated time
# follows the instruction count, not the host's clock, so a loaded host
# slows the guest down without changing what it sees (its TSC runs at this
# rate).
IPS = 50000000

BOCHSRC = """\
cpu: model={model}, count={cpus}, ips={ips}
memory: guest={memory}, host={memory}
romimage: file={bios}
vgaromimage: file={vga_bios}
ata0-master: type=cdrom, path={iso}, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev={serial}
display_library: rfb, options="timeout=0"
clock: sync=none
speaker: enabled=0
sound: driver=dummy
log: {log}
"""


class BochsMachine(Emulator):
    """One Bochs instance. Use as a context manager, or call kill()."""

    EMULATOR = "Bochs"

    def __init__(self, name, model, cmdline, memory_mb=256, kernel=TERN_GZ, modules=(), cpus=1):
        """modules: "path [command line]" strings, GRUB module lines after tern's."""
        self.name = name
        self.cpus = cpus
        self.modules = list(modules)
        self.model = model
        self.cmdline = cmdline
        self.memory_mb = memory_mb
        self.kernel = kernel
        self.output = ""
        self.started_at = None
        self._lock = threading.Condition()
        self._proc = None
        self._reader = None
        self._stop = threading.Event()
        self._log = None
        self._dir = None

    def _build_iso(self):
        root = os.path.join(self._dir, "iso")
        os.makedirs(os.path.join(root, "boot", "grub"))
        shutil.copy(self.kernel, os.path.join(root, "boot", "tern.gz"))
        lines = ""
        for i, module in enumerate(self.modules):
            path, _, args = module.partition(" ")
            shutil.copy(path, os.path.join(root, "boot", f"module{i}"))
            # --nounzip: GRUB would gunzip a module, but only the first
            # member of a gzip stream; dom0's initramfs with an archive
            # appended (dom0.image_with) came out 315 KiB of its 8 MiB.
            lines += f"    module --nounzip /boot/module{i} {args}\n"
        with open(os.path.join(root, "boot", "grub", "grub.cfg"), "w") as f:
            f.write(GRUB_CFG.format(cmdline=self.cmdline, modules=lines))
        iso = os.path.join(self._dir, "tern.iso")
        subprocess.run(["grub-mkrescue", "-o", iso, root], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return iso

    def start(self):
        os.makedirs(LOG_DIR, exist_ok=True)
        self._dir = tempfile.mkdtemp(prefix="tern-bochs-")
        self.serial_path = os.path.join(self._dir, "serial.log")
        self.bochs_log_path = os.path.join(LOG_DIR, self.name + ".bochs.log")
        bochsrc = os.path.join(self._dir, "bochsrc")
        with open(bochsrc, "w") as f:
            f.write(BOCHSRC.format(model=self.model, cpus=self.cpus, ips=IPS, memory=self.memory_mb, bios=BIOS,
                                   vga_bios=VGA_BIOS, iso=self._build_iso(),
                                   serial=self.serial_path, log=self.bochs_log_path))
        # Debian's Bochs has its debugger built in and stops at the first
        # instruction for a command: "c" (continue) from a script.
        debugger_rc = os.path.join(self._dir, "debugger.rc")
        with open(debugger_rc, "w") as f:
            f.write("c\n")
        open(self.serial_path, "w").close()
        self._log = open(os.path.join(LOG_DIR, self.name + ".log"), "w",
                         encoding="utf-8", errors="replace")
        args = ["bochs", "-q", "-f", bochsrc, "-rc", debugger_rc]
        self._log.write(f"# {' '.join(args)} (model {self.model}, tern {self.cmdline})\n")
        self.started_at = time.monotonic()
        self._proc = subprocess.Popen(args, cwd=self._dir, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True)
        self._reader = threading.Thread(target=self._follow_serial, daemon=True)
        self._reader.start()
        return self

    def _follow_serial(self):
        """Appends what Bochs writes to the serial file to the output, until
        Bochs has exited and everything is read, or kill()."""
        with open(self.serial_path, "rb") as f:
            while not self._stop.is_set():
                exited = not self.running()
                data = f.read()
                if not data:
                    if exited:
                        break
                    self._stop.wait(0.2)
                    continue
                self._append(data)
        with self._lock:
            self._lock.notify_all()

    def wait_halted(self, timeout=DEFAULT_TIMEOUT):
        """Waits until Bochs reports the CPU halted with interrupts off, so it
        can never run again (the end of tern's panic with noreboot)."""
        deadline = time.monotonic() + timeout * TIMEOUT_SCALE
        while "HLT instruction with IF=0" not in self.bochs_log():
            if not self.running():
                raise ConsoleTimeout(f"Bochs for {self.name} exited before the CPU halted")
            if time.monotonic() > deadline:
                raise ConsoleTimeout(f"the CPU of {self.name} did not halt with interrupts off")
            time.sleep(0.5)

    def bochs_log(self):
        with open(self.bochs_log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def kill(self):
        if self._proc is None:
            return
        self._kill_process()
        self._stop.set()
        if self._reader:
            self._reader.join(10)
        if self._log:
            self._log.close()
        shutil.rmtree(self._dir, ignore_errors=True)
