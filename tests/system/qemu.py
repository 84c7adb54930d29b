"""Boot something under QEMU, watch its serial console, always clean up.

Every system test goes through Machine: it starts qemu-system-x86_64 with the
serial console on a pipe, collects everything the guest prints (also into
build/test-logs/<name>.log, for reading after a failure), waits for patterns
with generous timeouts, and kills QEMU by PID when the test ends, whatever
happened. Tests wait for behaviour; they never judge how long it took.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
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
# Where a marker line printed by a shell ends: at the end of the line, or
# where a kernel message the same console printed meanwhile goes on from it
# ("@@7@@> 0[    4.269141] Uhhuh. NMI ..."): the kernel does not wait for
# a line to end before printing its own.
MARKER_END = r"(?:$|(?=\[ *\d+\.\d+\]))"
# tern prints its own lines ("(tern) Domain 27 shut down ...") on the serial
# port dom0 also writes to, whole, between any two characters of dom0's:
# "@(tern) Domain 27 shut down (reason 3)\n@125@@> 0" is marker @@125@@.
TERN_LINE = r"(?:\(tern\) [^\n]*\n)?"


def marker(text):
    """A regex for text as the shell printed it, with any of tern's lines
    that may have cut into it."""
    return TERN_LINE.join(re.escape(c) for c in text)
# QEMU's own debug log, for a machine that vanishes without a word (a triple
# fault under -no-reboot, say): TERN_QEMU_DEBUG_LOG=1 logs QEMU's
# "cpu_reset,guest_errors", any other value is passed to -d as is (e.g.
# cpu_reset,int,guest_errors), into build/test-logs/<name>.qemu.log. Under
# -no-reboot a triple fault logs the line "Triple fault" and no registers
# (the CPU is never reset): to read them, add "-action shutdown=pause" and
# ask the monitor for `info registers -a` once `info status` says paused.
QEMU_DEBUG_LOG = os.environ.get("TERN_QEMU_DEBUG_LOG", "")


class ConsoleTimeout(AssertionError):
    pass


class Emulator:
    """What QEMU and Bochs machines share: the console text a subclass's
    reader thread collects (output, under _lock), waiting for it, and
    killing the emulator's process (_proc, in a session of its own)."""

    EMULATOR = "QEMU"

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
        tail if the pattern does not appear in time or the emulator exits first."""
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
                    why = ("timed out" if remaining <= 0 else
                           f"{self.EMULATOR} exited (status {self._proc.poll()})")
                    raise ConsoleTimeout(
                        f"{why} waiting for /{pattern}/ on {self.name}; console tail:\n"
                        + self.output[-3000:])
                self._lock.wait(min(remaining, 1.0))

    def _append(self, data):
        """Adds what the console printed to the output and the log file."""
        text = data.decode("utf-8", errors="replace").replace("\r", "")
        with self._lock:
            self.output += text
            self._log.write(text)
            self._log.flush()
            self._lock.notify_all()

    def _kill_process(self):
        """Kills the emulator's process group (it is its own session)."""
        if self.running():
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._proc.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.kill()


class Machine(Emulator):
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
        self._monitor_dir = None

    def start(self):
        os.makedirs(LOG_DIR, exist_ok=True)
        # QEMU's human monitor on a socket of its own (a short path: a test's
        # name can be longer than a socket path may be).
        self._monitor_dir = tempfile.mkdtemp(prefix="tern-qemu-")
        self.args += ["-monitor", f"unix:{self._monitor_dir}/monitor,server=on,wait=off"]
        if QEMU_DEBUG_LOG:
            flags = "cpu_reset,guest_errors" if QEMU_DEBUG_LOG == "1" else QEMU_DEBUG_LOG
            self.args += ["-d", flags, "-D", os.path.join(LOG_DIR, self.name + ".qemu.log")]
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
            self._append(data)
        # How QEMU ended, in the log: 0 after a reset under -no-reboot (a
        # triple fault too), a negative signal number if it was killed (by
        # kill() at the end of a test: SIGKILL; by the kernel's OOM killer:
        # also SIGKILL) or aborted (SIGABRT).
        try:
            status = self._proc.wait(10)
        except subprocess.TimeoutExpired:
            status = None
        with self._lock:
            if status is not None and not self._log.closed:
                self._log.write(f"\n# QEMU exited with status {status}\n")
                self._log.flush()
            self._lock.notify_all()

    def wait_exit(self, timeout=DEFAULT_TIMEOUT):
        """Waits for QEMU to exit by itself (e.g. a guest reset under -no-reboot)."""
        try:
            return self._proc.wait(timeout * TIMEOUT_SCALE)
        except subprocess.TimeoutExpired as exc:
            raise ConsoleTimeout(
                f"QEMU for {self.name} did not exit; console tail:\n" + self.output[-3000:]) from exc

    def shell(self, command, timeout=DEFAULT_TIMEOUT):
        """Runs command in the guest's shell on the serial console and returns
        (exit status, output). The shell must be at its prompt.

        The output is what the shell printed between two markers it prints
        itself, one before and one after the command, so a prompt of an
        earlier command (which may arrive, whole or in part, after this call
        began) is never part of it. Each marker is built from the command's
        arguments when the shell runs it, so the terminal's echo of the
        command line (before `stty -echo`) never matches either."""
        self._commands = getattr(self, "_commands", 0) + 1
        tag = f"@@{self._commands}@@"
        start = len(self.output)
        self.send(f"printf '%s<\\n' '{tag}'; {command}; echo \"{tag}> $?\"\n")
        # Not anchored: the line may have begun (with a prompt) before start.
        begin = self.wait_for(marker(tag + "<") + MARKER_END, timeout=timeout, start=start)
        end = self.wait_for(marker(tag + "> ") + r"(\d+)" + MARKER_END, timeout=timeout,
                            start=begin.end() + 1)
        return int(end.group(1)), self.output[begin.end() + 1:end.start()]

    def monitor(self, command):
        """Runs command on QEMU's monitor and returns its answer (the text
        between the echo of the command and the next prompt)."""
        def until_prompt(sock):
            data = b""
            while not data.endswith(b"(qemu) "):
                chunk = sock.recv(4096)
                if not chunk:
                    raise ConsoleTimeout(f"QEMU's monitor for {self.name} closed")
                data += chunk
            return data.decode(errors="replace")

        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(60 * TIMEOUT_SCALE)
            sock.connect(os.path.join(self._monitor_dir, "monitor"))
            until_prompt(sock)
            sock.sendall(command.encode() + b"\n")
            answer = until_prompt(sock)
        # The monitor redraws its line as it echoes: drop the escapes and the echo.
        answer = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", answer).replace("\r", "")
        return answer.split("\n", 1)[-1].rsplit("(qemu) ", 1)[0]

    def cpu_states(self):
        """For each CPU, (halted, interrupts enabled) from QEMU's registers:
        (True, False) is a CPU stopped for good (only an NMI wakes it)."""
        states = []
        for regs in re.split(r"^CPU#\d+$", self.monitor("info registers -a"), flags=re.M)[1:]:
            rflags = int(re.search(r"RFL=([0-9a-f]+)", regs).group(1), 16)
            states.append((re.search(r"HLT=(\d)", regs).group(1) == "1", bool(rflags & 0x200)))
        return states

    def wait_stopped(self, timeout=DEFAULT_TIMEOUT):
        """Waits until every CPU is halted with interrupts off, so none can
        run again (a reboot after a delay, say); fails if QEMU exits first."""
        deadline = time.monotonic() + timeout * TIMEOUT_SCALE
        while True:
            if not self.running():
                raise ConsoleTimeout(f"QEMU for {self.name} exited; console tail:\n"
                                     + self.output[-3000:])
            states = self.cpu_states()
            if states and all(halted and not irq for halted, irq in states):
                return
            if time.monotonic() > deadline:
                raise ConsoleTimeout(f"the CPUs of {self.name} did not all stop "
                                     f"(halted, interrupts on): {states}")
            time.sleep(0.5)

    def note(self, text):
        """Writes a line of the test's own into the console log (not the
        output): where each test began on a machine several tests share."""
        with self._lock:
            self._log.write(f"\n# {text}\n")
            self._log.flush()

    def send(self, text):
        self._proc.stdin.write(text.encode())
        self._proc.stdin.flush()

    def kill(self):
        if self._proc is None:
            return
        self._kill_process()
        if self._reader:
            self._reader.join(10)
        self._proc.stdin.close()
        self._proc.stdout.close()
        if self._log:
            self._log.close()
        shutil.rmtree(self._monitor_dir, ignore_errors=True)
