"""A domU's shell from dom0's, for the tests that need one (test_blk,
test_net, bench/net): commands go to the guest's console through the pty
xenconsoled publishes in xenstore; answers come from xenconsoled's log of
that console (/var/log/xen/console/guest-<name>.log, the dom0 image's
--log=guest). Every wait happens inside dom0, in one shell command, bounded
by a generous timeout."""

import base64
import itertools
import re

from dom0 import check, run
from qemu import MARKER_END, TIMEOUT_SCALE

LOG = "/var/log/xen/console/guest-{}.log"
# A guest's boot under emulation takes half a minute: five minutes (times
# TERN_TEST_TIMEOUT_SCALE) is generous, and a guest that hangs costs no more.
BOOT_TIMEOUT = 300


def put_file(m, path, text):
    """Writes text to path in dom0 (through base64: any quotes survive)."""
    data = base64.b64encode(text.encode()).decode()
    check(m, f"echo {data} | base64 -d > {path}")


def tern_dump(m):
    """tern's 'q' debug-key dump, from its first line (xl dmesg keeps more)."""
    return run(m, "xl debug-keys q; xl dmesg | tac | sed '/pressed -> dumping/q' | tac")[1]


def hang_report(m, name):
    """What a guest that stopped short shows, for a failure's message: the
    end of its console, xenconsoled's log, xenstored's connections (ring
    indexes, replies held: its SIGUSR1 dump) and tern's 'q' dump (what each
    pCPU runs, each vCPU's state, the event channels' queues and words)."""
    log = LOG.format(name)
    return ("its console:\n" + run(m, f"tail -c 3000 {log} | tr -d '\\033'")[1] +
            "\nxenconsoled:\n" + run(m, "tail -n 20 /var/log/xen/xenconsoled.log")[1] +
            "\nxenstored:\n" + run(m, "kill -USR1 $(cat /run/xenstored.pid) && sleep 1; "
                                     "tail -n 20 /var/log/xen/xenstored.log")[1] +
            "\ntern:\n" + run(m, "xl list")[1] + "\n" + tern_dump(m))


def wait_log(m, name, pattern, count=1, timeout=600):
    """Waits in dom0 until the guest's console log has `count` lines holding
    pattern (a fixed string); returns how many it has. Logs are never
    printed whole: the serial line is slow, and the guest's terminal
    queries would travel with them. A guest that hangs costs `timeout`
    seconds (times TERN_TEST_TIMEOUT_SCALE), then hang_report() says why."""
    log = LOG.format(name)
    limit = int(timeout * TIMEOUT_SCALE)
    # Every minute the wait says where the guest is (for a failure's log).
    status, out = run(m, f"i=0; until [ \"$(grep -acF -- '{pattern}' {log} 2>/dev/null)\" -ge "
                         f"{count} ] 2>/dev/null; do i=$((i+1)); [ $i -gt {limit} ] && break; "
                         f"[ $((i % 60)) = 0 ] && echo \"waiting: $(tail -n 1 {log} | tr -cd "
                         f"'[:print:]')\"; sleep 1; done; "
                         f"echo \"COUNT $(grep -acF -- '{pattern}' {log})\"",
                      timeout=timeout + 60)
    found = re.search(r"^COUNT (\d+)$", out, re.M)
    got = int(found.group(1)) if status == 0 and found else 0
    assert got >= count, f"{name}: no '{pattern}' (x{count}); " + hang_report(m, name)
    return got


def log_lines(m, name, regex):
    """The lines of the guest's console log matching an extended regex."""
    return run(m, f"grep -aE '{regex}' {LOG.format(name)} | tr -d '\\033'")[1]


class Guest:
    """A guest's shell through its console pty; each command's output ends
    with a numbered marker line and its exit status."""

    # Markers are unique across Guest objects: a guest's log outlives them.
    tags = itertools.count(1)

    def __init__(self, m, name):
        self.m, self.name = m, name

    def sh(self, command, timeout=600):
        """(exit status, output) of command (no single quotes in it)."""
        tag = f"@@G{next(Guest.tags)}@@"
        log = LOG.format(self.name)
        out = check(self.m, f"xenstore-read /local/domain/$(xl domid {self.name})/console/tty")
        # dom0's kernel may print on the same console meanwhile.
        tty = re.search(r"/dev/pts/\d+", out)
        assert tty, f"{self.name}: no console tty: {out}"
        # Markers around the output; $? is expanded only by the guest's shell.
        check(self.m, f"printf '%s\\n' 'echo {tag}B; {command}; echo {tag}$?' > {tty.group(0)}")
        # Most commands answer at once: look again every 0.2 s. (The greps
        # stretch the loop past its count: the wait for it here is longer.)
        limit = int(timeout * TIMEOUT_SCALE * 5)
        run(self.m, f"i=0; until grep -aq '^{tag}[0-9]' {log}; do i=$((i+1)); "
                    f"[ $i -gt {limit} ] && break; sleep 0.2; done", timeout=2 * timeout)
        # (xenconsoled's log keeps the guest's CR LF line ends)
        # (a marker is unique as a line's start: the guest's kernel may go on
        # printing on the marker's line, MARKER_END)
        text = run(self.m, f"tr -d '\\033\\r' < {log} | sed -n '/^{tag}B/,/^{tag}[0-9]/p'")[1]
        found = re.search(rf"^{re.escape(tag)}(\d+){MARKER_END}", text, re.M)
        assert found, f"{self.name}: no answer to `{command}`; console:\n" + \
            run(self.m, f"tail -c 3000 {log} | tr -d '\\033'")[1]
        begin = re.search(rf"^{re.escape(tag)}B{MARKER_END}", text, re.M)
        body = text[begin.end() + 1:found.start()] if begin else ""
        return int(found.group(1)), body

    def ok(self, command, timeout=600):
        status, body = self.sh(command, timeout)
        assert status == 0, f"{self.name}: `{command}` failed ({status}):\n{body}"
        return body
