"""Boot something under QEMU, watch its serial console, always clean up.

Every system test goes through Machine: it starts qemu-system-x86_64 with the
serial console on a pipe, collects everything the guest prints (also into
build/test-logs/<name>.log, for reading after a failure), waits for patterns
with generous timeouts, and kills QEMU by PID when the test ends, whatever
happened. Tests wait for behaviour; they never judge how long it took.
"""

import os
import re
import signal
import subprocess
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, "build")
# The hypervisor under test; TERN_ELF=<path> runs the tests against another
# build (e.g. an older commit's, to see a regression test fail there).
TERN_ELF = os.environ.get("TERN_ELF", os.path.join(BUILD, "tern.elf"))
LOG_DIR = os.path.join(BUILD, "test-logs")

# Software emulation on a shared machine: boots can take many times longer
# than on an idle one. These bound a hang, they do not measure anything.
DEFAULT_TIMEOUT = 180
# On a machine busier than CI's (several emulators at once), every wait can be
# stretched: TERN_TEST_TIMEOUT_SCALE=3 makes each one three times as long.
TIMEOUT_SCALE = float(os.environ.get("TERN_TEST_TIMEOUT_SCALE", "1"))


class ConsoleTimeout(AssertionError):
    pass


class Machine:
    """One QEMU instance. Use as a context manager, or call kill()."""

    def __init__(self, name, kernel=TERN_ELF, append="", modules=(), smp=1,
                 memory="512M", cpu="max", extra_args=()):
        self.name = name
        self.args = [
            "qemu-system-x86_64", "-machine", "q35", "-cpu", cpu,
            "-smp", str(smp), "-m", memory, "-nographic", "-no-reboot",
        ]
        # kernel=None boots from the machine's disk (extra_args) through its BIOS.
        if kernel:
            self.args += ["-kernel", kernel]
        if append:
            self.args += ["-append", append]
        if modules:
            # QEMU's multiboot loader: modules separated by ',', each
            # "path args"; a literal ',' in args is written ',,'.
            self.args += ["-initrd", ",".join(m.replace(",", ",,") for m in modules)]
        self.args += list(extra_args)
        self.output = ""
        self._lock = threading.Condition()
        self._proc = None
        self._reader = None
        self._log = None

    def start(self):
        os.makedirs(LOG_DIR, exist_ok=True)
        self._log = open(os.path.join(LOG_DIR, self.name + ".log"), "w",
                         encoding="utf-8", errors="replace")
        self._log.write("# " + " ".join(self.args) + "\n")
        self._proc = subprocess.Popen(
            self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self

    def _read(self):
        fd = self._proc.stdout.fileno()
        while True:
            data = os.read(fd, 4096)
            if not data:
                break
            text = data.decode("utf-8", errors="replace").replace("\r", "")
            with self._lock:
                self.output += text
                self._log.write(text)
                self._log.flush()
                self._lock.notify_all()
        with self._lock:
            self._lock.notify_all()

    @property
    def pid(self):
        return self._proc.pid

    def running(self):
        return self._proc.poll() is None

    def wait_for(self, pattern, timeout=DEFAULT_TIMEOUT, start=0, whole_lines=True):
        """Waits until pattern (a regex, MULTILINE) appears in the output from
        offset start on; returns the match. By default only complete lines are
        searched, so '(.*)$' never catches half a line; pass whole_lines=False
        to match a prompt that ends without a newline. Fails with the console's
        tail if the pattern does not appear in time or QEMU exits first."""
        regex = re.compile(pattern, re.MULTILINE)
        deadline = time.monotonic() + timeout * TIMEOUT_SCALE
        with self._lock:
            while True:
                end = self.output.rfind("\n") + 1 if whole_lines else len(self.output)
                m = regex.search(self.output, start, end)
                if m:
                    return m
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (not self._reader.is_alive() and not self.running()):
                    why = "timed out" if remaining <= 0 else "QEMU exited"
                    raise ConsoleTimeout(
                        f"{why} waiting for /{pattern}/ on {self.name}; console tail:\n"
                        + self.output[-3000:])
                self._lock.wait(min(remaining, 1.0))

    def wait_exit(self, timeout=DEFAULT_TIMEOUT):
        """Waits for QEMU to exit by itself (e.g. a guest reset under -no-reboot)."""
        try:
            return self._proc.wait(timeout * TIMEOUT_SCALE)
        except subprocess.TimeoutExpired as exc:
            raise ConsoleTimeout(
                f"QEMU for {self.name} did not exit; console tail:\n" + self.output[-3000:]) from exc

    def shell(self, command, timeout=DEFAULT_TIMEOUT):
        """Runs command in the guest's shell on the serial console and returns
        (exit status, output). The shell must be at its prompt."""
        self._commands = getattr(self, "_commands", 0) + 1
        tag = f"@@{self._commands}@@"
        start = len(self.output)
        # The terminal echoes the line with '$?' unexpanded, so only the
        # shell's own echo matches the pattern below.
        self.send(f"{command}; echo \"{tag} $?\"\n")
        m = self.wait_for(re.escape(tag) + r" (\d+)$", timeout=timeout, start=start)
        lines = self.output[start:m.start()].split("\n")
        # Drop the terminal's echo of the command line itself.
        body = "\n".join(line for line in lines if f'{tag} $?' not in line)
        return int(m.group(1)), body

    def send(self, text):
        self._proc.stdin.write(text.encode())
        self._proc.stdin.flush()

    def kill(self):
        if self._proc is None:
            return
        if self.running():
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._proc.wait()
        if self._reader:
            self._reader.join(10)
        self._proc.stdin.close()
        self._proc.stdout.close()
        if self._log:
            self._log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.kill()
